/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * MPTCPsec: authenticated encryption inside Multipath TCP.
 *
 * User-visible constants.  See Documentation/networking/mptcpsec.rst.
 */
#ifndef _UAPI_LINUX_MPTCP_SEC_H
#define _UAPI_LINUX_MPTCP_SEC_H

/**
 * enum mptcp_sec_policy - when an MPTCP connection must be secured
 * @MPTCP_SEC_POLICY_OFF: plain MPTCP v1, MPTCPsec is never offered.
 * @MPTCP_SEC_POLICY_OPPORTUNISTIC: offer MPTCPsec, fall back to plain
 *	MPTCP v1 when the peer cannot do it; the application can tell which.
 * @MPTCP_SEC_POLICY_REQUIRED: never carry application data in plaintext;
 *	a connection that cannot be secured fails.
 *
 * The same values are used by the net.mptcp.sec_enabled sysctl (the
 * per-namespace default) and, per socket, by later socket options.
 */
enum mptcp_sec_policy {
	MPTCP_SEC_POLICY_OFF = 0,
	MPTCP_SEC_POLICY_OPPORTUNISTIC = 1,
	MPTCP_SEC_POLICY_REQUIRED = 2,
	__MPTCP_SEC_POLICY_MAX,
};

#define MPTCP_SEC_POLICY_MAX (__MPTCP_SEC_POLICY_MAX - 1)

#endif /* _UAPI_LINUX_MPTCP_SEC_H */

/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * MPTCPsec: authenticated encryption inside Multipath TCP.
 *
 * User-visible constants.  See Documentation/networking/mptcpsec.rst.
 */
#ifndef _UAPI_LINUX_MPTCP_SEC_H
#define _UAPI_LINUX_MPTCP_SEC_H

#include <linux/types.h>

/**
 * enum mptcp_sec_policy - when an MPTCP connection must be secured
 * @MPTCP_SEC_POLICY_OFF: plain MPTCP v1, MPTCPsec is never offered.
 * @MPTCP_SEC_POLICY_OPPORTUNISTIC: offer MPTCPsec, fall back to plain
 *	MPTCP v1 when the peer cannot do it; the application can tell which.
 * @MPTCP_SEC_POLICY_REQUIRED: never carry application data in plaintext;
 *	a connection that cannot be secured fails.
 *
 * The same values are used by the net.mptcp.sec_enabled sysctl (the
 * per-namespace default, taken when the socket is created) and, per
 * socket, by MPTCP_SEC_POLICY.  A failed connect() or connect(AF_UNSPEC)
 * keeps the policy, suites and key of the socket.  connect() on a
 * required socket without a key fails with ENOKEY.
 */
enum mptcp_sec_policy {
	MPTCP_SEC_POLICY_OFF = 0,
	MPTCP_SEC_POLICY_OPPORTUNISTIC = 1,
	MPTCP_SEC_POLICY_REQUIRED = 2,
	__MPTCP_SEC_POLICY_MAX,
};

#define MPTCP_SEC_POLICY_MAX (__MPTCP_SEC_POLICY_MAX - 1)

/*
 * Socket options, level SOL_MPTCP, on an IPPROTO_MPTCP socket.
 *
 * MPTCP_SEC_KEY (set only): the pre-shared key, 16 to 64 bytes.  On a
 *	socket that is not connected yet or on a listener (accepted sockets
 *	inherit it).  Setting a key makes the socket offer MPTCPsec with its
 *	policy (MPTCP_SEC_POLICY, default net.mptcp.sec_enabled).  Errors:
 *	EINVAL (length), EFAULT, EOPNOTSUPP (policy is off, or a read),
 *	EBUSY (connection attempt in progress), EISCONN (connected).
 * MPTCP_SEC_POLICY (int, set and get): enum mptcp_sec_policy of this
 *	socket.  Same state rules and errors as MPTCP_SEC_KEY, EINVAL for an
 *	unknown value.
 * MPTCP_SEC_SUITES (set and get): the cipher suite bytes this socket
 *	allows, in its order of preference, 1 to MPTCP_SEC_MAX_SUITES
 *	distinct known suites including MPTCP_SEC_SUITE_AES128GCM (the
 *	mandatory one); default 0x21 0x22 0x23.  Same state rules as
 *	MPTCP_SEC_KEY; EINVAL for a bad list.
 * MPTCP_SEC_INFO (get only): struct mptcp_sec_info; the kernel copies
 *	min(optlen, sizeof(struct mptcp_sec_info)) bytes and sets optlen.
 */
#define MPTCP_SEC_KEY		64
#define MPTCP_SEC_POLICY	65
#define MPTCP_SEC_INFO		66
#define MPTCP_SEC_SUITES	67

#define MPTCP_SEC_SUITE_AES128GCM		0x21
#define MPTCP_SEC_SUITE_AES256GCM		0x22
#define MPTCP_SEC_SUITE_CHACHA20POLY1305	0x23
#define MPTCP_SEC_MAX_SUITES			3

#define MPTCP_SEC_KEY_MIN_LEN	16
#define MPTCP_SEC_KEY_MAX_LEN	64

/**
 * enum mptcp_sec_state - what a connection got, in struct mptcp_sec_info
 * @MPTCP_SEC_STATE_OFF: MPTCPsec not offered (no key or policy off)
 * @MPTCP_SEC_STATE_PENDING: offered, handshake or key set-up in progress
 * @MPTCP_SEC_STATE_SECURED: every byte is encrypted and authenticated, and
 *	the peer proved it holds the keys (a client: the server's first
 *	verified record)
 * @MPTCP_SEC_STATE_PLAIN: opportunistic, the peer cannot do MPTCPsec:
 *	plain MPTCP v1 or TCP, NOT secured
 * @MPTCP_SEC_STATE_FAILED: required and refused, authentication of the
 *	handshake failed, or the server did not prove it holds the keys in
 *	time (ETIMEDOUT); the connection carries no data
 */
enum mptcp_sec_state {
	MPTCP_SEC_STATE_OFF = 0,
	MPTCP_SEC_STATE_PENDING = 1,
	MPTCP_SEC_STATE_SECURED = 2,
	MPTCP_SEC_STATE_PLAIN = 3,
	MPTCP_SEC_STATE_FAILED = 4,
};

#define MPTCP_SEC_SESSION_ID_MAX	48

/**
 * struct mptcp_sec_info - MPTCPsec state of one connection (88 bytes)
 * @msi_state: enum mptcp_sec_state
 * @msi_policy: enum mptcp_sec_policy of the socket
 * @msi_suite: cipher suite byte (0x21 AES-128-GCM, 0x22 AES-256-GCM,
 *	0x23 ChaCha20-Poly1305), 0 unless secured
 * @msi_session_id_len: bytes used in @msi_session_id (33), 0 unless secured
 * @msi_session_id: session ID for channel binding: suite byte followed by
 *	32 bytes both ends compute alike
 * @msi_reserved: zero; makes the padding before the counters explicit
 * @msi_records_sealed: data records this socket sealed
 * @msi_records_opened: data records this socket verified and decrypted
 * @msi_auth_failures: records or control records that failed verification
 * @msi_subflows_reset: subflows this socket reset after a failure
 */
struct mptcp_sec_info {
	__u8	msi_state;
	__u8	msi_policy;
	__u8	msi_suite;
	__u8	msi_session_id_len;
	__u8	msi_session_id[MPTCP_SEC_SESSION_ID_MAX];
	__u8	msi_reserved[4];
	__u64	msi_records_sealed;
	__u64	msi_records_opened;
	__u64	msi_auth_failures;
	__u64	msi_subflows_reset;
};

/* MP_TCPRST reason of a subflow reset after an authentication failure;
 * Linux keeps reasons in 4 bits, so the highest one
 */
#define MPTCP_RST_ESEC_AUTH	0x0f

#endif /* _UAPI_LINUX_MPTCP_SEC_H */

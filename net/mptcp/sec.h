/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MPTCPsec: authenticated encryption inside Multipath TCP.
 *
 * Internal interface between upstream MPTCP and the MPTCPsec files
 * (net/mptcp/sec*.c).  Upstream files call only what is declared here;
 * every call has a no-op stub when CONFIG_MPTCP_SEC is off.
 */
#ifndef __MPTCP_SEC_H
#define __MPTCP_SEC_H

#include <linux/init.h>
#include <net/net_namespace.h>
#include <uapi/linux/mptcp_sec.h>

#if IS_ENABLED(CONFIG_MPTCP_SEC)

void __init mptcp_sec_init(void);
enum mptcp_sec_policy mptcp_sec_net_policy(const struct net *net);

#else /* CONFIG_MPTCP_SEC */

static inline void mptcp_sec_init(void)
{
}

static inline enum mptcp_sec_policy mptcp_sec_net_policy(const struct net *net)
{
	return MPTCP_SEC_POLICY_OFF;
}

#endif /* CONFIG_MPTCP_SEC */

#endif /* __MPTCP_SEC_H */

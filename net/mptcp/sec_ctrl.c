// SPDX-License-Identifier: GPL-2.0
/*
 * MPTCPsec: per-namespace control knobs.
 *
 * net.mptcp.sec_enabled holds the namespace's default enum mptcp_sec_policy.
 * It lives in its own pernet area and its own sysctl table under
 * "net/mptcp", so that upstream's ctrl.c needs no change beyond the call
 * to mptcp_sec_init().
 */

#include <linux/sysctl.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "sec.h"

#define MPTCP_SEC_SYSCTL_PATH "net/mptcp"

static unsigned int mptcp_sec_pernet_id __read_mostly;

struct mptcp_sec_pernet {
#ifdef CONFIG_SYSCTL
	struct ctl_table_header *ctl_table_hdr;
#endif
	/* enum mptcp_sec_policy; written by sysctl, read locklessly */
	u8 policy;
};

static struct mptcp_sec_pernet *mptcp_sec_pernet(const struct net *net)
{
	return net_generic(net, mptcp_sec_pernet_id);
}

/**
 * mptcp_sec_net_policy() - default MPTCPsec policy of a network namespace
 * @net: the namespace
 *
 * Lockless: the value may change at any time through the sysctl, callers
 * sample it once per decision (socket creation).
 *
 * Return: the value of net.mptcp.sec_enabled in @net.
 */
enum mptcp_sec_policy mptcp_sec_net_policy(const struct net *net)
{
	return READ_ONCE(mptcp_sec_pernet(net)->policy);
}

#ifdef CONFIG_SYSCTL

/* proc_dou8vec_minmax() reads its bounds as unsigned int */
static unsigned int mptcp_sec_policy_max = MPTCP_SEC_POLICY_MAX;

static struct ctl_table mptcp_sec_sysctl_table[] = {
	{
		.procname = "sec_enabled",
		.maxlen = sizeof(u8),
		.mode = 0644,
		/* 0 off, 1 opportunistic, 2 required; others -EINVAL */
		.proc_handler = proc_dou8vec_minmax,
		.extra1 = SYSCTL_ZERO,
		.extra2 = &mptcp_sec_policy_max,
	},
	{}
};

static int mptcp_sec_sysctl_register(struct net *net,
				     struct mptcp_sec_pernet *pernet)
{
	struct ctl_table *table = mptcp_sec_sysctl_table;
	struct ctl_table_header *hdr;

	if (!net_eq(net, &init_net)) {
		table = kmemdup(table, sizeof(mptcp_sec_sysctl_table),
				GFP_KERNEL);
		if (!table)
			return -ENOMEM;
	}

	table[0].data = &pernet->policy;

	hdr = register_net_sysctl(net, MPTCP_SEC_SYSCTL_PATH, table);
	if (!hdr) {
		if (!net_eq(net, &init_net))
			kfree(table);
		return -ENOMEM;
	}

	pernet->ctl_table_hdr = hdr;
	return 0;
}

static void mptcp_sec_sysctl_unregister(struct net *net,
					struct mptcp_sec_pernet *pernet)
{
	struct ctl_table *table = pernet->ctl_table_hdr->ctl_table_arg;

	unregister_net_sysctl_table(pernet->ctl_table_hdr);
	if (!net_eq(net, &init_net))
		kfree(table);
}

#else /* CONFIG_SYSCTL */

static int mptcp_sec_sysctl_register(struct net *net,
				     struct mptcp_sec_pernet *pernet)
{
	return 0;
}

static void mptcp_sec_sysctl_unregister(struct net *net,
					struct mptcp_sec_pernet *pernet)
{
}

#endif /* CONFIG_SYSCTL */

static int __net_init mptcp_sec_net_init(struct net *net)
{
	struct mptcp_sec_pernet *pernet = mptcp_sec_pernet(net);

	pernet->policy = MPTCP_SEC_POLICY_OFF;
	return mptcp_sec_sysctl_register(net, pernet);
}

static void __net_exit mptcp_sec_net_exit(struct net *net)
{
	mptcp_sec_sysctl_unregister(net, mptcp_sec_pernet(net));
}

static struct pernet_operations mptcp_sec_pernet_ops = {
	.init = mptcp_sec_net_init,
	.exit = mptcp_sec_net_exit,
	.id = &mptcp_sec_pernet_id,
	.size = sizeof(struct mptcp_sec_pernet),
};

/* Called once from mptcp_init(), after MPTCP's own pernet subsystem. */
void __init mptcp_sec_init(void)
{
	if (register_pernet_subsys(&mptcp_sec_pernet_ops) < 0)
		panic("Failed to register MPTCPsec pernet subsystem.\n");
}

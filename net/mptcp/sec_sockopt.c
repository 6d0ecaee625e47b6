// SPDX-License-Identifier: GPL-2.0
/*
 * MPTCPsec: the MPTCP_SEC_* socket options on SOL_MPTCP.  See
 * Documentation/networking/mptcpsec.rst, section "Socket options".
 */
#define pr_fmt(fmt) "MPTCPsec: " fmt

#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <net/sock.h>
#include "protocol.h"
#include "sec_sock.h"

static bool mptcp_sec_suite_known(u8 suite)
{
	return mptcp_sec_suite_key_len(suite) != 0;
}

/* msk lock: the configuration may change only before the connection */
static int mptcp_sec_config_state(struct mptcp_sock *msk)
{
	struct sock *sk = (struct sock *)msk;

	switch (sk->sk_state) {
	case TCP_CLOSE:
	case TCP_LISTEN:
		return 0;
	case TCP_SYN_SENT:
		return -EBUSY;
	default:
		return -EISCONN;
	}
}

static struct mptcp_sec_sock *mptcp_sec_get(struct mptcp_sock *msk)
{
	struct sock *sk = (struct sock *)msk;

	if (!msk->sec)
		WRITE_ONCE(msk->sec, mptcp_sec_alloc(sk, sk->sk_allocation));
	return msk->sec;
}

int mptcp_sec_setsockopt(struct mptcp_sock *msk, int optname,
			 sockptr_t optval, unsigned int optlen)
{
	struct sock *sk = (struct sock *)msk;
	u8 buf[MPTCP_SEC_PSK_MAX_LEN];
	struct mptcp_sec_sock *sec;
	int val, err, i, j;

	switch (optname) {
	case MPTCP_SEC_KEY:
		if (optlen < MPTCP_SEC_KEY_MIN_LEN ||
		    optlen > MPTCP_SEC_KEY_MAX_LEN)
			return -EINVAL;
		break;
	case MPTCP_SEC_POLICY:
		if (optlen < sizeof(int))
			return -EINVAL;
		break;
	case MPTCP_SEC_SUITES:
		if (!optlen || optlen > MPTCP_SEC_MAX_SUITES)
			return -EINVAL;
		break;
	case MPTCP_SEC_INFO:
		return -EOPNOTSUPP;
	default:
		return -ENOPROTOOPT;
	}
	if (optname == MPTCP_SEC_POLICY)
		optlen = sizeof(int);
	if (copy_from_sockptr(buf, optval, optlen))
		return -EFAULT;

	lock_sock(sk);
	err = mptcp_sec_config_state(msk);
	if (err)
		goto out;
	sec = mptcp_sec_get(msk);
	if (!sec) {
		err = -ENOMEM;
		goto out;
	}
	switch (optname) {
	case MPTCP_SEC_KEY:
		if (sec->policy == MPTCP_SEC_POLICY_OFF) {
			err = -EOPNOTSUPP;
			break;
		}
		/* a listener's SYNs read it in softirq */
		spin_lock_bh(&sec->lock);
		memzero_explicit(sec->psk, sizeof(sec->psk));
		memcpy(sec->psk, buf, optlen);
		sec->psk_len = optlen;
		spin_unlock_bh(&sec->lock);
		break;
	case MPTCP_SEC_POLICY:
		memcpy(&val, buf, sizeof(val));
		if (val < 0 || val > MPTCP_SEC_POLICY_MAX) {
			err = -EINVAL;
			break;
		}
		spin_lock_bh(&sec->lock);
		WRITE_ONCE(sec->policy, val);
		spin_unlock_bh(&sec->lock);
		break;
	case MPTCP_SEC_SUITES:
		for (i = 0; i < optlen; i++) {
			if (!mptcp_sec_suite_known(buf[i]))
				err = -EINVAL;
			for (j = 0; j < i; j++)
				if (buf[j] == buf[i])
					err = -EINVAL;
		}
		if (!memchr(buf, MPTCP_SEC_SUITE_AES128GCM, optlen))
			err = -EINVAL;
		if (err)
			break;
		spin_lock_bh(&sec->lock);
		memcpy(sec->suites, buf, optlen);
		sec->nsuites = optlen;
		spin_unlock_bh(&sec->lock);
		break;
	}
out:
	release_sock(sk);
	memzero_explicit(buf, sizeof(buf));
	return err;
}

static int mptcp_sec_put(char __user *optval, int __user *optlen,
			 const void *val, unsigned int size)
{
	int len;

	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	len = min_t(unsigned int, len, size);
	if (put_user(len, optlen) || copy_to_user(optval, val, len))
		return -EFAULT;
	return 0;
}

int mptcp_sec_getsockopt(struct mptcp_sock *msk, int optname,
			 char __user *optval, int __user *optlen)
{
	struct sock *sk = (struct sock *)msk;
	struct mptcp_sec_info info = {};
	struct mptcp_sec_sock *sec;
	u8 suites[MPTCP_SEC_MAX_SUITES];
	unsigned int n;
	int policy;

	/* the layout is uAPI: Documentation/networking/mptcpsec.rst */
	BUILD_BUG_ON(sizeof(info) != 88 ||
		     offsetof(struct mptcp_sec_info, msi_records_sealed) != 56);
	lock_sock(sk);
	sec = msk->sec;
	policy = sec ? sec->policy : mptcp_sec_net_policy(sock_net(sk));
	n = sec ? sec->nsuites : MPTCP_SEC_NDEFAULT_SUITES;
	memcpy(suites, sec ? sec->suites : mptcp_sec_default_suites, n);
	info.msi_policy = policy;
	if (sec && sec->psk_len) {
		info.msi_state = sec->state;
		/* secured once the peer proved it has the keys too */
		if (info.msi_state == MPTCP_SEC_STATE_SECURED &&
		    !READ_ONCE(sec->peer_ok))
			info.msi_state = MPTCP_SEC_STATE_PENDING;
		if (info.msi_state == MPTCP_SEC_STATE_SECURED && sec->keys) {
			info.msi_suite = sec->suite;
			info.msi_session_id_len = MPTCP_SEC_SESSION_ID_LEN;
			memcpy(info.msi_session_id, sec->keys->session_id,
			       MPTCP_SEC_SESSION_ID_LEN);
		}
		info.msi_records_sealed = atomic64_read(&sec->sealed);
		info.msi_records_opened = atomic64_read(&sec->opened);
		info.msi_auth_failures = atomic64_read(&sec->auth_fail);
		info.msi_subflows_reset = atomic64_read(&sec->sf_reset);
	}
	release_sock(sk);

	switch (optname) {
	case MPTCP_SEC_INFO:
		return mptcp_sec_put(optval, optlen, &info, sizeof(info));
	case MPTCP_SEC_POLICY:
		return mptcp_sec_put(optval, optlen, &policy, sizeof(policy));
	case MPTCP_SEC_SUITES:
		return mptcp_sec_put(optval, optlen, suites, n);
	case MPTCP_SEC_KEY:
		return -EOPNOTSUPP;	/* write only */
	}
	return -EOPNOTSUPP;
}

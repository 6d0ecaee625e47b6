// SPDX-License-Identifier: GPL-2.0
/*
 * MPTCPsec: socket options, per-connection state and the MP_CAPABLE v2 /
 * MP_SEC negotiation.  See Documentation/networking/mptcpsec.rst,
 * sections "Negotiation", "Policy" and "Key schedule".
 */
#define pr_fmt(fmt) "MPTCPsec: " fmt

#include <linux/kernel.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <crypto/algapi.h>
#include <net/sock.h>
#include <net/tcp.h>
#include "protocol.h"
#include "mib.h"
#include "sec_sock.h"

static const u8 mptcp_sec_default_suites[] = {
	MPTCP_SEC_SUITE_AES128GCM,
	MPTCP_SEC_SUITE_AES256GCM,
	MPTCP_SEC_SUITE_CHACHA20POLY1305,
};

/* 1e 04 02 01: MP_CAPABLE, length 4, subtype 0 | version 2, flag H */
static const u8 mptcp_sec_mpc[MPTCP_SEC_MPC_LEN] = {
	TCPOPT_MPTCP, MPTCP_SEC_MPC_LEN,
	(MPTCPOPT_MP_CAPABLE << 4) | MPTCP_SEC_VERSION, MPTCP_CAP_HMAC_SHA256,
};

bool mptcp_sec_on(const struct mptcp_sock *msk)
{
	const struct mptcp_sec_sock *sec = READ_ONCE(msk->sec);

	return sec && (READ_ONCE(sec->state) == MPTCP_SEC_STATE_PENDING ||
		       READ_ONCE(sec->state) == MPTCP_SEC_STATE_SECURED);
}

/* ---------------------------------------------------------------------
 * Life cycle
 */

/* any context: the msk is new or being cloned */
void mptcp_sec_sock_init(struct mptcp_sock *msk)
{
	msk->sec = NULL;
}

static struct mptcp_sec_sock *mptcp_sec_alloc(struct net *net, gfp_t gfp)
{
	struct mptcp_sec_sock *sec = kzalloc(sizeof(*sec), gfp);

	if (!sec)
		return NULL;
	sec->policy = mptcp_sec_net_policy(net);
	sec->nsuites = ARRAY_SIZE(mptcp_sec_default_suites);
	memcpy(sec->suites, mptcp_sec_default_suites, sec->nsuites);
	spin_lock_init(&sec->lock);
	return sec;
}

static void mptcp_sec_free(struct mptcp_sec_sock *sec)
{
	if (!sec)
		return;
	mptcp_sec_dir_aead_free(&sec->tx);
	mptcp_sec_dir_aead_free(&sec->rx);
	mptcp_sec_keys_free(sec->keys);
	kfree_sensitive(sec);
}

/* msk lock or the msk is unreachable */
void mptcp_sec_sock_destroy(struct mptcp_sock *msk)
{
	struct mptcp_sec_sock *sec = msk->sec;

	WRITE_ONCE(msk->sec, NULL);
	mptcp_sec_free(sec);
}

void mptcp_sec_subflow_release(struct mptcp_subflow_context *subflow)
{
	kfree_skb(subflow->sec.rx_skb);
	subflow->sec.rx_skb = NULL;
}

void mptcp_sec_req_init(struct request_sock *req)
{
	mptcp_subflow_rsk(req)->sec = NULL;
}

void mptcp_sec_req_destroy(struct request_sock *req)
{
	struct mptcp_subflow_request_sock *subflow_req = mptcp_subflow_rsk(req);
	struct mptcp_sec_neg *neg = subflow_req->sec;

	if (!neg)
		return;
	subflow_req->sec = NULL;
	mptcp_sec_keys_free(neg->keys);
	kfree_sensitive(neg);
}

/* softirq, the new msk is locked (bh) and not yet visible */
/* Copy the listener's secret to @psk, return its length; any context.
 * sec->lock keeps it whole against MPTCP_SEC_KEY set on the listener
 * meanwhile.
 */
static u8 mptcp_sec_psk_copy(struct mptcp_sec_sock *lsec, u8 *psk)
{
	u8 len;

	spin_lock_bh(&lsec->lock);
	len = lsec->psk_len;
	memcpy(psk, lsec->psk, len);
	spin_unlock_bh(&lsec->lock);
	return len;
}

void mptcp_sec_clone(const struct mptcp_sock *listener, struct mptcp_sock *msk,
		     struct request_sock *req)
{
	struct mptcp_subflow_request_sock *subflow_req = mptcp_subflow_rsk(req);
	struct mptcp_sec_sock *lsec = listener->sec;
	struct mptcp_sec_neg *neg = subflow_req->sec;
	struct mptcp_sec_sock *sec;
	struct sock *sk = (struct sock *)msk;

	if (!lsec || !lsec->psk_len)
		return;

	sec = mptcp_sec_alloc(sock_net(sk), GFP_ATOMIC);
	if (!sec) {
		/* cannot be secured: never continue in plaintext */
		inet_sk_state_store(sk, TCP_CLOSE);
		return;
	}
	sec->psk_len = mptcp_sec_psk_copy(lsec, sec->psk);
	sec->policy = lsec->policy;
	sec->nsuites = lsec->nsuites;
	memcpy(sec->suites, lsec->suites, sizeof(sec->suites));
	sec->role = MPTCP_SEC_SERVER;

	if (!neg || !neg->keys) {
		/* opportunistic server, v1 or TCP client */
		sec->state = MPTCP_SEC_STATE_PLAIN;
		WRITE_ONCE(msk->sec, sec);
		return;
	}

	sec->suite = neg->suite;
	sec->global = neg->global;
	sec->keys = neg->keys;
	neg->keys = NULL;
	sec->state = MPTCP_SEC_STATE_PENDING;
	WRITE_ONCE(msk->sec, sec);

	if (mptcp_token_rehash(msk, sec->keys->token_s)) {
		/* derived token in use: reset, as the spec says */
		MPTCP_INC_STATS(sock_net(sk), MPTCP_MIB_TOKENFALLBACKINIT);
		sec->state = MPTCP_SEC_STATE_FAILED;
		inet_sk_state_store(sk, TCP_CLOSE);
		return;
	}
	mptcp_schedule_work(sk);
}

/* no plaintext once MPTCPsec failed: reset every subflow; msk lock */
static void mptcp_sec_reset_all(struct mptcp_sock *msk)
{
	struct mptcp_subflow_context *subflow;

	mptcp_for_each_subflow(msk, subflow) {
		struct sock *ssk = mptcp_subflow_tcp_sock(subflow);
		bool slow = lock_sock_fast(ssk);

		mptcp_subflow_reset(ssk);
		unlock_sock_fast(ssk, slow);
	}
}

/* Key the AEADs.  Process context, msk lock: transforms are allocated. */
void mptcp_sec_install(struct mptcp_sock *msk)
{
	struct mptcp_sec_sock *sec = msk->sec;
	struct sock *sk = (struct sock *)msk;
	enum mptcp_sec_dir tx, rx;
	int err;

	sock_owned_by_me(sk);
	if (!sec || sec->state != MPTCP_SEC_STATE_PENDING || !sec->keys ||
	    sec->installed)
		return;

	tx = sec->role == MPTCP_SEC_CLIENT ? MPTCP_SEC_C2S : MPTCP_SEC_S2C;
	rx = tx == MPTCP_SEC_C2S ? MPTCP_SEC_S2C : MPTCP_SEC_C2S;
	err = mptcp_sec_dir_aead_init(&sec->tx, sec->keys, tx);
	if (!err)
		err = mptcp_sec_dir_aead_init(&sec->rx, sec->keys, rx);
	/* the transforms hold the AEAD keys now */
	memzero_explicit(sec->keys->dir, sizeof(sec->keys->dir));
	if (err) {
		pr_warn_ratelimited("cannot key %s: %d\n",
				    mptcp_sec_suite_name(sec->suite), err);
		WRITE_ONCE(sec->state, MPTCP_SEC_STATE_FAILED);
		WRITE_ONCE(sk->sk_err, -err);
		mptcp_sec_reset_all(msk);
		return;
	}
	WRITE_ONCE(sec->state, MPTCP_SEC_STATE_SECURED);
	/* pairs with mptcp_sec_installed(): the keyed transforms are
	 * visible before the flag that lets softirq use them
	 */
	smp_store_release(&sec->installed, 1);
	MPTCP_INC_STATS(sock_net(sk), MPTCP_MIB_SECNEGSECURED);
	mptcp_sec_kick_rx(msk);
	/* the server confirms the handshake: the client sends data only
	 * after a verified record from us
	 */
	if (sec->role == MPTCP_SEC_SERVER && msk->first) {
		bool slow = lock_sock_fast(msk->first);

		mptcp_sec_send_ctrl(msk->first, true);
		unlock_sock_fast(msk->first, slow);
	}
}

/* process context, msk lock */
void mptcp_sec_worker(struct mptcp_sock *msk)
{
	mptcp_sec_install(msk);
}

/* ---------------------------------------------------------------------
 * Socket options
 */

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
		WRITE_ONCE(msk->sec, mptcp_sec_alloc(sock_net(sk),
						     sk->sk_allocation));
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
		sec->policy = val;
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
		memcpy(sec->suites, buf, optlen);
		sec->nsuites = optlen;
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

	lock_sock(sk);
	sec = msk->sec;
	policy = sec ? sec->policy : mptcp_sec_net_policy(sock_net(sk));
	n = sec ? sec->nsuites : ARRAY_SIZE(mptcp_sec_default_suites);
	memcpy(suites, sec ? sec->suites : mptcp_sec_default_suites, n);
	info.msi_policy = policy;
	if (sec && sec->psk_len) {
		info.msi_state = sec->state;
		/* secured once the peer proved it has the keys too */
		if (info.msi_state == MPTCP_SEC_STATE_SECURED &&
		    !READ_ONCE(msk->fully_established))
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

/* ---------------------------------------------------------------------
 * Options on the wire
 */

/* softirq: a 4-byte MP_CAPABLE; true if it is our version 2 */
bool mptcp_sec_parse_mpc(const u8 *ptr, int opsize, struct mptcp_sec_rx_opt *o)
{
	if (opsize != MPTCP_SEC_MPC_LEN ||
	    (ptr[0] & MPTCP_VERSION_MASK) != MPTCP_SEC_VERSION)
		return false;
	o->mpc_v2 = 1;
	o->mpc_raw[0] = TCPOPT_MPTCP;
	o->mpc_raw[1] = opsize;
	o->mpc_raw[2] = ptr[0];
	o->mpc_raw[3] = ptr[1];
	return true;
}

/* softirq: keep the raw MP_SEC option; it is checked where it is used */
void mptcp_sec_parse_option(const u8 *ptr, int opsize,
			    struct mptcp_sec_rx_opt *o)
{
	if (opsize < MPTCP_SEC_OFFER_MIN || opsize > MPTCP_SEC_OPT_MAX ||
	    o->sec_len)
		return;
	o->sec_raw[0] = TCPOPT_MPTCP;
	o->sec_raw[1] = opsize;
	memcpy(&o->sec_raw[2], ptr, opsize - 2);
	o->sec_len = opsize;
}

static u8 mptcp_sec_type(const struct mptcp_options_received *mp_opt)
{
	return mp_opt->sec.sec_raw[2] & 0x0f;
}

/* write MPC v2 and an MP_SEC option into @blob; returns the length */
static u8 mptcp_sec_blob(u8 *blob, u8 type, u8 global, const u8 *suites,
			 u8 nsuites, const u8 *tail, u8 tail_len)
{
	u8 len = 4 + nsuites + tail_len;

	memcpy(blob, mptcp_sec_mpc, MPTCP_SEC_MPC_LEN);
	blob += MPTCP_SEC_MPC_LEN;
	blob[0] = TCPOPT_MPTCP;
	blob[1] = len;
	blob[2] = (MPTCPOPT_MP_SEC << 4) | type;
	blob[3] = global;
	memcpy(&blob[4], suites, nsuites);
	memcpy(&blob[4 + nsuites], tail, tail_len);
	return MPTCP_SEC_MPC_LEN + len;
}

static void mptcp_sec_opts_blob(struct mptcp_out_options *opts,
				const u8 *blob, u8 len, unsigned int *size)
{
	opts->suboptions = 0;
	opts->sec_blob = 1;
	opts->sec_len = len;
	memcpy(opts->sec_raw, blob, len);
	*size = ALIGN(len, 4);
}

/* TCP output path: the blob, padded with NOPs to a word */
void mptcp_sec_write_options(__be32 *ptr, const struct mptcp_out_options *opts)
{
	u8 *p = (u8 *)ptr;
	unsigned int len = opts->sec_len;

	memcpy(p, opts->sec_raw, len);
	memset(p + len, TCPOPT_NOP, ALIGN(len, 4) - len);
}

/* SYN of the first subflow; ssk lock */
bool mptcp_sec_syn_options(struct sock *ssk, unsigned int *size,
			   struct mptcp_out_options *opts)
{
	struct mptcp_subflow_context *subflow = mptcp_subflow_ctx(ssk);
	struct mptcp_sock *msk = mptcp_sk(subflow->conn);
	struct mptcp_sec_sock *sec = msk->sec;
	u8 rc[MPTCP_SEC_RAND_LEN];

	if (!sec || !sec->psk_len || sec->policy == MPTCP_SEC_POLICY_OFF)
		return false;

	/* retransmitted SYNs repeat the same offer */
	if (!sec->syn_blob_len) {
		get_random_bytes(rc, sizeof(rc));
		sec->role = MPTCP_SEC_CLIENT;
		sec->state = MPTCP_SEC_STATE_PENDING;
		sec->syn_blob_len = mptcp_sec_blob(sec->syn_blob,
						   MPTCP_SEC_T_OFFER, 0,
						   sec->suites, sec->nsuites,
						   rc, sizeof(rc));
		MPTCP_INC_STATS(sock_net(ssk), MPTCP_MIB_SECNEGOFFERED);
	}
	mptcp_sec_opts_blob(opts, sec->syn_blob, sec->syn_blob_len, size);
	return true;
}

/* Server, SYN of a first subflow; softirq, listener not locked.
 * Return 0 to go on (with or without MPTCPsec), < 0 to refuse the SYN.
 */
int mptcp_sec_check_req(struct request_sock *req, const struct sock *listener,
			const struct mptcp_options_received *mp_opt,
			bool syncookie)
{
	struct mptcp_subflow_request_sock *subflow_req = mptcp_subflow_rsk(req);
	struct mptcp_sock *lmsk = mptcp_sk(mptcp_subflow_ctx(listener)->conn);
	struct mptcp_sec_sock *lsec = READ_ONCE(lmsk->sec);
	struct net *net = sock_net(listener);
	const u8 *raw = mp_opt->sec.sec_raw;
	u8 rs[MPTCP_SEC_RAND_LEN], suite = 0;
	struct mptcp_sec_neg *neg;
	unsigned int i, n;

	if (!lsec || !lsec->psk_len || lsec->policy == MPTCP_SEC_POLICY_OFF)
		return 0;

	if (!(mp_opt->suboptions & OPTION_MPTCP_MPC_SYN) ||
	    !mp_opt->sec.mpc_v2 || !mp_opt->sec.sec_len ||
	    mptcp_sec_type(mp_opt) != MPTCP_SEC_T_OFFER) {
		if (lsec->policy == MPTCP_SEC_POLICY_REQUIRED) {
			MPTCP_INC_STATS(net, MPTCP_MIB_SECNEGREFUSED);
			return -EPROTONOSUPPORT;
		}
		MPTCP_INC_STATS(net, MPTCP_MIB_SECNEGPLAIN);
		return 0;
	}
	if (syncookie) {
		/* the transcript cannot live in a cookie */
		MPTCP_INC_STATS(net, MPTCP_MIB_SECSYNCOOKIEREFUSED);
		return -EPERM;
	}

	/* the client's order of preference, among what we allow */
	n = mp_opt->sec.sec_len - 4 - MPTCP_SEC_RAND_LEN;
	for (i = 0; i < n && !suite; i++)
		if (memchr(lsec->suites, raw[4 + i], lsec->nsuites))
			suite = raw[4 + i];
	if (!suite) {
		MPTCP_INC_STATS(net, MPTCP_MIB_SECNEGREFUSED);
		return -EPROTONOSUPPORT;
	}

	neg = kzalloc(sizeof(*neg), GFP_ATOMIC);
	if (!neg)
		return -ENOMEM;
	neg->suite = suite;
	neg->global = raw[3] & 0x1f;
	neg->psk_len = mptcp_sec_psk_copy(lsec, neg->psk);
	get_random_bytes(rs, sizeof(rs));
	neg->blob_len = mptcp_sec_blob(neg->blob, MPTCP_SEC_T_SELECT,
				       neg->global, &suite, 1, rs, sizeof(rs));
	memcpy(neg->t, mp_opt->sec.mpc_raw, MPTCP_SEC_MPC_LEN);
	memcpy(neg->t + MPTCP_SEC_MPC_LEN, raw, mp_opt->sec.sec_len);
	neg->t_len = MPTCP_SEC_MPC_LEN + mp_opt->sec.sec_len;
	memcpy(neg->t + neg->t_len, neg->blob, neg->blob_len);
	neg->t_len += neg->blob_len;
	subflow_req->sec = neg;
	return 0;
}

bool mptcp_sec_synack_options(const struct request_sock *req,
			      unsigned int *size,
			      struct mptcp_out_options *opts)
{
	const struct mptcp_sec_neg *neg = mptcp_subflow_rsk(req)->sec;

	if (!neg)
		return false;
	mptcp_sec_opts_blob(opts, neg->blob, neg->blob_len, size);
	return true;
}

/* Client, SYN/ACK of the first subflow; softirq, ssk lock.
 * Return 0 to go on (keys in place when secured), or a negative errno:
 * the caller resets the subflow and connect() fails with it.
 */
int mptcp_sec_finish_connect(struct sock *ssk,
			     const struct mptcp_options_received *mp_opt)
{
	struct mptcp_subflow_context *subflow = mptcp_subflow_ctx(ssk);
	struct mptcp_sock *msk = mptcp_sk(subflow->conn);
	struct mptcp_sec_sock *sec = msk->sec;
	const u8 *raw = mp_opt->sec.sec_raw;
	struct net *net = sock_net(ssk);
	u8 t[MPTCP_SEC_T_MAX], th[MPTCP_SEC_HASH_LEN];
	struct mptcp_sec_keys *keys;
	unsigned int t_len;
	u8 fc_tail[1 + MPTCP_SEC_FC_LEN];
	int err;

	if (!sec || !sec->syn_blob_len)
		return 0;

	if (!(mp_opt->suboptions & OPTION_MPTCP_MPC_SYNACK) ||
	    !mp_opt->sec.mpc_v2) {
		/* v1 or TCP peer */
		if (sec->policy == MPTCP_SEC_POLICY_REQUIRED) {
			MPTCP_INC_STATS(net, MPTCP_MIB_SECNEGREFUSED);
			WRITE_ONCE(sec->state, MPTCP_SEC_STATE_FAILED);
			return -EPROTONOSUPPORT;
		}
		MPTCP_INC_STATS(net, MPTCP_MIB_SECNEGPLAIN);
		WRITE_ONCE(sec->state, MPTCP_SEC_STATE_PLAIN);
		return 0;
	}

	/* version 2 answered: MP_SEC select must be there and sane */
	if (mp_opt->sec.sec_len != MPTCP_SEC_SELECT_LEN ||
	    mptcp_sec_type(mp_opt) != MPTCP_SEC_T_SELECT ||
	    !memchr(sec->suites, raw[4], sec->nsuites)) {
		MPTCP_INC_STATS(net, MPTCP_MIB_SECNEGSTRIPPED);
		WRITE_ONCE(sec->state, MPTCP_SEC_STATE_FAILED);
		return -EPROTO;
	}

	t_len = sec->syn_blob_len;
	memcpy(t, sec->syn_blob, t_len);
	memcpy(t + t_len, mp_opt->sec.mpc_raw, MPTCP_SEC_MPC_LEN);
	t_len += MPTCP_SEC_MPC_LEN;
	memcpy(t + t_len, raw, mp_opt->sec.sec_len);
	t_len += mp_opt->sec.sec_len;
	mptcp_sec_transcript_hash(t, t_len, th);

	keys = kmalloc(sizeof(*keys), GFP_ATOMIC);
	if (!keys)
		return -ENOMEM;
	err = mptcp_sec_key_schedule(sec->psk, sec->psk_len, th, raw[4], keys);
	if (err) {
		mptcp_sec_keys_free(keys);
		return err;
	}
	sec->suite = raw[4];
	sec->global = raw[3] & 0x1f;
	sec->keys = keys;

	/* the third ACK: MPC v2 || MP_SEC confirm */
	fc_tail[0] = sec->suite;
	memcpy(&fc_tail[1], keys->fc, MPTCP_SEC_FC_LEN);
	sec->ack_blob_len = mptcp_sec_blob(sec->ack_blob, MPTCP_SEC_T_CONFIRM,
					   sec->global, NULL, 0, fc_tail,
					   sizeof(fc_tail));
	memzero_explicit(fc_tail, sizeof(fc_tail));

	/* upstream derives token, IDSN and MP_JOIN HMACs from the keys */
	subflow->local_key = keys->key_c;
	subflow->idsn = keys->idsn_c;
	subflow->token = keys->token_c;
	((struct mptcp_options_received *)mp_opt)->sndr_key = keys->key_s;
	err = mptcp_token_rehash(msk, keys->token_c);
	if (err)
		return err;
	mptcp_schedule_work((struct sock *)msk);
	return 0;
}

/* client: MPC || MP_SEC confirm on the third ACK and on every pure ACK
 * until the server is known to be established; ssk lock
 */
bool mptcp_sec_mpc_ack_options(struct sock *ssk, unsigned int *size,
			       struct mptcp_out_options *opts)
{
	struct mptcp_subflow_context *subflow = mptcp_subflow_ctx(ssk);
	struct mptcp_sec_sock *sec = mptcp_sk(subflow->conn)->sec;

	if (!sec || !sec->ack_blob_len)
		return false;
	mptcp_sec_opts_blob(opts, sec->ack_blob, sec->ack_blob_len, size);
	return true;
}

/* Server, third ACK; softirq.  Derive the keys and check Fc.
 * Return 0 (not MPTCPsec, or secured) or a negative errno: reset.
 */
int mptcp_sec_third_ack(struct request_sock *req,
			struct mptcp_options_received *mp_opt)
{
	struct mptcp_subflow_request_sock *subflow_req = mptcp_subflow_rsk(req);
	struct mptcp_sec_neg *neg = subflow_req->sec;
	const u8 *raw = mp_opt->sec.sec_raw;
	struct net *net = read_pnet(&inet_rsk(req)->ireq_net);
	u8 th[MPTCP_SEC_HASH_LEN];
	struct mptcp_sec_keys *keys;
	int err;

	if (!neg)
		return 0;
	if (!(mp_opt->suboptions & OPTION_MPTCP_MPC_ACK) ||
	    !mp_opt->sec.mpc_v2 ||
	    mp_opt->sec.sec_len != MPTCP_SEC_CONFIRM_LEN ||
	    mptcp_sec_type(mp_opt) != MPTCP_SEC_T_CONFIRM ||
	    (raw[3] & 0x1f) != neg->global || raw[4] != neg->suite) {
		MPTCP_INC_STATS(net, MPTCP_MIB_SECNEGSTRIPPED);
		return -EPROTO;
	}
	if (!neg->keys) {
		keys = kmalloc(sizeof(*keys), GFP_ATOMIC);
		if (!keys)
			return -ENOMEM;
		mptcp_sec_transcript_hash(neg->t, neg->t_len, th);
		err = mptcp_sec_key_schedule(neg->psk, neg->psk_len, th,
					     neg->suite, keys);
		if (err) {
			mptcp_sec_keys_free(keys);
			return err;
		}
		neg->keys = keys;
	}
	if (mptcp_sec_fc_verify(neg->keys, &raw[5])) {
		MPTCP_INC_STATS(net, MPTCP_MIB_SECNEGFINISHEDBAD);
		mptcp_sec_keys_free(neg->keys);
		neg->keys = NULL;
		return -EKEYREJECTED;
	}
	subflow_req->local_key = neg->keys->key_s;
	subflow_req->idsn = neg->keys->idsn_s;
	mp_opt->sndr_key = neg->keys->key_c;
	return 0;
}

/* The single choke point of every fallback to TCP, MP_FAIL and infinite
 * mapping: refused once MPTCPsec is in use.  Any context.
 */
bool mptcp_sec_try_fallback(struct mptcp_sock *msk)
{
	if (!mptcp_sec_on(msk))
		return true;
	MPTCP_INC_STATS(sock_net((struct sock *)msk),
			MPTCP_MIB_SECFALLBACKREFUSED);
	return false;
}

/* A subflow reports the error @err (negative); data lock.  Upstream keeps
 * the connection without subflows for a while; with MPTCPsec the
 * connection ends with an error once its last subflow is gone, and a
 * handshake the server rejected reads as EKEYREJECTED.  Return the
 * negative errno to report, 0 to keep the connection.
 */
int mptcp_sec_subflow_error(struct mptcp_sock *msk, struct sock *ssk, int err)
{
	struct mptcp_subflow_context *subflow, *cur = mptcp_subflow_ctx(ssk);
	struct mptcp_sec_sock *sec = msk->sec;

	if (!mptcp_sec_on(msk))
		return 0;
	mptcp_for_each_subflow(msk, subflow) {
		struct sock *s = mptcp_subflow_tcp_sock(subflow);

		if (subflow != cur && inet_sk_state_load(s) != TCP_CLOSE)
			return 0;
	}
	/* the server rejected our Finished value: wrong key */
	if (cur->reset_seen && cur->reset_reason == MPTCP_RST_ESEC_AUTH &&
	    !READ_ONCE(msk->fully_established)) {
		WRITE_ONCE(sec->state, MPTCP_SEC_STATE_FAILED);
		return -EKEYREJECTED;
	}
	/* the last subflow died of an authentication failure: no path is
	 * left that could carry the data; other ends (a close racing the
	 * DATA_FIN, a link timeout) keep upstream's behaviour
	 */
	if (cur->reset_reason == MPTCP_RST_ESEC_AUTH) {
		WRITE_ONCE(sec->state, MPTCP_SEC_STATE_FAILED);
		return err;
	}
	return 0;
}

/* subflow ID of the option tags: 0 for the first subflow, from the join
 * nonces otherwise; any context
 */
u32 mptcp_sec_subflow_id(struct mptcp_sock *msk,
			 struct mptcp_subflow_context *subflow)
{
	u32 r_i, r_r, sfid = 0;

	if (subflow->sec.sfid_set)
		return subflow->sec.sfid;
	if (subflow->mp_join && msk->sec && msk->sec->keys) {
		r_i = subflow->request_join ? subflow->local_nonce :
					      subflow->remote_nonce;
		r_r = subflow->request_join ? subflow->remote_nonce :
					      subflow->local_nonce;
		if (mptcp_sec_sfid(msk->sec->keys, r_i, r_r, &sfid))
			return 0;
	}
	subflow->sec.sfid = sfid;
	subflow->sec.sfid_set = 1;
	return sfid;
}

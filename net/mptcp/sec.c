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
#include <kunit/visibility.h>
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

DEFINE_STATIC_KEY_FALSE(mptcp_sec_used);
EXPORT_SYMBOL_IF_KUNIT(mptcp_sec_used);

/* Any context.  FAILED is "on" too: a connection that could not be
 * secured fails closed, it never continues in plaintext.
 */
bool __mptcp_sec_on(const struct mptcp_sock *msk)
{
	const struct mptcp_sec_sock *sec = READ_ONCE(msk->sec);
	u8 state;

	if (!sec)
		return false;
	state = READ_ONCE(sec->state);
	return state == MPTCP_SEC_STATE_PENDING ||
	       state == MPTCP_SEC_STATE_SECURED ||
	       state == MPTCP_SEC_STATE_FAILED;
}

/* ---------------------------------------------------------------------
 * Life cycle
 */

/* the configuration a socket hands on: to a new connection of its own
 * after a disconnect, to the children of a listener
 */
struct mptcp_sec_cfg {
	u8 policy;
	u8 nsuites;
	u8 psk_len;
	u8 suites[MPTCP_SEC_MAX_SUITES];
	u8 psk[MPTCP_SEC_PSK_MAX_LEN];
};

/* Copy the configuration of @sec; any context.  sec->lock keeps it
 * whole against MPTCP_SEC_* options set on a listener meanwhile.
 */
static void mptcp_sec_cfg_get(struct mptcp_sec_sock *sec,
			      struct mptcp_sec_cfg *cfg)
{
	spin_lock_bh(&sec->lock);
	cfg->policy = sec->policy;
	cfg->nsuites = sec->nsuites;
	memcpy(cfg->suites, sec->suites, sizeof(cfg->suites));
	cfg->psk_len = sec->psk_len;
	memcpy(cfg->psk, sec->psk, sizeof(cfg->psk));
	spin_unlock_bh(&sec->lock);
}

static void mptcp_sec_cfg_set(struct mptcp_sec_sock *sec,
			      const struct mptcp_sec_cfg *cfg)
{
	sec->policy = cfg->policy;
	sec->nsuites = cfg->nsuites;
	memcpy(sec->suites, cfg->suites, sizeof(sec->suites));
	sec->psk_len = cfg->psk_len;
	memcpy(sec->psk, cfg->psk, sizeof(sec->psk));
}

/* the listener's policy and suites; softirq */
static u8 mptcp_sec_listener_policy(const struct sock *listener)
{
	struct mptcp_sock *lmsk = mptcp_sk(mptcp_subflow_ctx(listener)->conn);
	struct mptcp_sec_sock *lsec = READ_ONCE(lmsk->sec);

	return lsec ? READ_ONCE(lsec->policy) : MPTCP_SEC_POLICY_OFF;
}

/* any context: the msk is new or being cloned */
void mptcp_sec_sock_init(struct mptcp_sock *msk)
{
	msk->sec = NULL;
}

/* client: the server did not prove the keys in time; softirq */
static void mptcp_sec_confirm_timeout(struct timer_list *t)
{
	struct mptcp_sec_sock *sec = from_timer(sec, t, confirm_timer);
	struct sock *sk = sec->sk;

	WRITE_ONCE(sec->confirm_expired, 1);
	mptcp_schedule_work(sk);
	sock_put(sk);
}

static void mptcp_sec_free_work(struct work_struct *work)
{
	struct mptcp_sec_sock *sec = container_of(to_rcu_work(work),
						  struct mptcp_sec_sock,
						  free_work);

	mptcp_sec_dir_aead_free(&sec->tx);
	mptcp_sec_dir_aead_free(&sec->rx);
	mptcp_sec_keys_free(sec->keys);
	kfree_sensitive(sec);
}

static struct mptcp_sec_sock *mptcp_sec_alloc(struct sock *sk, gfp_t gfp)
{
	struct mptcp_sec_sock *sec = kzalloc(sizeof(*sec), gfp);

	if (!sec)
		return NULL;
	/* the first state comes from process context (socket creation or
	 * option); a listener's children (softirq) follow one that has it
	 */
	if (gfpflags_allow_blocking(gfp))
		static_branch_enable(&mptcp_sec_used);
	sec->policy = mptcp_sec_net_policy(sock_net(sk));
	sec->nsuites = ARRAY_SIZE(mptcp_sec_default_suites);
	memcpy(sec->suites, mptcp_sec_default_suites, sec->nsuites);
	spin_lock_init(&sec->lock);
	sec->sk = sk;
	timer_setup(&sec->confirm_timer, mptcp_sec_confirm_timeout, 0);
	INIT_RCU_WORK(&sec->free_work, mptcp_sec_free_work);
	return sec;
}

/* Wipe and free after an RCU grace period (softirq readers); process
 * context: the timer is stopped synchronously.
 */
static void mptcp_sec_free(struct mptcp_sec_sock *sec)
{
	if (!sec)
		return;
	sk_stop_timer_sync(sec->sk, &sec->confirm_timer);
	queue_rcu_work(system_wq, &sec->free_work);
}

/* Process context, the msk is new: a socket takes the namespace's policy
 * when it is created (a later change of the sysctl does not touch it).
 */
int mptcp_sec_sock_create(struct mptcp_sock *msk)
{
	struct sock *sk = (struct sock *)msk;

	if (mptcp_sec_net_policy(sock_net(sk)) == MPTCP_SEC_POLICY_OFF)
		return 0;
	msk->sec = mptcp_sec_alloc(sk, GFP_KERNEL);
	return msk->sec ? 0 : -ENOMEM;
}

/* msk lock or the msk is unreachable; process context */
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

/* The per-subflow record state; ssk lock or the subflow is unreachable */
static void mptcp_sec_subflow_clear(struct mptcp_subflow_context *subflow)
{
	mptcp_sec_subflow_release(subflow);
	memset(&subflow->sec, 0, sizeof(subflow->sec));
}

/* A fresh state with the same configuration, for the next connection of
 * this socket; msk lock, process context.  The old state (keys, AEADs)
 * is wiped after the softirq readers are done with it.
 */
static int mptcp_sec_renew(struct mptcp_sock *msk, gfp_t gfp)
{
	struct mptcp_sec_sock *old = msk->sec, *sec;
	struct sock *sk = (struct sock *)msk;
	struct mptcp_sec_cfg cfg;

	sock_owned_by_me(sk);
	sec = mptcp_sec_alloc(sk, gfp);
	if (!sec)
		return -ENOMEM;
	mptcp_sec_cfg_get(old, &cfg);
	mptcp_sec_cfg_set(sec, &cfg);
	memzero_explicit(&cfg, sizeof(cfg));
	WRITE_ONCE(msk->sec, sec);
	mptcp_sec_free(old);
	return 0;
}

/* ->disconnect(): after a failed connect() or connect(AF_UNSPEC).  The
 * socket keeps its policy, suites and key; what the connection derived
 * goes.  msk lock, process context.  Without memory for the new state
 * the old one is marked failed, and the next connect() tries again.
 */
void mptcp_sec_disconnect(struct mptcp_sock *msk)
{
	struct mptcp_sec_sock *sec = msk->sec;

	sock_owned_by_me((struct sock *)msk);
	if (msk->first) {
		bool slow = lock_sock_fast(msk->first);

		mptcp_sec_subflow_clear(mptcp_subflow_ctx(msk->first));
		unlock_sock_fast(msk->first, slow);
	}
	if (!sec || sec->state == MPTCP_SEC_STATE_OFF)
		return;
	if (mptcp_sec_renew(msk, GFP_KERNEL))
		WRITE_ONCE(sec->state, MPTCP_SEC_STATE_FAILED);
}

/* connect(): msk lock, process context; @ssk is the first subflow, not
 * connected yet.  Return 0, or the error connect() fails with.
 */
int mptcp_sec_connect(struct mptcp_sock *msk, struct sock *ssk)
{
	struct mptcp_sec_sock *sec = msk->sec;
	int err;

	sock_owned_by_me((struct sock *)msk);
	if (!sec || sec->policy == MPTCP_SEC_POLICY_OFF)
		return 0;
	if (sec->state != MPTCP_SEC_STATE_OFF) {
		/* left over from an earlier attempt */
		err = mptcp_sec_renew(msk, sk_gfp_mask((struct sock *)msk,
						       GFP_KERNEL));
		if (err)
			return err;
		sec = msk->sec;
	}
	if (!sec->psk_len)
		/* nothing to secure the connection with */
		return sec->policy == MPTCP_SEC_POLICY_REQUIRED ? -ENOKEY : 0;

	/* TCP Fast Open would put the first write in the SYN, in clear:
	 * the handshake is a normal one, data waits for the keys
	 */
	if (tcp_sk(ssk)->fastopen_connect) {
		bool slow = lock_sock_fast(ssk);

		tcp_sk(ssk)->fastopen_connect = 0;
		unlock_sock_fast(ssk, slow);
	}
	return 0;
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
void mptcp_sec_clone(const struct mptcp_sock *listener, struct mptcp_sock *msk,
		     struct request_sock *req)
{
	struct mptcp_subflow_request_sock *subflow_req = mptcp_subflow_rsk(req);
	struct mptcp_sec_sock *lsec = READ_ONCE(listener->sec);
	struct mptcp_sec_neg *neg = subflow_req->sec;
	struct sock *sk = (struct sock *)msk;
	struct mptcp_sec_sock *sec;
	struct mptcp_sec_cfg cfg;

	if (!lsec)
		return;
	mptcp_sec_cfg_get(lsec, &cfg);
	if (cfg.policy == MPTCP_SEC_POLICY_OFF ||
	    (!cfg.psk_len && cfg.policy != MPTCP_SEC_POLICY_REQUIRED))
		goto out;

	sec = mptcp_sec_alloc(sk, GFP_ATOMIC);
	if (!sec) {
		/* cannot be secured: never continue in plaintext */
		inet_sk_state_store(sk, TCP_CLOSE);
		goto out;
	}
	mptcp_sec_cfg_set(sec, &cfg);
	sec->role = MPTCP_SEC_SERVER;

	if (!neg || !neg->keys) {
		/* opportunistic server, v1 or TCP client; a listener made
		 * "required" after the SYN was checked fails closed
		 */
		if (cfg.policy == MPTCP_SEC_POLICY_REQUIRED) {
			MPTCP_INC_STATS(sock_net(sk), MPTCP_MIB_SECNEGREFUSED);
			sec->state = MPTCP_SEC_STATE_FAILED;
			inet_sk_state_store(sk, TCP_CLOSE);
		} else {
			sec->state = MPTCP_SEC_STATE_PLAIN;
		}
		WRITE_ONCE(msk->sec, sec);
		goto out;
	}

	sec->suite = neg->suite;
	sec->global = neg->global;
	sec->keys = neg->keys;
	neg->keys = NULL;
	sec->state = MPTCP_SEC_STATE_PENDING;
	/* the client's Finished verified: it holds the keys */
	sec->peer_ok = 1;
	WRITE_ONCE(msk->sec, sec);

	if (mptcp_token_rehash(msk, sec->keys->token_s)) {
		/* derived token in use: reset, as the spec says */
		MPTCP_INC_STATS(sock_net(sk), MPTCP_MIB_TOKENFALLBACKINIT);
		sec->state = MPTCP_SEC_STATE_FAILED;
		inet_sk_state_store(sk, TCP_CLOSE);
		goto out;
	}
	mptcp_schedule_work(sk);
out:
	memzero_explicit(&cfg, sizeof(cfg));
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

/* Client: the server did not prove it holds the keys in time (an
 * impostor, or a server that lost them): fail closed.  msk lock.
 */
static void mptcp_sec_confirm_failed(struct mptcp_sock *msk)
{
	struct mptcp_sec_sock *sec = msk->sec;
	struct sock *sk = (struct sock *)msk;
	u8 state = READ_ONCE(sec->state);

	/* keyed here (SECURED) or not yet (PENDING), unproven either way */
	if (READ_ONCE(sec->peer_ok) || (state != MPTCP_SEC_STATE_PENDING &&
					state != MPTCP_SEC_STATE_SECURED))
		return;
	MPTCP_INC_STATS(sock_net(sk), MPTCP_MIB_SECNEGREFUSED);
	WRITE_ONCE(sec->state, MPTCP_SEC_STATE_FAILED);
	WRITE_ONCE(sk->sk_err, ETIMEDOUT);
	mptcp_sec_reset_all(msk);
	inet_sk_state_store(sk, TCP_CLOSE);
	sk_error_report(sk);
}

/* process context, msk lock */
void mptcp_sec_worker(struct mptcp_sock *msk)
{
	struct mptcp_sec_sock *sec = msk->sec;

	sock_owned_by_me((struct sock *)msk);
	if (!sec)
		return;
	mptcp_sec_install(msk);
	if (READ_ONCE(sec->confirm_expired))
		mptcp_sec_confirm_failed(msk);
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
	n = sec ? sec->nsuites : ARRAY_SIZE(mptcp_sec_default_suites);
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

/* softirq: keep the raw MP_SEC option if its length is the one of its
 * type (offer 13 to 15 bytes, select 13, confirm 21); the first one
 * counts.  Its content is checked where it is used.
 */
void mptcp_sec_parse_option(const u8 *ptr, int opsize,
			    struct mptcp_sec_rx_opt *o)
{
	bool ok;

	BUILD_BUG_ON(max(MPTCP_SEC_OFFER_MAX, MPTCP_SEC_CONFIRM_LEN) >
		     MPTCP_SEC_OPT_MAX);
	if (o->sec_len || o->sec_bad)
		return;
	switch (ptr[0] & 0x0f) {
	case MPTCP_SEC_T_OFFER:
		ok = opsize >= MPTCP_SEC_OFFER_MIN &&
		     opsize <= MPTCP_SEC_OFFER_MAX;
		break;
	case MPTCP_SEC_T_SELECT:
		ok = opsize == MPTCP_SEC_SELECT_LEN;
		break;
	case MPTCP_SEC_T_CONFIRM:
		ok = opsize == MPTCP_SEC_CONFIRM_LEN;
		break;
	default:
		ok = false;
	}
	if (!ok) {
		o->sec_bad = 1;
		return;
	}
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
	struct mptcp_sec_cfg cfg;
	unsigned int i, n;
	int err = 0;

	if (!lsec)
		return 0;
	mptcp_sec_cfg_get(lsec, &cfg);
	if (cfg.policy == MPTCP_SEC_POLICY_OFF)
		goto out;

	if (mp_opt->sec.sec_bad)
		MPTCP_INC_STATS(net, MPTCP_MIB_SECNEGMALFORMED);
	if (!cfg.psk_len || !(mp_opt->suboptions & OPTION_MPTCP_MPC_SYN) ||
	    !mp_opt->sec.mpc_v2 || !mp_opt->sec.sec_len ||
	    mptcp_sec_type(mp_opt) != MPTCP_SEC_T_OFFER) {
		/* no key to secure with, or no valid offer */
		if (cfg.policy == MPTCP_SEC_POLICY_REQUIRED) {
			MPTCP_INC_STATS(net, MPTCP_MIB_SECNEGREFUSED);
			err = -EPROTONOSUPPORT;
		} else if (cfg.psk_len) {
			MPTCP_INC_STATS(net, MPTCP_MIB_SECNEGPLAIN);
		}
		goto out;
	}
	if (syncookie) {
		/* the transcript cannot live in a cookie */
		MPTCP_INC_STATS(net, MPTCP_MIB_SECSYNCOOKIEREFUSED);
		err = -EPERM;
		goto out;
	}

	/* the client's order of preference, among what we allow */
	n = mp_opt->sec.sec_len - 4 - MPTCP_SEC_RAND_LEN;
	for (i = 0; i < n && !suite; i++)
		if (memchr(cfg.suites, raw[4 + i], cfg.nsuites))
			suite = raw[4 + i];
	if (!suite) {
		MPTCP_INC_STATS(net, MPTCP_MIB_SECNEGREFUSED);
		err = -EPROTONOSUPPORT;
		goto out;
	}

	neg = kzalloc(sizeof(*neg), GFP_ATOMIC);
	if (!neg) {
		err = -ENOMEM;
		goto out;
	}
	neg->suite = suite;
	neg->global = raw[3] & 0x1f;
	neg->psk_len = cfg.psk_len;
	memcpy(neg->psk, cfg.psk, sizeof(neg->psk));
	get_random_bytes(rs, sizeof(rs));
	neg->blob_len = mptcp_sec_blob(neg->blob, MPTCP_SEC_T_SELECT,
				       neg->global, &suite, 1, rs, sizeof(rs));
	/* the parser took an offer of 13 to 15 bytes: T has room */
	memcpy(neg->t, mp_opt->sec.mpc_raw, MPTCP_SEC_MPC_LEN);
	memcpy(neg->t + MPTCP_SEC_MPC_LEN, raw, mp_opt->sec.sec_len);
	neg->t_len = MPTCP_SEC_MPC_LEN + mp_opt->sec.sec_len;
	memcpy(neg->t + neg->t_len, neg->blob, neg->blob_len);
	neg->t_len += neg->blob_len;
	subflow_req->sec = neg;
out:
	memzero_explicit(&cfg, sizeof(cfg));
	return err;
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

	if (!sec || !sec->syn_blob_len) {
		/* version 2 answers only an offer: a plain socket resets */
		if (mp_opt->sec.mpc_v2) {
			MPTCP_INC_STATS(net, MPTCP_MIB_SECNEGSTRIPPED);
			return -EPROTO;
		}
		return 0;
	}

	if (!mp_opt->sec.mpc_v2) {
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
	((struct mptcp_options_received *)mp_opt)->suboptions |=
		OPTION_MPTCP_MPC_SYNACK;
	err = mptcp_token_rehash(msk, keys->token_c);
	if (err)
		return err;
	/* the server must prove it holds the keys in time */
	sk_reset_timer((struct sock *)msk, &sec->confirm_timer,
		       jiffies + MPTCP_SEC_CONFIRM_TIMEOUT);
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
int mptcp_sec_third_ack(const struct sock *listener, struct request_sock *req,
			struct mptcp_options_received *mp_opt)
{
	struct mptcp_subflow_request_sock *subflow_req = mptcp_subflow_rsk(req);
	struct mptcp_sec_neg *neg = subflow_req->sec;
	const u8 *raw = mp_opt->sec.sec_raw;
	struct net *net = read_pnet(&inet_rsk(req)->ireq_net);
	u8 th[MPTCP_SEC_HASH_LEN];
	struct mptcp_sec_keys *keys;
	int err;

	if (!neg) {
		/* version 2 only after an offer we selected */
		if (mp_opt->sec.mpc_v2) {
			MPTCP_INC_STATS(net, MPTCP_MIB_SECNEGSTRIPPED);
			return -EPROTO;
		}
		/* a listener made "required" since the SYN */
		if (mptcp_sec_refuse_plain(listener))
			return -EPROTONOSUPPORT;
		return 0;
	}
	if (!mp_opt->sec.mpc_v2 ||
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
	mp_opt->suboptions |= OPTION_MPTCP_MPC_ACK;
	return 0;
}

/* Server, a connection about to be accepted without MPTCPsec: refused
 * when the listener requires it (counted).  Softirq.
 */
bool mptcp_sec_refuse_plain(const struct sock *listener)
{
	if (mptcp_sec_listener_policy(listener) != MPTCP_SEC_POLICY_REQUIRED)
		return false;
	MPTCP_INC_STATS(sock_net(listener), MPTCP_MIB_SECNEGREFUSED);
	return true;
}

/* Server, the ACK of a syncookie (never an MPTCPsec handshake): refused
 * by a listener that requires MPTCPsec, and when it claims version 2.
 * Softirq.
 */
int mptcp_sec_check_cookie(const struct sock *listener,
			   const struct mptcp_options_received *mp_opt)
{
	if (mp_opt->sec.mpc_v2) {
		MPTCP_INC_STATS(sock_net(listener), MPTCP_MIB_SECNEGSTRIPPED);
		return -EPROTO;
	}
	return mptcp_sec_refuse_plain(listener) ? -EPROTONOSUPPORT : 0;
}

/* the MP_TCPRST reason of a handshake MPTCPsec refused with @err */
u8 mptcp_sec_reset_reason(int err)
{
	switch (err) {
	case -EKEYREJECTED:
		return MPTCP_RST_ESEC_AUTH;
	case -EPROTONOSUPPORT:
		return MPTCP_RST_EPROHIBIT;
	default:
		return MPTCP_RST_EMPTCP;
	}
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
	/* the server rejected our Finished value: wrong key.  Only before
	 * it proved it holds the keys: a reset is not authenticated, and
	 * after that proof it cannot mean a wrong key.
	 */
	if (cur->reset_seen && cur->reset_reason == MPTCP_RST_ESEC_AUTH &&
	    !READ_ONCE(sec->peer_ok)) {
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

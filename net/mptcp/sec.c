// SPDX-License-Identifier: GPL-2.0
/*
 * MPTCPsec: the life cycle of a connection's state (allocation, clone,
 * disconnect, keying, the confirmation timer, freeing) and the choke
 * points of fallback and subflow errors.  The handshake is in
 * sec_handshake.c, the socket options in sec_sockopt.c.  See
 * Documentation/networking/mptcpsec.rst, sections "Policy" and "Key
 * schedule".
 */
#define pr_fmt(fmt) "MPTCPsec: " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <crypto/algapi.h>
#include <kunit/visibility.h>
#include <net/sock.h>
#include <net/tcp.h>
#include "protocol.h"
#include "mib.h"
#include "sec_sock.h"

const u8 mptcp_sec_default_suites[MPTCP_SEC_NDEFAULT_SUITES] = {
	MPTCP_SEC_SUITE_AES128GCM,
	MPTCP_SEC_SUITE_AES256GCM,
	MPTCP_SEC_SUITE_CHACHA20POLY1305,
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

/* Copy the configuration of @sec; any context.  sec->lock keeps it
 * whole against MPTCP_SEC_* options set on a listener meanwhile.
 */
void mptcp_sec_cfg_get(struct mptcp_sec_sock *sec, struct mptcp_sec_cfg *cfg)
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

struct mptcp_sec_sock *mptcp_sec_alloc(struct sock *sk, gfp_t gfp)
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

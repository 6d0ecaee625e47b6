// SPDX-License-Identifier: GPL-2.0
/*
 * MPTCPsec: the MP_CAPABLE version 2 / MP_SEC handshake of the first
 * subflow: options on the wire, the offer, select and confirm, the
 * checks of the server (SYN, third ACK, syncookies) and of the client
 * (SYN/ACK).  See Documentation/networking/mptcpsec.rst, section
 * "Negotiation".
 */
#define pr_fmt(fmt) "MPTCPsec: " fmt

#include <linux/kernel.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <crypto/algapi.h>
#include <net/sock.h>
#include <net/tcp.h>
#include "protocol.h"
#include "mib.h"
#include "sec_sock.h"

/* 1e 04 02 01: MP_CAPABLE, length 4, subtype 0 | version 2, flag H */
static const u8 mptcp_sec_mpc[MPTCP_SEC_MPC_LEN] = {
	TCPOPT_MPTCP, MPTCP_SEC_MPC_LEN,
	(MPTCPOPT_MP_CAPABLE << 4) | MPTCP_SEC_VERSION, MPTCP_CAP_HMAC_SHA256,
};

/* the listener's policy and suites; softirq */
static u8 mptcp_sec_listener_policy(const struct sock *listener)
{
	struct mptcp_sock *lmsk = mptcp_sk(mptcp_subflow_ctx(listener)->conn);
	struct mptcp_sec_sock *lsec = READ_ONCE(lmsk->sec);

	return lsec ? READ_ONCE(lsec->policy) : MPTCP_SEC_POLICY_OFF;
}

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

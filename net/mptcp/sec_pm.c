// SPDX-License-Identifier: GPL-2.0
/*
 * MPTCPsec: the authenticated control plane.  See
 * Documentation/networking/mptcpsec.rst, sections "Records" (control
 * records) and "Subflows, address options and FASTCLOSE".
 *
 * - ADD_ADDR (and its echo), REMOVE_ADDR and MP_PRIO travel only inside
 *   control records, in canonical form after ctr || Topt || u16 olen, so
 *   Topt covers them; they take effect once the record verified.
 * - MP_JOIN HMACs are keyed with the per-role join keys and cover the
 *   flags nibble (B bit, reserved bits) and the address ID as received.
 * - MP_FASTCLOSE carries HMAC(fastclose key(sender), fastclose
 *   key(receiver)) instead of the receiver's key.
 */
#define pr_fmt(fmt) "MPTCPsec: " fmt

#include <linux/kernel.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/random.h>
#include <crypto/algapi.h>
#include <net/sock.h>
#include <net/tcp.h>
#include "protocol.h"
#include "mib.h"
#include "sec_sock.h"

static const struct mptcp_sec_keys *mptcp_sec_keys(const struct mptcp_sock *msk)
{
	const struct mptcp_sec_sock *sec = msk ? READ_ONCE(msk->sec) : NULL;

	return sec ? READ_ONCE(sec->keys) : NULL;
}

static enum mptcp_sec_role mptcp_sec_peer(const struct mptcp_sock *msk)
{
	return msk->sec->role == MPTCP_SEC_CLIENT ? MPTCP_SEC_SERVER :
						     MPTCP_SEC_CLIENT;
}

/* ---------------------------------------------------------------------
 * MP_JOIN
 */

/**
 * mptcp_sec_join_req() - responder: check a join SYN, compute the SYN/ACK HMAC
 * @subflow_req: the request; its msk, nonces and IDs are set
 * @mp_opt: the options of the SYN
 *
 * Softirq, listener's request.  Called only for an msk with MPTCPsec on.
 *
 * Return: 0, or -EPERM when the join cannot be accepted (no keys yet, or
 * a syncookie, which cannot carry what the HMACs need).
 */
int mptcp_sec_join_req(struct mptcp_subflow_request_sock *subflow_req,
		       const struct mptcp_options_received *mp_opt)
{
	struct request_sock *req = (struct request_sock *)subflow_req;
	struct mptcp_sock *msk = subflow_req->msk;
	const struct mptcp_sec_keys *keys = mptcp_sec_keys(msk);
	u8 mac[MPTCP_SEC_JOIN_SYNACK_HMAC_LEN];

	if (!keys || req->syncookie) {
		MPTCP_INC_STATS(sock_net((const struct sock *)req),
				MPTCP_MIB_SECJOINBAD);
		return -EPERM;
	}
	if (mptcp_sec_join_synack_hmac(keys, msk->sec->role,
				       subflow_req->local_nonce,
				       subflow_req->remote_nonce,
				       mp_opt->sec.join_flags, mp_opt->join_id,
				       mac))
		return -EPERM;
	subflow_req->thmac = get_unaligned_be64(mac);
	memzero_explicit(mac, sizeof(mac));
	return 0;
}

/**
 * mptcp_sec_join_ack_ok() - responder: check the HMAC of the join's ACK
 * @req: the request
 * @mp_opt: the options of the ACK
 *
 * The initiator covered the flags and the ID of our SYN/ACK as it
 * received them.  Softirq.
 *
 * Return: true if the HMAC is right (constant-time comparison).
 */
bool mptcp_sec_join_ack_ok(const struct request_sock *req,
			   const struct mptcp_options_received *mp_opt)
{
	const struct mptcp_subflow_request_sock *subflow_req =
		mptcp_subflow_rsk(req);
	struct mptcp_sock *msk = subflow_req->msk;
	const struct mptcp_sec_keys *keys = mptcp_sec_keys(msk);
	u8 mac[MPTCP_SEC_JOIN_ACK_HMAC_LEN];
	bool ok;

	if (!keys)
		return false;
	ok = !mptcp_sec_join_ack_hmac(keys, mptcp_sec_peer(msk),
				      subflow_req->remote_nonce,
				      subflow_req->local_nonce,
				      subflow_req->request_bkup ? MPTCPOPT_BACKUP : 0,
				      subflow_req->local_id, mac) &&
	     !crypto_memneq(mac, mp_opt->hmac, sizeof(mac));
	memzero_explicit(mac, sizeof(mac));
	if (!ok)
		MPTCP_INC_STATS(sock_net((const struct sock *)req),
				MPTCP_MIB_SECJOINBAD);
	return ok;
}

/**
 * mptcp_sec_join_synack() - initiator: check the SYN/ACK HMAC, make the ACK's
 * @ssk: the joining subflow
 * @mp_opt: the options of the SYN/ACK
 *
 * The responder covered the flags and the ID of our SYN as it received
 * them; we cover those of its SYN/ACK as we received them.  Softirq, ssk
 * lock.  Called only for an msk with MPTCPsec on.
 *
 * Return: true if the SYN/ACK HMAC is right; subflow->hmac is then set.
 */
bool mptcp_sec_join_synack(struct sock *ssk,
			   const struct mptcp_options_received *mp_opt)
{
	struct mptcp_subflow_context *subflow = mptcp_subflow_ctx(ssk);
	struct mptcp_sock *msk = mptcp_sk(subflow->conn);
	const struct mptcp_sec_keys *keys = mptcp_sec_keys(msk);
	u8 mac[MPTCP_SEC_JOIN_SYNACK_HMAC_LEN], got[sizeof(mac)];
	bool ok;

	if (!keys)
		goto bad;
	put_unaligned_be64(mp_opt->thmac, got);
	ok = !mptcp_sec_join_synack_hmac(keys, mptcp_sec_peer(msk),
					 subflow->remote_nonce,
					 subflow->local_nonce,
					 subflow->request_bkup ? MPTCPOPT_BACKUP : 0,
					 subflow->local_id, mac) &&
	     !crypto_memneq(mac, got, sizeof(mac));
	memzero_explicit(mac, sizeof(mac));
	if (!ok ||
	    mptcp_sec_join_ack_hmac(keys, msk->sec->role, subflow->local_nonce,
				    subflow->remote_nonce,
				    mp_opt->sec.join_flags, mp_opt->join_id,
				    subflow->hmac))
		goto bad;
	return true;
bad:
	MPTCP_INC_STATS(sock_net(ssk), MPTCP_MIB_SECJOINBAD);
	return false;
}

/* ---------------------------------------------------------------------
 * MP_FASTCLOSE
 */

/**
 * mptcp_sec_fastclose_value() - the 64-bit value our MP_FASTCLOSE carries
 * @msk: the connection
 * @val: output
 *
 * Any context.
 *
 * Return: true with MPTCPsec on (@val set), false to use the peer's key.
 */
bool mptcp_sec_fastclose_value(const struct mptcp_sock *msk, u64 *val)
{
	const struct mptcp_sec_keys *keys;
	u8 out[MPTCP_SEC_FASTCLOSE_LEN];

	if (!mptcp_sec_on(msk))
		return false;
	keys = mptcp_sec_keys(msk);
	/* without keys nobody can check it: send random bytes */
	if (!keys || mptcp_sec_fastclose_key(keys, msk->sec->role, out))
		get_random_bytes(out, sizeof(out));
	*val = get_unaligned_be64(out);
	memzero_explicit(out, sizeof(out));
	return true;
}

/* softirq, ssk lock: true if a received MP_FASTCLOSE came from the peer */
static bool mptcp_sec_fastclose_ok(const struct mptcp_sock *msk, u64 val)
{
	const struct mptcp_sec_keys *keys = mptcp_sec_keys(msk);
	u8 want[MPTCP_SEC_FASTCLOSE_LEN], got[MPTCP_SEC_FASTCLOSE_LEN];
	bool ok;

	if (!keys)
		return false;
	put_unaligned_be64(val, got);
	ok = !mptcp_sec_fastclose_key(keys, mptcp_sec_peer(msk), want) &&
	     !crypto_memneq(want, got, sizeof(want));
	memzero_explicit(want, sizeof(want));
	return ok;
}

/**
 * mptcp_sec_filter_options() - drop options that do not prove their origin
 * @ssk: the subflow
 * @mp_opt: the options of a received segment, before upstream acts on them
 *
 * ADD_ADDR, RM_ADDR and MP_PRIO are only accepted inside control records,
 * MP_FAIL never (no fallback); MP_FASTCLOSE must carry the peer's HMAC.
 * Anything else is ignored and counted.  Softirq, ssk lock.
 */
void mptcp_sec_filter_options(struct sock *ssk,
			      struct mptcp_options_received *mp_opt)
{
	const u16 unauth = OPTION_MPTCP_ADD_ADDR | OPTION_MPTCP_RM_ADDR |
			   OPTION_MPTCP_PRIO | OPTION_MPTCP_FAIL;
	struct mptcp_sock *msk = mptcp_sk(mptcp_subflow_ctx(ssk)->conn);

	if (mp_opt->suboptions & unauth) {
		mp_opt->suboptions &= ~unauth;
		MPTCP_INC_STATS(sock_net(ssk), MPTCP_MIB_SECUNAUTHOPTDROP);
	}
	if (mp_opt->suboptions & OPTION_MPTCP_FASTCLOSE &&
	    !mptcp_sec_fastclose_ok(msk, mp_opt->rcvr_key)) {
		mp_opt->suboptions &= ~OPTION_MPTCP_FASTCLOSE;
		MPTCP_INC_STATS(sock_net(ssk), MPTCP_MIB_SECFASTCLOSEBAD);
	}
}

/* ---------------------------------------------------------------------
 * Path-manager signals in control records
 */

/* ssk lock: the path manager or this subflow has a signal to send */
bool mptcp_sec_signal_pending(struct sock *ssk)
{
	struct mptcp_subflow_context *subflow = mptcp_subflow_ctx(ssk);
	struct mptcp_sock *msk = mptcp_sk(subflow->conn);

	return mptcp_pm_should_add_signal(msk) ||
	       mptcp_pm_should_rm_signal(msk) || subflow->send_mp_prio;
}

static int mptcp_sec_canon_addr(u8 *o, unsigned int size,
				const struct mptcp_addr_info *a, bool echo)
{
	const void *addr = &a->addr;
	unsigned int alen = 4;
	int n;

#if IS_ENABLED(CONFIG_MPTCP_IPV6)
	if (a->family == AF_INET6) {
		addr = &a->addr6;
		alen = 16;
	}
#endif
	n = mptcp_sec_canon_add_addr(o, size, a->id, addr, alen,
				     ntohs(a->port));
	if (n > 0 && echo)
		o[3] |= MPTCP_SEC_CANON_ECHO;
	return n;
}

/**
 * mptcp_sec_signals_out() - take the pending signals for one control record
 * @ssk: the subflow the record goes out on
 * @o: output, canonical options in increasing subtype order
 * @size: room in @o
 *
 * Takes at most one ADD_ADDR (or echo), the pending RM_ADDR and this
 * subflow's MP_PRIO from the path manager, as mptcp_established_options()
 * would for plain MPTCP.  ssk lock.
 *
 * Return: length written to @o.
 */
int mptcp_sec_signals_out(struct sock *ssk, u8 *o, unsigned int size)
{
	struct mptcp_subflow_context *subflow = mptcp_subflow_ctx(ssk);
	struct mptcp_sock *msk = mptcp_sk(subflow->conn);
	struct net *net = sock_net(ssk);
	bool echo, drop = false;
	struct mptcp_rm_list rm;
	struct mptcp_addr_info a;
	int len = 0, n;

	if (mptcp_pm_should_add_signal(msk) &&
	    mptcp_pm_add_addr_signal(msk, NULL, 0, size, &a, &echo, &drop)) {
		n = mptcp_sec_canon_addr(o, size, &a, echo);
		if (n > 0) {
			len += n;
			MPTCP_INC_STATS(net, MPTCP_MIB_SECSIGNALTX);
		}
	}
	if (mptcp_pm_should_rm_signal(msk) &&
	    mptcp_pm_rm_addr_signal(msk, size - len, &rm)) {
		n = mptcp_sec_canon_remove_addr(o + len, size - len, rm.ids,
						rm.nr);
		if (n > 0) {
			len += n;
			MPTCP_INC_STATS(net, MPTCP_MIB_SECSIGNALTX);
		}
	}
	if (subflow->send_mp_prio) {
		subflow->send_mp_prio = 0;
		n = mptcp_sec_canon_mp_prio(o + len, size - len,
					    subflow->request_bkup,
					    subflow->local_id);
		if (n > 0) {
			len += n;
			MPTCP_INC_STATS(net, MPTCP_MIB_MPPRIOTX);
			MPTCP_INC_STATS(net, MPTCP_MIB_SECSIGNALTX);
		}
	}
	return len;
}

/* parse the ADD_ADDR value of a canonical entry; false if malformed */
static bool mptcp_sec_parse_addr(const u8 *v, unsigned int vlen,
				 struct mptcp_addr_info *a, bool *echo)
{
	u8 fam = v[1] & ~MPTCP_SEC_CANON_ECHO;

	memset(a, 0, sizeof(*a));
	*echo = v[1] & MPTCP_SEC_CANON_ECHO;
	a->id = v[0];
	if (fam == 4 && vlen == 1 + 1 + 4 + 2) {
		a->family = AF_INET;
		memcpy(&a->addr, &v[2], 4);
		a->port = htons(get_unaligned_be16(&v[6]));
		return true;
	}
#if IS_ENABLED(CONFIG_MPTCP_IPV6)
	if (fam == 6 && vlen == 1 + 1 + 16 + 2) {
		a->family = AF_INET6;
		memcpy(&a->addr6, &v[2], 16);
		a->port = htons(get_unaligned_be16(&v[18]));
		return true;
	}
#endif
	return false;
}

/**
 * mptcp_sec_signals_in() - check, and maybe apply, the signals of a record
 * @ssk: the subflow the verified control record came in on
 * @o: its canonical options
 * @len: their length
 * @apply: act on them (needs the ssk lock and no msk data lock), or
 *	   only check that they are well formed
 *
 * Return: 0, or -EINVAL for a malformed entry.
 */
int mptcp_sec_signals_in(struct sock *ssk, const u8 *o, unsigned int len,
			 bool apply)
{
	struct mptcp_sock *msk = mptcp_sk(mptcp_subflow_ctx(ssk)->conn);
	struct net *net = sock_net(ssk);
	struct mptcp_addr_info a;
	struct mptcp_rm_list rm;
	unsigned int i, vlen;
	bool echo;

	for (i = 0; i < len; i += 2 + vlen) {
		const u8 *v = &o[i + 2];

		if (len - i < 2 || len - i - 2 < o[i + 1])
			return -EINVAL;
		vlen = o[i + 1];
		switch (o[i]) {
		case MPTCP_SEC_CANON_ADD_ADDR:
			if (!mptcp_sec_parse_addr(v, vlen, &a, &echo))
				return -EINVAL;
			if (!apply)
				break;
			if (echo) {
				mptcp_pm_add_addr_echoed(msk, &a);
				mptcp_pm_del_add_timer(msk, &a, true);
				MPTCP_INC_STATS(net, MPTCP_MIB_ECHOADD);
			} else {
				mptcp_pm_add_addr_received(ssk, &a);
				MPTCP_INC_STATS(net, MPTCP_MIB_ADDADDR);
			}
			if (a.port)
				MPTCP_INC_STATS(net, MPTCP_MIB_PORTADD);
			MPTCP_INC_STATS(net, MPTCP_MIB_SECSIGNALRX);
			break;
		case MPTCP_SEC_CANON_REMOVE_ADDR:
			if (!vlen || vlen > MPTCP_RM_IDS_MAX)
				return -EINVAL;
			if (!apply)
				break;
			rm.nr = vlen;
			memcpy(rm.ids, v, vlen);
			mptcp_pm_rm_addr_received(msk, &rm);
			MPTCP_INC_STATS(net, MPTCP_MIB_SECSIGNALRX);
			break;
		case MPTCP_SEC_CANON_MP_PRIO:
			if (vlen != 2 || v[0] > 1)
				return -EINVAL;
			if (!apply)
				break;
			mptcp_pm_mp_prio_received(ssk, v[0]);
			MPTCP_INC_STATS(net, MPTCP_MIB_MPPRIORX);
			MPTCP_INC_STATS(net, MPTCP_MIB_SECSIGNALRX);
			break;
		default:
			return -EINVAL;
		}
	}
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * MPTCPsec: records on the wire.  See Documentation/networking/mptcpsec.rst,
 * sections "Records" and "Receiver rules".
 *
 * Send side: one dfrag is one record, sealed once in sendmsg (process
 * context): ctr || Topt placeholder || C || Tdata.  Every placement on a
 * subflow (first transmission or reinjection) builds a new skb whose
 * linear part holds a fresh ctr || Topt and whose one page fragment is
 * C || Tdata from the dfrag; TCP retransmits that skb unchanged.
 *
 * Receive side: a record is verified and decrypted, out of place, once it
 * is whole in the subflow receive queue; only then does the msk see its
 * plaintext, move ack_seq and apply its Data-ACK.  Control records
 * (ctr || Topt, no DSN) carry Data-ACKs, window updates and DATA_FIN.
 */
#define pr_fmt(fmt) "MPTCPsec: " fmt

#include <linux/kernel.h>
#include <linux/scatterlist.h>
#include <linux/skbuff.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <net/mptcp.h>
#include "protocol.h"
#include "mib.h"
#include "sec_sock.h"

/* ---------------------------------------------------------------------
 * Send side
 */

/* msk lock, process context: records are sealed only with keys */
int mptcp_sec_sendmsg_wait(struct mptcp_sock *msk)
{
	struct mptcp_sec_sock *sec = msk->sec;
	struct sock *sk = (struct sock *)msk;

	sock_owned_by_me(sk);
	if (!sec || !sec->psk_len)
		return 0;
	switch (READ_ONCE(sec->state)) {
	case MPTCP_SEC_STATE_PENDING:
		mptcp_sec_install(msk);
		if (mptcp_sec_installed(sec))
			return 0;
		return sk->sk_err ? -sk->sk_err : -ENOTCONN;
	case MPTCP_SEC_STATE_FAILED:
		return sk->sk_err ? -sk->sk_err : -ECONNRESET;
	default:
		return 0;
	}
}

/* msk lock: how much of the page frag one record takes.  @room bytes are
 * free after the dfrag header, @left are still to be sent.  Sets @psize
 * (plaintext to copy) and @poff (its offset in the record); returns the
 * bytes the record takes, 0 if @room is too small for any record.
 */
size_t mptcp_sec_record_len(const struct mptcp_sock *msk, size_t *psize,
			    size_t *poff, size_t room, size_t left)
{
	*poff = 0;
	if (!mptcp_sec_on(msk)) {
		*psize = min(room, left);
		return *psize;
	}
	if (room <= MPTCP_SEC_RECORD_OVERHEAD) {
		*psize = 0;
		return 0;
	}
	*psize = min3(room - MPTCP_SEC_RECORD_OVERHEAD, left,
		      (size_t)MPTCP_SEC_MAX_PLAINTEXT);
	*poff = MPTCP_SEC_HDR_LEN;
	return *psize + MPTCP_SEC_RECORD_OVERHEAD;
}

/* msk lock, process context: encrypt the plaintext of a new dfrag in
 * place and append Tdata.  The record starts at dfrag->offset and its
 * first byte has DSN dfrag->data_seq.
 */
int mptcp_sec_seal(struct mptcp_sock *msk, struct mptcp_data_frag *dfrag,
		   size_t psize)
{
	struct mptcp_sec_sock *sec = msk->sec;
	struct sock *sk = (struct sock *)msk;
	struct scatterlist sg;
	int err;

	if (!mptcp_sec_on(msk))
		return 0;
	sock_owned_by_me(sk);
	if (WARN_ON_ONCE(!mptcp_sec_installed(sec) || dfrag->data_len))
		return -EINVAL;

	sg_init_table(&sg, 1);
	sg_set_page(&sg, dfrag->page, psize + MPTCP_SEC_TAG_LEN,
		    dfrag->offset + MPTCP_SEC_HDR_LEN);
	err = mptcp_sec_record_seal(&sec->tx.data, dfrag->data_seq, &sg, psize,
				    sk->sk_allocation);
	if (err)
		return err;
	atomic64_inc(&sec->sealed);
	MPTCP_INC_STATS(sock_net(sk), MPTCP_MIB_SECRECSEALED);
	return 0;
}

/* ssk lock: a new skb at the tail of the subflow write queue whose linear
 * part holds @head (ctr || Topt ...), with a zeroed MPTCP extension
 */
static struct sk_buff *mptcp_sec_entail(struct sock *sk, struct sock *ssk,
					const u8 *head, unsigned int len,
					gfp_t gfp)
{
	struct sk_buff *skb;

	skb = __mptcp_alloc_tx_skb(sk, ssk, len, gfp);
	if (!skb)
		return NULL;
	skb_put_data(skb, head, len);
	memset(mptcp_get_ext(skb), 0, sizeof(struct mptcp_ext));
	TCP_SKB_CB(skb)->eor = 1;
	TCP_SKB_CB(skb)->end_seq += len;
	WRITE_ONCE(tcp_sk(ssk)->write_seq, tcp_sk(ssk)->write_seq + len);
	return skb;
}

/* ctr || Topt for one placement; any context (synchronous AEAD) */
static int mptcp_sec_tag(struct mptcp_sec_sock *sec,
			 const struct mptcp_sec_opt_vals *v, u8 *hdr)
{
	u64 ctr = atomic64_inc_return(&sec->tx_ctr) - 1;

	put_unaligned_be64(ctr, hdr);
	return mptcp_sec_opt_tag(&sec->tx.opt, ctr, v, hdr + MPTCP_SEC_CTR_LEN,
				 GFP_ATOMIC);
}

/* Place one whole record on @ssk; replaces mptcp_sendmsg_frag() with
 * MPTCPsec.  msk lock or data lock (the push paths), ssk lock.
 * Return the bytes of data sequence space sent (the whole record), 0 if
 * it cannot go now, or a negative errno.
 */
int mptcp_sec_sendmsg_frag(struct sock *sk, struct sock *ssk,
			   struct mptcp_data_frag *dfrag, u32 sent,
			   bool data_lock_held)
{
	struct mptcp_subflow_context *subflow = mptcp_subflow_ctx(ssk);
	struct mptcp_sock *msk = mptcp_sk(sk);
	struct mptcp_sec_sock *sec = msk->sec;
	u32 len = dfrag->data_len, clen;
	struct mptcp_sec_opt_vals v = {};
	u8 hdr[MPTCP_SEC_HDR_LEN];
	struct mptcp_ext *mpext;
	struct sk_buff *skb;
	u64 ack;
	int err;

	/* records are never split: nothing of this one may be sent yet */
	if (WARN_ON_ONCE(sent || len <= MPTCP_SEC_RECORD_OVERHEAD))
		return 0;
	/* the client waits for the server's first verified record */
	if (!mptcp_sec_usable(sec) || !READ_ONCE(sec->peer_ok))
		return 0;
	/* the whole record must fit the MPTCP-level window */
	if (after64(dfrag->data_seq + len, READ_ONCE(msk->wnd_end)) &&
	    !before64(dfrag->data_seq, READ_ONCE(msk->snd_nxt)))
		return 0;

	clen = len - MPTCP_SEC_HDR_LEN;
	if (!sk_wmem_schedule(ssk, clen))
		return -ENOMEM;

	ack = READ_ONCE(msk->ack_seq);
	v.type = MPTCP_SEC_REC_DATA;
	v.flags = MPTCP_SEC_DSS_DATA_ACK | MPTCP_SEC_DSS_MAPPING;
	v.data_len = len;
	v.sfid = mptcp_sec_subflow_id(msk, subflow);
	v.ssn = subflow->rel_write_seq;
	v.data_ack = ack;
	v.dsn = dfrag->data_seq;
	v.tdata = (u8 *)page_address(dfrag->page) + dfrag->offset + len -
		    MPTCP_SEC_TAG_LEN;
	err = mptcp_sec_tag(sec, &v, hdr);
	if (err)
		return err;

	skb = mptcp_sec_entail(sk, ssk, hdr, MPTCP_SEC_HDR_LEN,
			       data_lock_held ? GFP_ATOMIC : sk->sk_allocation);
	memzero_explicit(hdr, sizeof(hdr));
	if (!skb)
		return -ENOMEM;

	get_page(dfrag->page);
	skb_fill_page_desc(skb, 0, dfrag->page,
			   dfrag->offset + MPTCP_SEC_HDR_LEN, clen);
	skb->len += clen;
	skb->data_len += clen;
	skb->truesize += clen;
	sk_wmem_queued_add(ssk, clen);
	sk_mem_charge(ssk, clen);
	WRITE_ONCE(tcp_sk(ssk)->write_seq, tcp_sk(ssk)->write_seq + clen);
	TCP_SKB_CB(skb)->end_seq += clen;
	tcp_skb_pcount_set(skb, 0);

	/* the options of this skb are frozen: TCP resends them as tagged */
	mpext = mptcp_get_ext(skb);
	mpext->data_seq = dfrag->data_seq;
	mpext->subflow_seq = subflow->rel_write_seq;
	mpext->data_len = len;
	mpext->use_map = 1;
	mpext->dsn64 = 1;
	mpext->use_ack = 1;
	mpext->ack64 = 1;
	mpext->data_ack = ack;
	mpext->frozen = 1;
	mpext->sec = 1;
	subflow->rel_write_seq += len;
	return len;
}

/* ssk lock: the DSS of our records replays the frozen values; plain TCP
 * segments (pure ACKs) carry no MPTCP option
 */
bool mptcp_sec_established_options(struct sock *ssk, struct sk_buff *skb,
				   unsigned int *size,
				   struct mptcp_out_options *opts)
{
	struct mptcp_ext *mpext = skb ? mptcp_get_ext(skb) : NULL;
	unsigned int len = TCPOLEN_MPTCP_DSS_BASE;

	if (!skb) {
		/* MSS estimate: a full DSS */
		*size += ALIGN(TCPOLEN_MPTCP_DSS_BASE + TCPOLEN_MPTCP_DSS_MAP64 +
			       TCPOLEN_MPTCP_DSS_ACK64, 4);
		return true;
	}
	if (!mpext || !mpext->sec)
		return false;
	opts->suboptions = OPTION_MPTCP_DSS;
	opts->csum_reqd = 0;
	opts->ext_copy = *mpext;
	if (mpext->use_ack)
		len += TCPOLEN_MPTCP_DSS_ACK64;
	if (mpext->use_map)
		len += TCPOLEN_MPTCP_DSS_MAP64;
	*size += ALIGN(len, 4);
	return true;
}

static bool mptcp_sec_can_send(const struct sock *ssk)
{
	return (1 << inet_sk_state_load(ssk)) &
	       (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT) &&
	       !(ssk->sk_shutdown & SEND_SHUTDOWN);
}

/* One control record on @ssk, if what it would carry (Data-ACK, window,
 * DATA_FIN, path-manager signals) changed since the last one, or if
 * @force.  ssk lock; any context.  Return false if nothing could be sent.
 */
static bool mptcp_sec_ctrl_one(struct sock *ssk, bool force)
{
	struct mptcp_subflow_context *subflow = mptcp_subflow_ctx(ssk);
	struct mptcp_sock *msk = mptcp_sk(subflow->conn);
	struct mptcp_sec_sock *sec = msk->sec;
	struct sock *sk = (struct sock *)msk;
	struct mptcp_sec_opt_vals v = {};
	u8 rec[MPTCP_SEC_CTRL_MAX];
	struct mptcp_ext *mpext;
	struct sk_buff *skb;
	int space, olen = 0;
	u64 ack, right;
	bool fin;

	fin = mptcp_data_fin_enabled(msk);
	ack = READ_ONCE(msk->ack_seq);
	space = max(__mptcp_space(sk), 0);
	right = ack + space;
	spin_lock_bh(&sec->lock);
	if (!force && ack == sec->ctrl_ack &&
	    !after64(right, sec->ctrl_wnd + max(space / 2, 1))) {
		spin_unlock_bh(&sec->lock);
		return true;
	}
	sec->ctrl_ack = ack;
	sec->ctrl_wnd = right;
	spin_unlock_bh(&sec->lock);

	/* signals are taken from the path manager here: from now on the
	 * record must go out, or they are lost
	 */
	if (mptcp_sec_signal_pending(ssk))
		olen = mptcp_sec_signals_out(ssk, &rec[MPTCP_SEC_CTRL_LEN],
					     MPTCP_SEC_OPT_OTHER_MAX);
	put_unaligned_be16(olen, &rec[MPTCP_SEC_HDR_LEN]);

	v.type = MPTCP_SEC_REC_CONTROL;
	v.flags = MPTCP_SEC_DSS_DATA_ACK;
	v.sfid = mptcp_sec_subflow_id(msk, subflow);
	v.ssn = subflow->rel_write_seq;
	v.data_ack = ack;
	v.other = &rec[MPTCP_SEC_CTRL_LEN];
	v.other_len = olen;
	if (fin) {
		v.flags |= MPTCP_SEC_DSS_MAPPING | MPTCP_SEC_DSS_DATA_FIN;
		v.dsn = READ_ONCE(msk->write_seq) - 1;
		v.data_len = 1;
	}
	skb = NULL;
	if (!mptcp_sec_tag(sec, &v, rec))
		skb = mptcp_sec_entail(sk, ssk, rec, MPTCP_SEC_CTRL_LEN + olen,
				       GFP_ATOMIC);
	memzero_explicit(rec, MPTCP_SEC_HDR_LEN);
	if (!skb) {
		if (olen)
			MPTCP_INC_STATS(sock_net(ssk), MPTCP_MIB_SECSIGNALLOST);
		return false;
	}

	mpext = mptcp_get_ext(skb);
	mpext->use_ack = 1;
	mpext->ack64 = 1;
	mpext->data_ack = ack;
	mpext->frozen = 1;
	mpext->sec = 1;
	if (fin) {
		mpext->use_map = 1;
		mpext->dsn64 = 1;
		mpext->data_fin = 1;
		mpext->data_seq = v.dsn;
		mpext->data_len = 1;
	}
	subflow->rel_write_seq += MPTCP_SEC_CTRL_LEN + olen;
	MPTCP_INC_STATS(sock_net(ssk), MPTCP_MIB_SECCTRLSENT);
	return true;
}

/* Send what changed in control records on @ssk: one, plus one per
 * further pending signal (the path manager hands them out one at a time).
 * ssk lock; any context.  Return true when the caller needs no plain ACK.
 */
bool mptcp_sec_send_ctrl(struct sock *ssk, bool force)
{
	struct mptcp_subflow_context *subflow = mptcp_subflow_ctx(ssk);
	struct mptcp_sock *msk = mptcp_sk(subflow->conn);
	bool sent = false, ret = true;
	int i;

	if (!mptcp_sec_usable(msk->sec) || !mptcp_sec_can_send(ssk))
		return false;

	for (i = 0; i < MPTCP_SEC_CTRL_BURST && ret; i++) {
		bool sig = mptcp_sec_signal_pending(ssk);

		if (i && !sig)
			break;
		ret = mptcp_sec_ctrl_one(ssk, force || sig);
		sent |= ret;
	}
	if (sent)
		__tcp_push_pending_frames(ssk, tcp_current_mss(ssk),
					  TCP_NAGLE_OFF);
	return ret;
}

/* replaces a plain ACK that would carry MPTCP signals; ssk lock */
bool mptcp_sec_send_ack(struct sock *ssk)
{
	struct mptcp_sock *msk = mptcp_sk(mptcp_subflow_ctx(ssk)->conn);

	if (!mptcp_sec_on(msk))
		return false;
	return mptcp_sec_send_ctrl(ssk, mptcp_data_fin_enabled(msk));
}

/* ---------------------------------------------------------------------
 * Receive side
 */

/* softirq, ssk lock: the DSS takes no effect here; it is kept in the
 * skb extension and acts only once its record verifies.  Return what
 * mptcp_incoming_options() returns.
 */
bool mptcp_sec_incoming_dss(struct sock *ssk, struct sk_buff *skb,
			    const struct mptcp_options_received *mp_opt)
{
	struct mptcp_ext *mpext;

	if (TCP_SKB_CB(skb)->seq == TCP_SKB_CB(skb)->end_seq) {
		/* a DSS on a segment without record: unauthenticated */
		MPTCP_INC_STATS(sock_net(ssk), MPTCP_MIB_SECUNAUTHOPTDROP);
		return true;
	}

	mpext = skb_ext_add(skb, SKB_EXT_MPTCP);
	if (!mpext)
		return false;
	memset(mpext, 0, sizeof(*mpext));
	mpext->sec = 1;
	if (mp_opt->use_map) {
		mpext->data_seq = mp_opt->data_seq;
		mpext->subflow_seq = mp_opt->subflow_seq;
		mpext->data_len = mp_opt->data_len;
		mpext->dsn64 = mp_opt->dsn64;
		mpext->data_fin = mp_opt->data_fin;
		mpext->use_map = 1;
	}
	if (mp_opt->use_ack) {
		mpext->use_ack = 1;
		mpext->ack64 = mp_opt->ack64;
		mpext->data_ack = mp_opt->data_ack;
	}
	return true;
}

/* copy @len bytes at @off past copied_seq from the in-order receive
 * queue; ssk lock
 */
static int mptcp_sec_copy_rx(struct sock *ssk, u32 off, void *to, u32 len)
{
	u32 seq = tcp_sk(ssk)->copied_seq + off;
	struct sk_buff *skb;

	skb_queue_walk(&ssk->sk_receive_queue, skb) {
		u32 start = TCP_SKB_CB(skb)->seq, n, o;

		if (!len)
			break;
		if (!before(seq, start + skb->len))
			continue;
		if (before(seq, start))
			return -EINVAL;
		o = seq - start;
		n = min(len, skb->len - o);
		if (skb_copy_bits(skb, o, to, n))
			return -EFAULT;
		to += n;
		seq += n;
		len -= n;
	}
	return len ? -EAGAIN : 0;
}

/* consume @len bytes of the subflow receive queue; ssk lock.  Return
 * the new copied_seq.
 */
u32 mptcp_sec_consume(struct sock *ssk, u32 len)
{
	struct tcp_sock *tp = tcp_sk(ssk);
	u32 seq = tp->copied_seq + len;
	struct sk_buff *skb;

	while ((skb = skb_peek(&ssk->sk_receive_queue))) {
		u32 end = TCP_SKB_CB(skb)->seq + skb->len;

		if (after(end, seq))
			break;
		if (TCP_SKB_CB(skb)->tcp_flags & TCPHDR_FIN)
			seq++;
		sk_eat_skb(ssk, skb);
	}
	WRITE_ONCE(tp->copied_seq, seq);
	return seq;
}

enum mptcp_sec_fail {
	MPTCP_SEC_FAIL_DATA,
	MPTCP_SEC_FAIL_OPT,
	MPTCP_SEC_FAIL_CTRL,
	MPTCP_SEC_FAIL_BAD,
};

/* Drop everything, reset only this subflow with the MPTCPsec reason.
 * ssk lock.
 */
static bool mptcp_sec_rx_fail(struct sock *ssk, enum mptcp_sec_fail why)
{
	static const u8 mib[] = {
		[MPTCP_SEC_FAIL_DATA] = MPTCP_MIB_SECAUTHFAILDATA,
		[MPTCP_SEC_FAIL_OPT] = MPTCP_MIB_SECAUTHFAILOPT,
		[MPTCP_SEC_FAIL_CTRL] = MPTCP_MIB_SECAUTHFAILCTRL,
		[MPTCP_SEC_FAIL_BAD] = MPTCP_MIB_SECBADRECORD,
	};
	struct mptcp_subflow_context *subflow = mptcp_subflow_ctx(ssk);
	struct mptcp_sock *msk = mptcp_sk(subflow->conn);
	struct net *net = sock_net(ssk);
	struct sk_buff *skb;

	MPTCP_INC_STATS(net, mib[why]);
	MPTCP_INC_STATS(net, MPTCP_MIB_SECSUBFLOWRESET);
	atomic64_inc(&msk->sec->auth_fail);
	atomic64_inc(&msk->sec->sf_reset);

	subflow->reset_transient = 0;
	subflow->reset_reason = MPTCP_RST_ESEC_AUTH;
	WRITE_ONCE(ssk->sk_err, EBADMSG);
	tcp_set_state(ssk, TCP_CLOSE);
	while ((skb = skb_peek(&ssk->sk_receive_queue)))
		sk_eat_skb(ssk, skb);
	tcp_send_active_reset(ssk, GFP_ATOMIC);
	WRITE_ONCE(subflow->data_avail, MPTCP_SUBFLOW_NODATA);
	if (!test_and_set_bit(MPTCP_WORK_CLOSE_SUBFLOW, &msk->flags))
		mptcp_schedule_work((struct sock *)msk);
	return false;
}

/* the option values a received record was tagged with; ssk lock */
static void mptcp_sec_rx_vals(struct sock *ssk, const struct mptcp_ext *mpext,
			      u8 type, struct mptcp_sec_opt_vals *v)
{
	struct mptcp_subflow_context *subflow = mptcp_subflow_ctx(ssk);

	memset(v, 0, sizeof(*v));
	v->type = type;
	v->sfid = mptcp_sec_subflow_id(mptcp_sk(subflow->conn), subflow);
	v->ssn = tcp_sk(ssk)->copied_seq - subflow->ssn_offset;
	if (mpext->use_ack) {
		v->flags |= MPTCP_SEC_DSS_DATA_ACK;
		v->data_ack = mpext->data_ack;
	}
	if (mpext->use_map) {
		v->flags |= MPTCP_SEC_DSS_MAPPING;
		v->dsn = mpext->data_seq;
		v->data_len = mpext->data_len;
	}
	if (mpext->data_fin)
		v->flags |= MPTCP_SEC_DSS_DATA_FIN;
}

/* verified effects wait in msk->sec until no data lock is held */
static void mptcp_sec_stash(struct mptcp_sec_sock *sec,
			    const struct mptcp_sec_opt_vals *v)
{
	spin_lock_bh(&sec->lock);
	if (v->flags & MPTCP_SEC_DSS_DATA_ACK &&
	    (!sec->pend_ack_valid || after64(v->data_ack, sec->pend_ack))) {
		sec->pend_ack = v->data_ack;
		sec->pend_ack_valid = 1;
	}
	if (v->flags & MPTCP_SEC_DSS_DATA_FIN) {
		sec->pend_fin = 1;
		sec->pend_fin_seq = v->dsn;
	}
	spin_unlock_bh(&sec->lock);
}

/* One control record at copied_seq; ssk lock.  Return 1 consumed, 0 wait,
 * < 0 failure (@why says which).  Its signals wait in the subflow until
 * mptcp_sec_rx_done(): applying them may take the msk data lock.
 */
static int mptcp_sec_rx_ctrl(struct sock *ssk, const struct mptcp_ext *mpext,
			     enum mptcp_sec_fail *why)
{
	struct mptcp_subflow_context *subflow = mptcp_subflow_ctx(ssk);
	struct mptcp_sock *msk = mptcp_sk(subflow->conn);
	struct mptcp_sec_subflow *ss = &subflow->sec;
	struct mptcp_sec_sock *sec = msk->sec;
	struct tcp_sock *tp = tcp_sk(ssk);
	u8 rec[MPTCP_SEC_CTRL_MAX];
	struct mptcp_sec_opt_vals v;
	u32 avail, olen;
	bool fresh;
	u64 ctr;

	BUILD_BUG_ON(MPTCP_SEC_SIG_MAX != MPTCP_SEC_OPT_OTHER_MAX);
	*why = MPTCP_SEC_FAIL_BAD;
	avail = tp->rcv_nxt - tp->copied_seq;
	if (avail < MPTCP_SEC_CTRL_LEN)
		return 0;
	if (mptcp_sec_copy_rx(ssk, 0, rec, MPTCP_SEC_CTRL_LEN))
		return -EINVAL;
	olen = get_unaligned_be16(&rec[MPTCP_SEC_HDR_LEN]);
	if (olen > MPTCP_SEC_OPT_OTHER_MAX)
		return -EINVAL;
	if (avail < MPTCP_SEC_CTRL_LEN + olen)
		return 0;
	/* no room for more signals: wait for mptcp_sec_rx_done() */
	if (olen && ss->nr_sig == MPTCP_SEC_SIG_SLOTS)
		return 0;
	if (mptcp_sec_copy_rx(ssk, MPTCP_SEC_CTRL_LEN,
			      &rec[MPTCP_SEC_CTRL_LEN], olen))
		return -EINVAL;
	ctr = get_unaligned_be64(rec);

	/* the caller checked: no mapping, or the DATA_FIN's (length 1) */
	mptcp_sec_rx_vals(ssk, mpext, MPTCP_SEC_REC_CONTROL, &v);
	v.other = &rec[MPTCP_SEC_CTRL_LEN];
	v.other_len = olen;
	*why = MPTCP_SEC_FAIL_CTRL;
	if (mptcp_sec_opt_verify(&sec->rx.opt, ctr, &v,
				 &rec[MPTCP_SEC_CTR_LEN], GFP_ATOMIC)) {
		net_dbg_ratelimited("control record ctr %llu sfid %x ssn %u flags %x ack %llu dsn %llu len %u olen %u did not verify\n",
				    ctr, v.sfid, v.ssn, v.flags, v.data_ack,
				    v.dsn, v.data_len, olen);
		return -EBADMSG;
	}
	*why = MPTCP_SEC_FAIL_BAD;
	if (mptcp_sec_signals_in(ssk, v.other, olen, false))
		return -EINVAL;

	/* the sender numbers the records of one subflow in increasing
	 * order and TCP delivers them in order: an old counter is a replay
	 * (Topt binds sfid and ssn, so a record cannot move to another
	 * subflow or another place in this one)
	 */
	fresh = !ss->rx_ctr_valid || ctr > ss->rx_ctr_last;
	if (fresh) {
		ss->rx_ctr_last = ctr;
		ss->rx_ctr_valid = 1;
	}
	mptcp_sec_consume(ssk, MPTCP_SEC_CTRL_LEN + olen);
	if (!fresh) {
		MPTCP_INC_STATS(sock_net(ssk), MPTCP_MIB_SECCTRLREPLAY);
		return 1;
	}
	MPTCP_INC_STATS(sock_net(ssk), MPTCP_MIB_SECCTRLOPENED);
	WRITE_ONCE(sec->peer_ok, 1);
	mptcp_sec_stash(sec, &v);
	if (olen) {
		memcpy(ss->sig[ss->nr_sig], v.other, olen);
		ss->sig_len[ss->nr_sig++] = olen;
	}
	return 1;
}

/* A data record of @len bytes at copied_seq that lies wholly below the
 * msk's ack_seq: data the connection already has, e.g. a record sent
 * again on another subflow.  Nothing verified its DSN yet: an attacker on
 * this path who moves every DSN into the past would otherwise have his
 * records consumed and acknowledged as duplicates, a silent black hole.
 * So the option tag (which binds DSN, length, subflow and Tdata) must
 * verify before the record is dropped; it costs no decryption.  ssk lock.
 * Return 2 consumed, < 0 failure.
 */
static int mptcp_sec_rx_dup(struct sock *ssk, const struct mptcp_ext *mpext,
			    u32 len, enum mptcp_sec_fail *why)
{
	struct mptcp_sock *msk = mptcp_sk(mptcp_subflow_ctx(ssk)->conn);
	u8 hdr[MPTCP_SEC_HDR_LEN], tdata[MPTCP_SEC_TAG_LEN];
	struct mptcp_sec_opt_vals v;

	sock_owned_by_me(ssk);
	*why = MPTCP_SEC_FAIL_BAD;
	if (mptcp_sec_copy_rx(ssk, 0, hdr, sizeof(hdr)) ||
	    mptcp_sec_copy_rx(ssk, len - MPTCP_SEC_TAG_LEN, tdata,
			      sizeof(tdata)))
		return -EINVAL;
	mptcp_sec_rx_vals(ssk, mpext, MPTCP_SEC_REC_DATA, &v);
	v.tdata = tdata;
	*why = MPTCP_SEC_FAIL_OPT;
	if (mptcp_sec_opt_verify(&msk->sec->rx.opt, get_unaligned_be64(hdr),
				 &v, hdr + MPTCP_SEC_CTR_LEN, GFP_ATOMIC))
		return -EBADMSG;
	MPTCP_INC_STATS(sock_net(ssk), MPTCP_MIB_SECDUPRECORD);
	mptcp_sec_consume(ssk, len);
	return 2;
}

/* one data record at copied_seq; ssk lock.  Return 1 verified (and
 * pending delivery), 0 wait, 2 duplicate consumed, < 0 failure
 */
static int mptcp_sec_rx_data(struct sock *ssk, const struct mptcp_ext *mpext,
			     enum mptcp_sec_fail *why)
{
	struct mptcp_subflow_context *subflow = mptcp_subflow_ctx(ssk);
	struct mptcp_sock *msk = mptcp_sk(subflow->conn);
	struct mptcp_sec_sock *sec = msk->sec;
	struct tcp_sock *tp = tcp_sk(ssk);
	struct mptcp_sec_opt_vals v;
	u32 len = mpext->data_len, p, ssn;
	u8 hdr[MPTCP_SEC_HDR_LEN];
	struct scatterlist sg;
	struct sk_buff *nskb;
	u64 ack_seq;

	*why = MPTCP_SEC_FAIL_BAD;
	ssn = tp->copied_seq - subflow->ssn_offset;
	if (!mpext->dsn64 || len <= MPTCP_SEC_RECORD_OVERHEAD ||
	    len > MPTCP_SEC_MAX_PLAINTEXT + MPTCP_SEC_RECORD_OVERHEAD ||
	    mpext->subflow_seq != ssn)
		return -EINVAL;
	if (tp->rcv_nxt - tp->copied_seq < len)
		return 0;

	ack_seq = READ_ONCE(msk->ack_seq);
	if (!after64(mpext->data_seq + len, ack_seq))
		return mptcp_sec_rx_dup(ssk, mpext, len, why);
	if (before64(mpext->data_seq, ack_seq))
		return -EINVAL;

	p = len - MPTCP_SEC_RECORD_OVERHEAD;
	nskb = alloc_skb(p + MPTCP_SEC_TAG_LEN, GFP_ATOMIC);
	if (!nskb)
		return 0;
	if (mptcp_sec_copy_rx(ssk, 0, hdr, sizeof(hdr)) ||
	    mptcp_sec_copy_rx(ssk, MPTCP_SEC_HDR_LEN,
			      skb_put(nskb, p + MPTCP_SEC_TAG_LEN),
			      p + MPTCP_SEC_TAG_LEN))
		goto fail;

	mptcp_sec_rx_vals(ssk, mpext, MPTCP_SEC_REC_DATA, &v);
	v.tdata = nskb->data + p;
	*why = MPTCP_SEC_FAIL_OPT;
	if (mptcp_sec_opt_verify(&sec->rx.opt, get_unaligned_be64(hdr), &v,
				 hdr + MPTCP_SEC_CTR_LEN, GFP_ATOMIC))
		goto fail;
	*why = MPTCP_SEC_FAIL_DATA;
	sg_init_one(&sg, nskb->data, p + MPTCP_SEC_TAG_LEN);
	if (mptcp_sec_record_open(&sec->rx.data, mpext->data_seq, &sg, p,
				  GFP_ATOMIC))
		goto fail;
	skb_trim(nskb, p);

	WRITE_ONCE(sec->peer_ok, 1);
	mptcp_sec_stash(sec, &v);
	atomic64_inc(&sec->opened);
	MPTCP_INC_STATS(sock_net(ssk), MPTCP_MIB_SECRECOPENED);
	subflow->sec.rx_skb = nskb;
	subflow->sec.rx_len = len;
	subflow->map_valid = 1;
	subflow->map_seq = mpext->data_seq;
	subflow->map_subflow_seq = ssn;
	subflow->map_data_len = len;
	return 1;
fail:
	kfree_skb(nskb);
	return -EBADMSG;
}

/* Replaces subflow_check_data_avail() with MPTCPsec: true when a verified
 * record waits for mptcp_sec_move_record().  ssk lock, maybe data lock.
 */
bool mptcp_sec_check_data_avail(struct sock *ssk)
{
	struct mptcp_subflow_context *subflow = mptcp_subflow_ctx(ssk);
	struct mptcp_sock *msk = mptcp_sk(subflow->conn);
	enum mptcp_sec_fail why;
	struct mptcp_ext *mpext;
	struct sk_buff *skb;
	u32 offset;
	int ret;

	for (;;) {
		if (READ_ONCE(subflow->data_avail))
			return true;
		skb = skb_peek(&ssk->sk_receive_queue);
		if (!skb)
			return false;
		/* keys not installed yet, or failed: hold everything back */
		if (!mptcp_sec_usable(msk->sec))
			return false;

		offset = tcp_sk(ssk)->copied_seq - TCP_SKB_CB(skb)->seq;
		if (offset >= skb->len) {
			/* a bare FIN, or bytes already consumed */
			sk_eat_skb(ssk, skb);
			continue;
		}
		mpext = mptcp_get_ext(skb);
		if (!mpext || !mpext->sec)
			return mptcp_sec_rx_fail(ssk, MPTCP_SEC_FAIL_BAD);

		if (mpext->use_map && !mpext->data_fin) {
			ret = mptcp_sec_rx_data(ssk, mpext, &why);
			if (ret == 1) {
				WRITE_ONCE(subflow->data_avail,
					   MPTCP_SUBFLOW_DATA_AVAIL);
				return true;
			}
		} else if (!mpext->use_map ||
			   (mpext->data_len == 1 && mpext->dsn64)) {
			ret = mptcp_sec_rx_ctrl(ssk, mpext, &why);
		} else {
			ret = -EINVAL;
			why = MPTCP_SEC_FAIL_BAD;
		}
		if (ret < 0)
			return mptcp_sec_rx_fail(ssk, why);
		if (!ret)
			return false;
	}
}

/* Hand the verified record to the msk; data lock and ssk lock.  Return
 * its length in data sequence space and the plaintext in @rec (the caller
 * queues it), 0 if there is none.
 */
u32 mptcp_sec_move_record(struct sock *ssk, struct sk_buff **rec)
{
	struct mptcp_subflow_context *subflow = mptcp_subflow_ctx(ssk);
	u32 len = subflow->sec.rx_len;

	*rec = subflow->sec.rx_skb;
	subflow->sec.rx_skb = NULL;
	subflow->sec.rx_len = 0;
	WRITE_ONCE(subflow->data_avail, MPTCP_SUBFLOW_NODATA);
	return *rec ? len : 0;
}

/* the verified signals that came in on @ssk; ssk lock, no data lock */
static void mptcp_sec_apply_signals(struct sock *ssk)
{
	struct mptcp_sec_subflow *ss = &mptcp_subflow_ctx(ssk)->sec;
	bool full = ss->nr_sig == MPTCP_SEC_SIG_SLOTS;
	int i;

	for (i = 0; i < ss->nr_sig; i++)
		mptcp_sec_signals_in(ssk, ss->sig[i], ss->sig_len[i], true);
	ss->nr_sig = 0;
	/* a control record may wait for room: look again */
	if (full && !skb_queue_empty(&ssk->sk_receive_queue))
		ssk->sk_data_ready(ssk);
}

/* Client, the server's first verified record: the connection is
 * established (no unverified option could do it, see
 * check_fully_established()), data held back may go.  ssk lock, no data
 * lock.
 */
static void mptcp_sec_established(struct sock *sk, struct sock *ssk)
{
	struct mptcp_subflow_context *subflow = mptcp_subflow_ctx(ssk);
	struct mptcp_sock *msk = mptcp_sk(sk);

	if (subflow->fully_established || subflow->mp_join)
		return;
	sk_stop_timer(sk, &msk->sec->confirm_timer);
	subflow->fully_established = 1;
	WRITE_ONCE(msk->fully_established, true);
	if (!subflow->pm_notified && !list_empty(&subflow->node)) {
		subflow->pm_notified = 1;
		mptcp_pm_fully_established(msk, ssk, GFP_ATOMIC);
	}
	mptcp_data_lock(sk);
	__mptcp_check_push(sk, ssk);
	mptcp_data_unlock(sk);
}

/* Apply what verified records said, once no data lock is held: Data-ACK,
 * DATA_FIN, path-manager signals; then tell the peer about our new
 * Data-ACK.  ssk lock.
 */
void mptcp_sec_rx_done(struct sock *sk, struct sock *ssk)
{
	struct mptcp_sock *msk = mptcp_sk(sk);
	struct mptcp_sec_sock *sec = msk->sec;
	u64 ack, fin_seq;
	bool ack_valid, fin;

	if (!mptcp_sec_on(msk) || !mptcp_sec_usable(sec))
		return;
	if (READ_ONCE(sec->peer_ok))
		mptcp_sec_established(sk, ssk);
	if (mptcp_subflow_ctx(ssk)->sec.nr_sig)
		mptcp_sec_apply_signals(ssk);

	spin_lock_bh(&sec->lock);
	ack_valid = sec->pend_ack_valid;
	ack = sec->pend_ack;
	fin = sec->pend_fin;
	fin_seq = sec->pend_fin_seq;
	sec->pend_ack_valid = 0;
	sec->pend_fin = 0;
	spin_unlock_bh(&sec->lock);

	if (ack_valid)
		mptcp_ack_update(msk, ssk, ack, true);
	if (fin && mptcp_update_rcv_data_fin(msk, fin_seq, true))
		mptcp_schedule_work(sk);

	mptcp_sec_send_ctrl(ssk, false);
}

/* after the keys are installed: data held back can be verified now.
 * msk lock, process context.
 */
void mptcp_sec_kick_rx(struct mptcp_sock *msk)
{
	struct mptcp_subflow_context *subflow;

	mptcp_for_each_subflow(msk, subflow) {
		struct sock *ssk = mptcp_subflow_tcp_sock(subflow);
		bool slow = lock_sock_fast(ssk);

		if (!skb_queue_empty(&ssk->sk_receive_queue))
			ssk->sk_data_ready(ssk);
		unlock_sock_fast(ssk, slow);
	}
}

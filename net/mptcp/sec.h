/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MPTCPsec: authenticated encryption inside Multipath TCP.
 *
 * Internal interface between upstream MPTCP and the MPTCPsec files
 * (net/mptcp/sec*.c).  Upstream files call only what is declared here;
 * every call has a stub when CONFIG_MPTCP_SEC is off that keeps plain
 * MPTCP's behaviour (calls made only under mptcp_sec_on() are dead code
 * then, mptcp_sec_on() being false).
 *
 * Locking, as upstream MPTCP: "msk lock" is the msk socket lock (owned by
 * a process, lock_sock()), "data lock" the msk spinlock
 * (mptcp_data_lock()), "ssk lock" the subflow socket lock (owned or held
 * by softirq).  Each function says what it needs.
 */
#ifndef __MPTCP_SEC_H
#define __MPTCP_SEC_H

#include <linux/errno.h>
#include <linux/init.h>
#include <linux/jump_label.h>
#include <linux/minmax.h>
#include <linux/sockptr.h>
#include <linux/types.h>
#include <net/net_namespace.h>
#include <uapi/linux/mptcp.h>
#include <uapi/linux/mptcp_sec.h>

struct mptcp_sock;
struct mptcp_subflow_context;
struct mptcp_options_received;
struct mptcp_out_options;
struct mptcp_data_frag;
struct request_sock;
struct sk_buff;
struct sock;

/* MP_SEC: MPTCP option subtype 0xf (private use), see the spec */
#define MPTCPOPT_MP_SEC			0xf
#define MPTCP_SEC_OPT_MAX		24	/* longest MP_SEC we accept */
#define MPTCP_SEC_MPC_LEN		4	/* MP_CAPABLE v2 */
#define MPTCP_SEC_VERSION		2

/**
 * struct mptcp_sec_rx_opt - MPTCPsec part of the parsed options of a segment
 * @mpc_v2: a 4-byte MP_CAPABLE of version 2 was seen (on a SYN/ACK or
 *	    ACK it sets no upstream MP_CAPABLE bit: it carries no keys)
 * @sec_len: length of the MP_SEC option in @sec_raw, 0 if none
 * @sec_bad: an MP_SEC of a length its type does not have was ignored
 * @join_flags: low nibble of byte 2 of an MP_JOIN (B and reserved bits)
 * @mpc_raw: the MP_CAPABLE option as received
 * @sec_raw: the MP_SEC option as received, kind to last byte
 *
 * Lives in the status group of struct mptcp_options_received, so it is
 * zeroed before every parse.
 */
struct mptcp_sec_rx_opt {
	u8 mpc_v2;
	u8 sec_len;
	u8 sec_bad;
	u8 join_flags;
	u8 mpc_raw[MPTCP_SEC_MPC_LEN];
	u8 sec_raw[MPTCP_SEC_OPT_MAX];
};

#define MPTCP_SEC_SIG_SLOTS		4
#define MPTCP_SEC_SIG_MAX		64	/* = MPTCP_SEC_OPT_OTHER_MAX */

/**
 * struct mptcp_sec_subflow - MPTCPsec state of one subflow
 * @rx_skb: plaintext of the verified record at the head of the subflow
 *	    receive queue, not yet moved to the msk (ssk lock)
 * @rx_len: data sequence space of that record (plaintext + overhead)
 * @sfid: subflow ID bound in the option tags, valid if @sfid_set
 * @sfid_set: @sfid computed
 * @rx_ctr_last: option counter of the last control record verified here
 * @rx_ctr_valid: @rx_ctr_last is set
 * @nr_sig: verified signals waiting in @sig (ssk lock)
 * @sig_len: their lengths
 * @sig: canonical options of verified control records, applied once no
 *	 msk data lock is held
 */
struct mptcp_sec_subflow {
	struct sk_buff *rx_skb;
	u32 rx_len;
	u32 sfid;
	u8 sfid_set;
	u8 rx_ctr_valid;
	u64 rx_ctr_last;
	u8 nr_sig;
	u8 sig_len[MPTCP_SEC_SIG_SLOTS];
	u8 sig[MPTCP_SEC_SIG_SLOTS][MPTCP_SEC_SIG_MAX];
};

#if IS_ENABLED(CONFIG_MPTCP_SEC)

void __init mptcp_sec_init(void);
enum mptcp_sec_policy mptcp_sec_net_policy(const struct net *net);

/* Set by the first socket that gets MPTCPsec state (process context,
 * never cleared): until then mptcp_sec_on() costs plain MPTCP a patched
 * no-op branch, not a call.
 */
DECLARE_STATIC_KEY_FALSE(mptcp_sec_used);
bool __mptcp_sec_on(const struct mptcp_sock *msk);

/* true once MPTCPsec is in use on the connection (handshake done, in
 * progress with a version 2 peer, or failed): records, no fallback, no
 * plaintext.  Any context.
 */
static inline bool mptcp_sec_on(const struct mptcp_sock *msk)
{
	return static_branch_unlikely(&mptcp_sec_used) && __mptcp_sec_on(msk);
}

/* socket life cycle */
void mptcp_sec_sock_init(struct mptcp_sock *msk);
int mptcp_sec_sock_create(struct mptcp_sock *msk);
void mptcp_sec_sock_destroy(struct mptcp_sock *msk);
void mptcp_sec_disconnect(struct mptcp_sock *msk);
int mptcp_sec_connect(struct mptcp_sock *msk, struct sock *ssk);
void mptcp_sec_clone(const struct mptcp_sock *listener, struct mptcp_sock *msk,
		     struct request_sock *req);
void mptcp_sec_req_init(struct request_sock *req);
void mptcp_sec_req_destroy(struct request_sock *req);
void mptcp_sec_subflow_release(struct mptcp_subflow_context *subflow);
void mptcp_sec_worker(struct mptcp_sock *msk);

/* socket options */
int mptcp_sec_setsockopt(struct mptcp_sock *msk, int optname,
			 sockptr_t optval, unsigned int optlen);
int mptcp_sec_getsockopt(struct mptcp_sock *msk, int optname,
			 char __user *optval, int __user *optlen);

/* negotiation */
bool mptcp_sec_parse_mpc(const u8 *ptr, int opsize,
			 struct mptcp_sec_rx_opt *o);
void mptcp_sec_parse_option(const u8 *ptr, int opsize,
			    struct mptcp_sec_rx_opt *o);
bool mptcp_sec_syn_options(struct sock *ssk, unsigned int *size,
			   struct mptcp_out_options *opts);
int mptcp_sec_check_req(struct request_sock *req, const struct sock *listener,
			const struct mptcp_options_received *mp_opt,
			bool syncookie);
bool mptcp_sec_synack_options(const struct request_sock *req,
			      unsigned int *size,
			      struct mptcp_out_options *opts);
int mptcp_sec_finish_connect(struct sock *ssk,
			     const struct mptcp_options_received *mp_opt);
int mptcp_sec_third_ack(const struct sock *listener, struct request_sock *req,
			struct mptcp_options_received *mp_opt);
bool mptcp_sec_refuse_plain(const struct sock *listener);
int mptcp_sec_check_cookie(const struct sock *listener,
			   const struct mptcp_options_received *mp_opt);
u8 mptcp_sec_reset_reason(int err);
bool mptcp_sec_mpc_ack_options(struct sock *ssk, unsigned int *size,
			       struct mptcp_out_options *opts);
void mptcp_sec_write_options(__be32 *ptr,
			     const struct mptcp_out_options *opts);
bool mptcp_sec_try_fallback(struct mptcp_sock *msk);
int mptcp_sec_subflow_error(struct mptcp_sock *msk, struct sock *ssk,
			    int err);

/* data path */
int mptcp_sec_sendmsg_wait(struct mptcp_sock *msk);
size_t mptcp_sec_record_len(const struct mptcp_sock *msk, size_t *psize,
			    size_t *poff, size_t room, size_t left);
int mptcp_sec_seal(struct mptcp_sock *msk, struct mptcp_data_frag *dfrag,
		   size_t psize);
int mptcp_sec_sendmsg_frag(struct sock *sk, struct sock *ssk,
			   struct mptcp_data_frag *dfrag, u32 sent,
			   bool data_lock_held);
bool mptcp_sec_established_options(struct sock *ssk, struct sk_buff *skb,
				   unsigned int *size,
				   struct mptcp_out_options *opts);
void mptcp_sec_filter_options(struct sock *ssk,
			      struct mptcp_options_received *mp_opt);
bool mptcp_sec_fastclose_value(const struct mptcp_sock *msk, u64 *val);

/* MP_JOIN */
struct mptcp_subflow_request_sock;
int mptcp_sec_join_req(struct mptcp_subflow_request_sock *subflow_req,
		       const struct mptcp_options_received *mp_opt);
bool mptcp_sec_join_ack_ok(const struct request_sock *req,
			   const struct mptcp_options_received *mp_opt);
bool mptcp_sec_join_synack(struct sock *ssk,
			   const struct mptcp_options_received *mp_opt);
bool mptcp_sec_incoming_dss(struct sock *ssk, struct sk_buff *skb,
			    const struct mptcp_options_received *mp_opt);
bool mptcp_sec_check_data_avail(struct sock *ssk);
u32 mptcp_sec_move_record(struct sock *ssk, struct sk_buff **rec);
u32 mptcp_sec_consume(struct sock *ssk, u32 len);
void mptcp_sec_rx_done(struct sock *sk, struct sock *ssk);
bool mptcp_sec_send_ack(struct sock *ssk);

#else /* CONFIG_MPTCP_SEC */

static inline void mptcp_sec_init(void)
{
}

static inline enum mptcp_sec_policy mptcp_sec_net_policy(const struct net *net)
{
	return MPTCP_SEC_POLICY_OFF;
}

static inline bool mptcp_sec_on(const struct mptcp_sock *msk)
{
	return false;
}

static inline void mptcp_sec_sock_init(struct mptcp_sock *msk) {}
static inline int mptcp_sec_sock_create(struct mptcp_sock *msk)
{
	return 0;
}

static inline void mptcp_sec_sock_destroy(struct mptcp_sock *msk) {}
static inline void mptcp_sec_disconnect(struct mptcp_sock *msk) {}
static inline int mptcp_sec_connect(struct mptcp_sock *msk, struct sock *ssk)
{
	return 0;
}

static inline void mptcp_sec_clone(const struct mptcp_sock *listener,
				   struct mptcp_sock *msk,
				   struct request_sock *req) {}
static inline void mptcp_sec_req_init(struct request_sock *req) {}
static inline void mptcp_sec_req_destroy(struct request_sock *req) {}
static inline void
mptcp_sec_subflow_release(struct mptcp_subflow_context *subflow) {}
static inline void mptcp_sec_worker(struct mptcp_sock *msk) {}

static inline int mptcp_sec_setsockopt(struct mptcp_sock *msk, int optname,
				       sockptr_t optval, unsigned int optlen)
{
	return -ENOPROTOOPT;
}

static inline int mptcp_sec_getsockopt(struct mptcp_sock *msk, int optname,
				       char __user *optval, int __user *optlen)
{
	return -EOPNOTSUPP;
}

static inline bool mptcp_sec_parse_mpc(const u8 *ptr, int opsize,
				       struct mptcp_sec_rx_opt *o)
{
	return false;
}

static inline void mptcp_sec_parse_option(const u8 *ptr, int opsize,
					  struct mptcp_sec_rx_opt *o) {}
static inline bool mptcp_sec_syn_options(struct sock *ssk, unsigned int *size,
					 struct mptcp_out_options *opts)
{
	return false;
}

static inline int
mptcp_sec_check_req(struct request_sock *req, const struct sock *listener,
		    const struct mptcp_options_received *mp_opt, bool syncookie)
{
	return 0;
}

static inline bool mptcp_sec_synack_options(const struct request_sock *req,
					    unsigned int *size,
					    struct mptcp_out_options *opts)
{
	return false;
}

static inline int
mptcp_sec_finish_connect(struct sock *ssk,
			 const struct mptcp_options_received *mp_opt)
{
	return 0;
}

static inline int mptcp_sec_third_ack(const struct sock *listener,
				      struct request_sock *req,
				      struct mptcp_options_received *mp_opt)
{
	return 0;
}

static inline bool mptcp_sec_refuse_plain(const struct sock *listener)
{
	return false;
}

static inline int
mptcp_sec_check_cookie(const struct sock *listener,
		       const struct mptcp_options_received *mp_opt)
{
	return 0;
}

static inline u8 mptcp_sec_reset_reason(int err)
{
	return MPTCP_RST_EMPTCP;
}

static inline bool mptcp_sec_mpc_ack_options(struct sock *ssk,
					     unsigned int *size,
					     struct mptcp_out_options *opts)
{
	return false;
}

static inline void mptcp_sec_write_options(__be32 *ptr,
					   const struct mptcp_out_options *opts)
{
}

static inline bool mptcp_sec_try_fallback(struct mptcp_sock *msk)
{
	return true;
}

static inline int mptcp_sec_subflow_error(struct mptcp_sock *msk,
					  struct sock *ssk, int err)
{
	return 0;
}

static inline int mptcp_sec_sendmsg_wait(struct mptcp_sock *msk)
{
	return 0;
}

/* plain MPTCP: the dfrag takes what fits */
static inline size_t mptcp_sec_record_len(const struct mptcp_sock *msk,
					  size_t *psize, size_t *poff,
					  size_t room, size_t left)
{
	*poff = 0;
	*psize = min(room, left);
	return *psize;
}

static inline int mptcp_sec_seal(struct mptcp_sock *msk,
				 struct mptcp_data_frag *dfrag, size_t psize)
{
	return 0;
}

static inline int mptcp_sec_sendmsg_frag(struct sock *sk, struct sock *ssk,
					 struct mptcp_data_frag *dfrag,
					 u32 sent, bool data_lock_held)
{
	return 0;
}

static inline bool
mptcp_sec_established_options(struct sock *ssk, struct sk_buff *skb,
			      unsigned int *size,
			      struct mptcp_out_options *opts)
{
	return false;
}

static inline void
mptcp_sec_filter_options(struct sock *ssk,
			 struct mptcp_options_received *mp_opt) {}
static inline bool mptcp_sec_fastclose_value(const struct mptcp_sock *msk,
					     u64 *val)
{
	return false;
}

struct mptcp_subflow_request_sock;
static inline int
mptcp_sec_join_req(struct mptcp_subflow_request_sock *subflow_req,
		   const struct mptcp_options_received *mp_opt)
{
	return 0;
}

static inline bool
mptcp_sec_join_ack_ok(const struct request_sock *req,
		      const struct mptcp_options_received *mp_opt)
{
	return false;
}

static inline bool
mptcp_sec_join_synack(struct sock *ssk,
		      const struct mptcp_options_received *mp_opt)
{
	return false;
}

static inline bool
mptcp_sec_incoming_dss(struct sock *ssk, struct sk_buff *skb,
		       const struct mptcp_options_received *mp_opt)
{
	return true;
}

static inline bool mptcp_sec_check_data_avail(struct sock *ssk)
{
	return false;
}

static inline u32 mptcp_sec_move_record(struct sock *ssk, struct sk_buff **rec)
{
	*rec = NULL;
	return 0;
}

static inline u32 mptcp_sec_consume(struct sock *ssk, u32 len)
{
	return 0;
}

static inline void mptcp_sec_rx_done(struct sock *sk, struct sock *ssk) {}
static inline bool mptcp_sec_send_ack(struct sock *ssk)
{
	return false;
}

#endif /* CONFIG_MPTCP_SEC */

#endif /* __MPTCP_SEC_H */

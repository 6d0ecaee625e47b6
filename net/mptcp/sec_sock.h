/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MPTCPsec: per-connection state, shared by sec.c (configuration and
 * negotiation) and sec_data.c (records).  Not for upstream files.
 */
#ifndef __MPTCP_SEC_SOCK_H
#define __MPTCP_SEC_SOCK_H

#include <linux/spinlock.h>
#include <linux/atomic.h>
#include <linux/timer.h>
#include <linux/workqueue.h>
#include "sec.h"
#include "sec_crypto.h"

/* MP_SEC message types, low nibble of byte 2 */
#define MPTCP_SEC_T_OFFER	0
#define MPTCP_SEC_T_SELECT	1
#define MPTCP_SEC_T_CONFIRM	2
#define MPTCP_SEC_RAND_LEN	8
#define MPTCP_SEC_OFFER_MIN	13
#define MPTCP_SEC_OFFER_MAX	(MPTCP_SEC_OFFER_MIN + MPTCP_SEC_MAX_SUITES - 1)
#define MPTCP_SEC_SELECT_LEN	13
#define MPTCP_SEC_CONFIRM_LEN	21
/* MPC(SYN) || MP_SEC(SYN) || MPC(SYN/ACK) || MP_SEC(SYN/ACK) */
#define MPTCP_SEC_T_MAX		(2 * MPTCP_SEC_MPC_LEN + MPTCP_SEC_OFFER_MAX + \
				 MPTCP_SEC_SELECT_LEN)
/* MPC + MP_SEC confirm, the longest option blob we write */
#define MPTCP_SEC_BLOB_MAX	(MPTCP_SEC_MPC_LEN + MPTCP_SEC_CONFIRM_LEN)
/* the per-placement head of every record: ctr || Topt */
#define MPTCP_SEC_HDR_LEN	(MPTCP_SEC_CTR_LEN + MPTCP_SEC_TAG_LEN)
/* a control record: ctr || Topt || u16 olen || canonical options (olen) */
#define MPTCP_SEC_CTRL_LEN	(MPTCP_SEC_HDR_LEN + 2)
#define MPTCP_SEC_CTRL_MAX	(MPTCP_SEC_CTRL_LEN + MPTCP_SEC_OPT_OTHER_MAX)
/* at most this many control records per call (signals pending at once) */
#define MPTCP_SEC_CTRL_BURST	4
/* a client whose server has not proved the keys this long after the
 * SYN/ACK gives up (ETIMEDOUT): the server confirms as soon as its keys
 * are installed, and TCP retransmits that record on loss
 */
#define MPTCP_SEC_CONFIRM_TIMEOUT	(10 * HZ)

/**
 * struct mptcp_sec_neg - what the first subflow negotiated
 * @suite: selected suite
 * @global: the global suboption byte
 * @t: transcript, MPC(SYN) || MP_SEC(SYN) || MPC(SYN/ACK) || MP_SEC(SYN/ACK)
 * @t_len: bytes used in @t
 * @blob: the server's SYN/ACK options (MPC || MP_SEC), as sent
 * @blob_len: bytes used in @blob
 * @psk: copy of the listener's secret (server only)
 * @psk_len: its length
 * @keys: derived on the third ACK, handed to the child msk
 */
struct mptcp_sec_neg {
	u8 suite;
	u8 global;
	u8 t_len;
	u8 blob_len;
	u8 psk_len;
	u8 t[MPTCP_SEC_T_MAX];
	u8 blob[MPTCP_SEC_BLOB_MAX];
	u8 psk[MPTCP_SEC_PSK_MAX_LEN];
	struct mptcp_sec_keys *keys;
};

/**
 * struct mptcp_sec_sock - MPTCPsec state of one MPTCP socket
 *
 * Lifetime: msk->sec is replaced (mptcp_sec_disconnect()) and freed
 * (mptcp_sec_sock_destroy()) only under the msk lock, and freed after an
 * RCU grace period: softirq readers (the SYNs of a listener, joins,
 * FASTCLOSE) run inside an RCU read-side section and may use what they
 * read until they return.
 *
 * @psk: the secret, set by MPTCP_SEC_KEY (configuration: msk lock to
 *	 write, and @lock: a listener's SYNs copy it in softirq)
 * @psk_len: its length, 0 if none
 * @policy: enum mptcp_sec_policy of the socket (configuration)
 * @nsuites: number of @suites (configuration)
 * @suites: allowed suites, in order of preference (configuration)
 * @state: enum mptcp_sec_state
 * @peer_ok: the peer proved it holds the keys: the server by the client's
 *	     Finished, the client by the server's first verified record
 * @role: enum mptcp_sec_role
 * @suite: negotiated suite
 * @global: negotiated global byte
 * @syn_blob: client: MPC || MP_SEC offer of our SYN, kept for
 *	      retransmissions and the transcript
 * @syn_blob_len: its length
 * @ack_blob: client: MPC || MP_SEC confirm of the third ACK
 * @ack_blob_len: its length
 * @keys: every derived key; the AEAD keys are wiped once installed
 * @installed: AEAD transforms keyed (release/acquire)
 * @tx: AEADs of the direction we send
 * @rx: AEADs of the direction we receive
 * @tx_ctr: option counter of what we send; every tag takes a new value
 * @lock: protects the fields below (BH-safe spinlock, innermost)
 * @pend_ack: verified Data-ACK not yet applied
 * @pend_ack_valid: @pend_ack is set
 * @pend_fin: verified DATA_FIN not yet applied
 * @pend_fin_seq: its DSN
 * @ctrl_ack: Data-ACK carried by the last control record we sent
 * @ctrl_wnd: right edge of the receive window at that time
 * @ctrl_fin: DATA_FIN sent in a control record
 * @sealed: data records sealed
 * @opened: data records opened
 * @auth_fail: verification failures
 * @sf_reset: subflows reset after a failure
 * @sk: the msk, for @confirm_timer
 * @confirm_timer: client: MPTCP_SEC_CONFIRM_TIMEOUT after the SYN/ACK
 * @confirm_expired: it fired; the worker fails the connection
 * @free_work: frees this after an RCU grace period
 */
struct mptcp_sec_sock {
	u8 psk[MPTCP_SEC_PSK_MAX_LEN];
	u8 psk_len;
	u8 policy;
	u8 nsuites;
	u8 suites[MPTCP_SEC_MAX_SUITES];
	u8 state;
	u8 peer_ok;
	u8 role;
	u8 suite;
	u8 global;
	u8 syn_blob_len;
	u8 ack_blob_len;
	u8 syn_blob[MPTCP_SEC_BLOB_MAX];
	u8 ack_blob[MPTCP_SEC_BLOB_MAX];
	struct mptcp_sec_keys *keys;
	int installed;
	struct mptcp_sec_dir_aead tx;
	struct mptcp_sec_dir_aead rx;
	atomic64_t tx_ctr;

	spinlock_t lock;	/* pend_*, ctrl_* below; @psk of a listener */
	u64 pend_ack;
	u64 pend_fin_seq;
	u64 ctrl_ack;
	u64 ctrl_wnd;
	u8 pend_ack_valid;
	u8 pend_fin;
	u8 ctrl_fin;

	atomic64_t sealed;
	atomic64_t opened;
	atomic64_t auth_fail;
	atomic64_t sf_reset;

	struct sock *sk;
	struct timer_list confirm_timer;
	u8 confirm_expired;
	struct rcu_work free_work;
};

static inline bool mptcp_sec_installed(const struct mptcp_sec_sock *sec)
{
	/* pairs with the release in mptcp_sec_install() */
	return sec && smp_load_acquire(&sec->installed);
}

/* the connection carries records now: keyed, and not failed */
static inline bool mptcp_sec_usable(const struct mptcp_sec_sock *sec)
{
	return mptcp_sec_installed(sec) &&
	       READ_ONCE(sec->state) == MPTCP_SEC_STATE_SECURED;
}

/* sec.c */
#define MPTCP_SEC_NDEFAULT_SUITES	3
extern const u8 mptcp_sec_default_suites[MPTCP_SEC_NDEFAULT_SUITES];

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

struct mptcp_sec_sock *mptcp_sec_alloc(struct sock *sk, gfp_t gfp);
void mptcp_sec_cfg_get(struct mptcp_sec_sock *sec, struct mptcp_sec_cfg *cfg);
void mptcp_sec_install(struct mptcp_sock *msk);
u32 mptcp_sec_subflow_id(struct mptcp_sock *msk,
			 struct mptcp_subflow_context *subflow);

/* sec_data.c */
bool mptcp_sec_send_ctrl(struct sock *ssk, bool force);
void mptcp_sec_kick_rx(struct mptcp_sock *msk);

/* sec_pm.c */
bool mptcp_sec_signal_pending(struct sock *ssk);
int mptcp_sec_signals_out(struct sock *ssk, u8 *o, unsigned int size);
int mptcp_sec_signals_in(struct sock *ssk, const u8 *o, unsigned int len,
			 bool apply);

#endif /* __MPTCP_SEC_SOCK_H */

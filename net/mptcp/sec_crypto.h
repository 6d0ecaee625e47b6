/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MPTCPsec: key schedule, AEAD records, option tags and HMACs.
 *
 * Pure cryptography, no socket state: see
 * Documentation/networking/mptcpsec.rst, sections "Key schedule",
 * "Records" and "Subflows, address options and FASTCLOSE".
 */
#ifndef __MPTCP_SEC_CRYPTO_H
#define __MPTCP_SEC_CRYPTO_H

#include <crypto/aead.h>
#include <crypto/sha2.h>
#include <linux/compiler.h>
#include <linux/gfp.h>
#include <linux/scatterlist.h>
#include <linux/types.h>
#include <uapi/linux/mptcp_sec.h>

/* cipher suite bytes of MP_SEC: MPTCP_SEC_SUITE_* in the uAPI header */

/**
 * enum mptcp_sec_role - the two ends of an MPTCPsec connection
 * @MPTCP_SEC_CLIENT: the host that sent the first SYN
 * @MPTCP_SEC_SERVER: the other one
 * @MPTCP_SEC_NR_ROLES: number of roles
 */
enum mptcp_sec_role {
	MPTCP_SEC_CLIENT	= 0,
	MPTCP_SEC_SERVER	= 1,
	MPTCP_SEC_NR_ROLES,
};

/**
 * enum mptcp_sec_dir - the two directions of an MPTCPsec connection
 * @MPTCP_SEC_C2S: client to server
 * @MPTCP_SEC_S2C: server to client
 * @MPTCP_SEC_NR_DIRS: number of directions
 */
enum mptcp_sec_dir {
	MPTCP_SEC_C2S		= 0,
	MPTCP_SEC_S2C		= 1,
	MPTCP_SEC_NR_DIRS,
};

/**
 * enum mptcp_sec_record_type - first byte of the canonical options
 * @MPTCP_SEC_REC_DATA: data record, Topt also covers Tdata
 * @MPTCP_SEC_REC_CONTROL: control record, no data sequence space
 */
enum mptcp_sec_record_type {
	MPTCP_SEC_REC_DATA	= 1,
	MPTCP_SEC_REC_CONTROL	= 2,
};

/* DSS flags of the canonical options */
#define MPTCP_SEC_DSS_DATA_ACK		BIT(0)
#define MPTCP_SEC_DSS_MAPPING		BIT(1)
#define MPTCP_SEC_DSS_DATA_FIN		BIT(2)
#define MPTCP_SEC_DSS_FLAGS_MASK	(MPTCP_SEC_DSS_DATA_ACK | \
					 MPTCP_SEC_DSS_MAPPING | \
					 MPTCP_SEC_DSS_DATA_FIN)

/* subtypes of the other options in the canonical options */
#define MPTCP_SEC_CANON_ADD_ADDR	3
#define MPTCP_SEC_CANON_REMOVE_ADDR	4
#define MPTCP_SEC_CANON_MP_PRIO		5
/* in the family byte of a canonical ADD_ADDR: the ADD_ADDR is an echo */
#define MPTCP_SEC_CANON_ECHO		0x80

#define MPTCP_SEC_TAG_LEN		16
#define MPTCP_SEC_NONCE_LEN		12
#define MPTCP_SEC_CTR_LEN		8
/* C || Tdata || ctr || Topt: a record of p bytes takes p + 40 bytes */
#define MPTCP_SEC_RECORD_OVERHEAD	(MPTCP_SEC_TAG_LEN + MPTCP_SEC_CTR_LEN + \
					 MPTCP_SEC_TAG_LEN)
#define MPTCP_SEC_MAX_PLAINTEXT		16384
#define MPTCP_SEC_MAX_KEY_LEN		32
#define MPTCP_SEC_HASH_LEN		SHA256_DIGEST_SIZE
#define MPTCP_SEC_HMAC_KEY_LEN		32
#define MPTCP_SEC_PSK_MIN_LEN		16
#define MPTCP_SEC_PSK_MAX_LEN		64
#define MPTCP_SEC_FC_LEN		16
#define MPTCP_SEC_SESSION_ID_LEN	33
/* key_c || key_s, each a u64 in network byte order */
#define MPTCP_SEC_KEYS_LEN		16
#define MPTCP_SEC_JOIN_SYNACK_HMAC_LEN	8
#define MPTCP_SEC_JOIN_ACK_HMAC_LEN	20
#define MPTCP_SEC_ADD_ADDR_HMAC_LEN	8
#define MPTCP_SEC_FASTCLOSE_LEN		8
#define MPTCP_SEC_SFID_FLAG		0x80000000U

/* u64 dsn || u16 p */
#define MPTCP_SEC_DATA_AAD_LEN		10
/* type, sfid, ssn, flags, data_ack, dsn, data_len, olen */
#define MPTCP_SEC_OPT_AAD_FIXED_LEN	30
/* canonical form of the other options of one segment */
#define MPTCP_SEC_OPT_OTHER_MAX		64
#define MPTCP_SEC_OPT_AAD_MAX		(MPTCP_SEC_OPT_AAD_FIXED_LEN + \
					 MPTCP_SEC_OPT_OTHER_MAX + \
					 MPTCP_SEC_TAG_LEN)

/* HKDF-Expand info = MPTCP_SEC_LABEL_PREFIX || label, no NUL */
#define MPTCP_SEC_LABEL_PREFIX		"mptcpsec2 "
#define MPTCP_SEC_LABEL_C2S_DATA_KEY	"c2s data key"
#define MPTCP_SEC_LABEL_C2S_DATA_IV	"c2s data iv"
#define MPTCP_SEC_LABEL_S2C_DATA_KEY	"s2c data key"
#define MPTCP_SEC_LABEL_S2C_DATA_IV	"s2c data iv"
#define MPTCP_SEC_LABEL_C2S_OPT_KEY	"c2s opt key"
#define MPTCP_SEC_LABEL_C2S_OPT_IV	"c2s opt iv"
#define MPTCP_SEC_LABEL_S2C_OPT_KEY	"s2c opt key"
#define MPTCP_SEC_LABEL_S2C_OPT_IV	"s2c opt iv"
#define MPTCP_SEC_LABEL_C_JOIN_KEY	"c join key"
#define MPTCP_SEC_LABEL_S_JOIN_KEY	"s join key"
#define MPTCP_SEC_LABEL_C_ADDR_KEY	"c addr key"
#define MPTCP_SEC_LABEL_S_ADDR_KEY	"s addr key"
#define MPTCP_SEC_LABEL_C_FASTCLOSE_KEY	"c fastclose key"
#define MPTCP_SEC_LABEL_S_FASTCLOSE_KEY	"s fastclose key"
#define MPTCP_SEC_LABEL_C_FINISHED_KEY	"c finished key"
#define MPTCP_SEC_LABEL_SESSION_ID	"session id"
#define MPTCP_SEC_LABEL_KEYS		"keys"
#define MPTCP_SEC_SFID_LABEL		"sfid"

/**
 * struct mptcp_sec_dir_keys - AEAD keys of one direction
 * @data_key: data AEAD key, the first key_len bytes are used
 * @data_iv: nonce base of @data_key
 * @opt_key: option tag AEAD key, the first key_len bytes are used
 * @opt_iv: nonce base of @opt_key
 */
struct mptcp_sec_dir_keys {
	u8 data_key[MPTCP_SEC_MAX_KEY_LEN];
	u8 data_iv[MPTCP_SEC_NONCE_LEN];
	u8 opt_key[MPTCP_SEC_MAX_KEY_LEN];
	u8 opt_iv[MPTCP_SEC_NONCE_LEN];
};

/**
 * struct mptcp_sec_keys - every output of the key schedule
 * @suite: selected suite, MPTCP_SEC_SUITE_*
 * @key_len: AEAD key length of @suite (Lk)
 * @th: transcript hash, SHA-256(T)
 * @dir: AEAD keys, indexed by enum mptcp_sec_dir
 * @join_key: MP_JOIN HMAC keys, indexed by enum mptcp_sec_role
 * @addr_key: ADD_ADDR HMAC keys, indexed by enum mptcp_sec_role
 * @fastclose_key: MP_FASTCLOSE keys, indexed by enum mptcp_sec_role
 * @c_finished_key: HMAC key of Fc
 * @fc: the client's Finished value
 * @session_id: suite byte || K("session id", 32)
 * @keys_raw: K("keys", 16)
 * @key_c: the client's 64-bit MPTCP key (RFC 8684), u64 keys_raw[0:8];
 *	   secret, never sent
 * @key_s: the server's 64-bit MPTCP key, u64 keys_raw[8:16]; secret
 * @token_c: the client's token, u32 SHA-256(u64 key_c)[0:4], as
 *	     mptcp_crypto_key_sha()
 * @token_s: the server's token, u32 SHA-256(u64 key_s)[0:4]
 * @idsn_c: initial DSN of what the client sends,
 *	    u64 SHA-256(u64 key_c)[24:32], as mptcp_crypto_key_sha()
 * @idsn_s: initial DSN of what the server sends,
 *	    u64 SHA-256(u64 key_s)[24:32]
 *
 * Secret: free with mptcp_sec_keys_free() or wipe with
 * mptcp_sec_keys_wipe().
 */
struct mptcp_sec_keys {
	u8 suite;
	u8 key_len;
	u8 th[MPTCP_SEC_HASH_LEN];
	struct mptcp_sec_dir_keys dir[MPTCP_SEC_NR_DIRS];
	u8 join_key[MPTCP_SEC_NR_ROLES][MPTCP_SEC_HMAC_KEY_LEN];
	u8 addr_key[MPTCP_SEC_NR_ROLES][MPTCP_SEC_HMAC_KEY_LEN];
	u8 fastclose_key[MPTCP_SEC_NR_ROLES][MPTCP_SEC_HMAC_KEY_LEN];
	u8 c_finished_key[MPTCP_SEC_HMAC_KEY_LEN];
	u8 fc[MPTCP_SEC_FC_LEN];
	u8 session_id[MPTCP_SEC_SESSION_ID_LEN];
	u8 keys_raw[MPTCP_SEC_KEYS_LEN];
	u64 key_c;
	u64 key_s;
	u32 token_c;
	u32 token_s;
	u64 idsn_c;
	u64 idsn_s;
};

/**
 * struct mptcp_sec_aead - one keyed, synchronous AEAD and its nonce base
 * @tfm: "gcm(aes)" or "rfc7539(chacha20,poly1305)", tag length 16
 * @iv: nonce base; the nonce is @iv XOR (0^32 || u64 sequence)
 */
struct mptcp_sec_aead {
	struct crypto_aead *tfm;
	u8 iv[MPTCP_SEC_NONCE_LEN];
};

/**
 * struct mptcp_sec_dir_aead - AEAD state of one direction
 * @data: seals and opens data records
 * @opt: computes and verifies option tags
 */
struct mptcp_sec_dir_aead {
	struct mptcp_sec_aead data;
	struct mptcp_sec_aead opt;
};

/**
 * struct mptcp_sec_opt_vals - values the canonical options are built from
 * @type: enum mptcp_sec_record_type
 * @flags: MPTCP_SEC_DSS_* flags
 * @data_len: DSS data-level length, 0 without mapping
 * @sfid: subflow ID, 0 for the initial subflow
 * @ssn: relative subflow sequence number of the record's first byte
 * @data_ack: Data-ACK, 0 when absent
 * @dsn: DSN of the mapping, 0 without mapping
 * @other: other options, already in canonical form (may be NULL if
 *	   @other_len is 0); see mptcp_sec_canon_add_addr() and friends
 * @other_len: length of @other, at most MPTCP_SEC_OPT_OTHER_MAX
 * @tdata: the record's Tdata for a data record, NULL for a control record
 */
struct mptcp_sec_opt_vals {
	u8 type;
	u8 flags;
	u16 data_len;
	u32 sfid;
	u32 ssn;
	u64 data_ack;
	u64 dsn;
	const u8 *other;
	u16 other_len;
	const u8 *tdata;
};

const char *mptcp_sec_suite_name(u8 suite);
unsigned int mptcp_sec_suite_key_len(u8 suite);

/* HKDF-SHA256 (RFC 5869) on the SHA-256 library: any context */
int __must_check mptcp_sec_hkdf_extract(const u8 *salt, unsigned int salt_len,
					const u8 *ikm, unsigned int ikm_len,
					u8 prk[MPTCP_SEC_HASH_LEN]);
int __must_check mptcp_sec_hkdf_expand(const u8 prk[MPTCP_SEC_HASH_LEN],
				       const u8 *info, unsigned int info_len,
				       u8 *okm, unsigned int okm_len);

/* key schedule: any context, no allocation */
void mptcp_sec_transcript_hash(const u8 *t, unsigned int t_len,
			       u8 th[MPTCP_SEC_HASH_LEN]);
int __must_check mptcp_sec_key_schedule(const u8 *secret,
					unsigned int secret_len,
					const u8 th[MPTCP_SEC_HASH_LEN],
					u8 suite, struct mptcp_sec_keys *keys);
int __must_check mptcp_sec_fc_verify(const struct mptcp_sec_keys *keys,
				     const u8 fc[MPTCP_SEC_FC_LEN]);
void mptcp_sec_keys_wipe(struct mptcp_sec_keys *keys);
void mptcp_sec_keys_free(struct mptcp_sec_keys *keys);

/* AEAD state */
void mptcp_sec_nonce(const u8 iv[MPTCP_SEC_NONCE_LEN], u64 seq,
		     u8 nonce[MPTCP_SEC_NONCE_LEN]);
int __must_check mptcp_sec_dir_aead_init(struct mptcp_sec_dir_aead *st,
					 const struct mptcp_sec_keys *keys,
					 enum mptcp_sec_dir dir);
void mptcp_sec_dir_aead_free(struct mptcp_sec_dir_aead *st);

/* data records */
int __must_check mptcp_sec_record_seal(const struct mptcp_sec_aead *data,
				       u64 dsn, struct scatterlist *sg,
				       unsigned int p, gfp_t gfp);
int __must_check mptcp_sec_record_open(const struct mptcp_sec_aead *data,
				       u64 dsn, struct scatterlist *sg,
				       unsigned int p, gfp_t gfp);

/* option tags */
int __must_check mptcp_sec_opt_aad(const struct mptcp_sec_opt_vals *v,
				   u8 *buf, unsigned int size);
int __must_check mptcp_sec_canon_add_addr(u8 *buf, unsigned int size,
					  u8 id, const u8 *addr,
					  unsigned int addr_len, u16 port);
int __must_check mptcp_sec_canon_remove_addr(u8 *buf, unsigned int size,
					     const u8 *ids,
					     unsigned int nr_ids);
int __must_check mptcp_sec_canon_mp_prio(u8 *buf, unsigned int size,
					 bool backup, u8 id);
int __must_check mptcp_sec_opt_tag(const struct mptcp_sec_aead *opt, u64 ctr,
				   const struct mptcp_sec_opt_vals *v,
				   u8 tag[MPTCP_SEC_TAG_LEN], gfp_t gfp);
int __must_check mptcp_sec_opt_verify(const struct mptcp_sec_aead *opt,
				      u64 ctr,
				      const struct mptcp_sec_opt_vals *v,
				      const u8 tag[MPTCP_SEC_TAG_LEN],
				      gfp_t gfp);

/* MP_JOIN, ADD_ADDR and MP_FASTCLOSE: any context */
int __must_check
mptcp_sec_join_synack_hmac(const struct mptcp_sec_keys *keys,
			   enum mptcp_sec_role responder, u32 r_r, u32 r_i,
			   u8 f_syn, u8 id_syn,
			   u8 out[MPTCP_SEC_JOIN_SYNACK_HMAC_LEN]);
int __must_check
mptcp_sec_join_ack_hmac(const struct mptcp_sec_keys *keys,
			enum mptcp_sec_role initiator, u32 r_i, u32 r_r,
			u8 f_synack, u8 id_synack,
			u8 out[MPTCP_SEC_JOIN_ACK_HMAC_LEN]);
int __must_check mptcp_sec_sfid(const struct mptcp_sec_keys *keys,
				u32 r_i, u32 r_r, u32 *sfid);
int __must_check
mptcp_sec_add_addr_hmac(const struct mptcp_sec_keys *keys,
			enum mptcp_sec_role sender, u8 id, const u8 *addr,
			unsigned int addr_len, u16 port,
			u8 out[MPTCP_SEC_ADD_ADDR_HMAC_LEN]);
int __must_check
mptcp_sec_fastclose_key(const struct mptcp_sec_keys *keys,
			enum mptcp_sec_role sender,
			u8 out[MPTCP_SEC_FASTCLOSE_LEN]);

#if IS_ENABLED(CONFIG_KUNIT)
int __must_check mptcp_sec_aead_crypt(const struct mptcp_sec_aead *a, u64 seq,
				      const u8 *aad, unsigned int aad_len,
				      struct scatterlist *sg, unsigned int len,
				      bool enc, gfp_t gfp);
int __must_check mptcp_sec_opt_tag_raw(const struct mptcp_sec_aead *opt,
				       u64 ctr, const u8 *aad,
				       unsigned int aad_len,
				       u8 tag[MPTCP_SEC_TAG_LEN], gfp_t gfp);
#endif

#endif /* __MPTCP_SEC_CRYPTO_H */

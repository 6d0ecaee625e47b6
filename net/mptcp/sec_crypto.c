// SPDX-License-Identifier: GPL-2.0
/*
 * MPTCPsec: key schedule, AEAD records, option tags and HMACs.
 *
 * Everything here is pure cryptography over values; the wire format and
 * the socket state live elsewhere.  See
 * Documentation/networking/mptcpsec.rst.
 *
 * Contexts: HKDF, the key schedule and the MP_JOIN, ADD_ADDR and
 * MP_FASTCLOSE HMACs run in any context (softirq, under a spinlock): they
 * use the SHA-256 library on the stack, allocate nothing and never sleep.
 * mptcp_sec_dir_aead_init() allocates transforms and must run in process
 * context.  Sealing, opening and option tags never sleep with a
 * non-sleeping @gfp: the AEAD transforms are synchronous (allocated with
 * CRYPTO_ALG_ASYNC in the mask), so every request completes before
 * crypto_aead_{en,de}crypt() returns.
 */

#define pr_fmt(fmt) "MPTCPsec: " fmt

#include <crypto/algapi.h>
#include <crypto/aead.h>
#include <crypto/sha2.h>
#include <kunit/visibility.h>
#include <linux/bitops.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/unaligned.h>

#include "sec_crypto.h"

/**
 * struct mptcp_sec_suite_info - what a suite byte stands for
 * @suite: suite byte, MPTCP_SEC_SUITE_*
 * @key_len: AEAD key length (Lk)
 * @aead: crypto API name of the AEAD
 * @name: short name, used in logs and test vectors
 */
struct mptcp_sec_suite_info {
	u8 suite;
	u8 key_len;
	const char *aead;
	const char *name;
};

static const struct mptcp_sec_suite_info mptcp_sec_suites[] = {
	{ MPTCP_SEC_SUITE_AES128GCM, 16, "gcm(aes)", "aes128gcm" },
	{ MPTCP_SEC_SUITE_AES256GCM, 32, "gcm(aes)", "aes256gcm" },
	{ MPTCP_SEC_SUITE_CHACHA20POLY1305, 32, "rfc7539(chacha20,poly1305)",
	  "chacha20poly1305" },
};

/* one bit per entry of mptcp_sec_suites[]: driver name already logged */
static unsigned long mptcp_sec_driver_logged;

static const struct mptcp_sec_suite_info *mptcp_sec_suite_lookup(u8 suite)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mptcp_sec_suites); i++)
		if (mptcp_sec_suites[i].suite == suite)
			return &mptcp_sec_suites[i];
	return NULL;
}

/**
 * mptcp_sec_suite_name() - short name of a suite
 * @suite: suite byte
 *
 * Return: "aes128gcm", "aes256gcm", "chacha20poly1305" or NULL if unknown.
 */
const char *mptcp_sec_suite_name(u8 suite)
{
	const struct mptcp_sec_suite_info *si = mptcp_sec_suite_lookup(suite);

	return si ? si->name : NULL;
}
EXPORT_SYMBOL_IF_KUNIT(mptcp_sec_suite_name);

/**
 * mptcp_sec_suite_key_len() - AEAD key length of a suite
 * @suite: suite byte
 *
 * Return: Lk in bytes, or 0 for a suite this host does not know.
 */
unsigned int mptcp_sec_suite_key_len(u8 suite)
{
	const struct mptcp_sec_suite_info *si = mptcp_sec_suite_lookup(suite);

	return si ? si->key_len : 0;
}
EXPORT_SYMBOL_IF_KUNIT(mptcp_sec_suite_key_len);

/* ---------------------------------------------------------------------
 * HMAC-SHA256 (RFC 2104) and HKDF-SHA256 (RFC 5869) on the SHA-256
 * library: no transform, no allocation, no lock, never sleeps.
 */

/**
 * struct mptcp_sec_hmac_ctx - one keyed HMAC-SHA256 computation
 * @inner: SHA-256 state after K XOR ipad, then the message
 * @outer: SHA-256 state after K XOR opad
 *
 * Secret (derived from the key): mptcp_sec_hmac_final() wipes it, any
 * other user wipes it with memzero_explicit().  Plain data, so a keyed
 * context may be copied to run several messages under one key.
 */
struct mptcp_sec_hmac_ctx {
	struct sha256_state inner;
	struct sha256_state outer;
};

static void mptcp_sec_hmac_init(struct mptcp_sec_hmac_ctx *ctx,
				const u8 *key, unsigned int key_len)
{
	u8 kh[SHA256_DIGEST_SIZE];
	u8 pad[SHA256_BLOCK_SIZE];
	unsigned int i;

	/* a key longer than a block is replaced by its hash */
	if (key_len > SHA256_BLOCK_SIZE) {
		sha256(key, key_len, kh);
		key = kh;
		key_len = sizeof(kh);
	}

	memset(pad, 0, sizeof(pad));
	if (key_len)
		memcpy(pad, key, key_len);

	for (i = 0; i < sizeof(pad); i++)
		pad[i] ^= 0x36;
	sha256_init(&ctx->inner);
	sha256_update(&ctx->inner, pad, sizeof(pad));

	for (i = 0; i < sizeof(pad); i++)
		pad[i] ^= 0x36 ^ 0x5c;
	sha256_init(&ctx->outer);
	sha256_update(&ctx->outer, pad, sizeof(pad));

	memzero_explicit(pad, sizeof(pad));
	memzero_explicit(kh, sizeof(kh));
}

static void mptcp_sec_hmac_update(struct mptcp_sec_hmac_ctx *ctx,
				  const u8 *data, unsigned int len)
{
	if (len)
		sha256_update(&ctx->inner, data, len);
}

/* out = H(K XOR opad || H(K XOR ipad || message)); wipes @ctx */
static void mptcp_sec_hmac_final(struct mptcp_sec_hmac_ctx *ctx,
				 u8 out[MPTCP_SEC_HASH_LEN])
{
	u8 ih[SHA256_DIGEST_SIZE];

	sha256_final(&ctx->inner, ih);
	sha256_update(&ctx->outer, ih, sizeof(ih));
	sha256_final(&ctx->outer, out);

	memzero_explicit(ih, sizeof(ih));
	memzero_explicit(ctx, sizeof(*ctx));
}

/* out = HMAC-SHA256(key, data) */
static void mptcp_sec_hmac(const u8 *key, unsigned int key_len,
			   const u8 *data, unsigned int len,
			   u8 out[MPTCP_SEC_HASH_LEN])
{
	struct mptcp_sec_hmac_ctx ctx;

	mptcp_sec_hmac_init(&ctx, key, key_len);
	mptcp_sec_hmac_update(&ctx, data, len);
	mptcp_sec_hmac_final(&ctx, out);
}

/**
 * mptcp_sec_hkdf_extract() - HKDF-Extract with SHA-256 (RFC 5869 2.2)
 * @salt: salt, may be NULL if @salt_len is 0 (HashLen zeros are used)
 * @salt_len: length of @salt
 * @ikm: input keying material
 * @ikm_len: length of @ikm
 * @prk: output, the pseudorandom key; secret
 *
 * Any context: no allocation, never sleeps.
 *
 * Return: 0.
 */
int mptcp_sec_hkdf_extract(const u8 *salt, unsigned int salt_len,
			   const u8 *ikm, unsigned int ikm_len,
			   u8 prk[MPTCP_SEC_HASH_LEN])
{
	static const u8 zero_salt[MPTCP_SEC_HASH_LEN];

	if (!salt_len) {
		salt = zero_salt;
		salt_len = sizeof(zero_salt);
	}

	mptcp_sec_hmac(salt, salt_len, ikm, ikm_len, prk);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mptcp_sec_hkdf_extract);

/* HKDF-Expand (RFC 5869 2.3) with info = prefix || info; @prk_ctx is an
 * HMAC context keyed with the PRK, copied for every block.
 */
static int mptcp_sec_hkdf_expand_keyed(const struct mptcp_sec_hmac_ctx *prk_ctx,
				       const u8 *prefix,
				       unsigned int prefix_len,
				       const u8 *info, unsigned int info_len,
				       u8 *okm, unsigned int okm_len)
{
	struct mptcp_sec_hmac_ctx ctx;
	u8 t[MPTCP_SEC_HASH_LEN];
	unsigned int i, n;
	u8 counter = 1;

	if (okm_len > 255 * MPTCP_SEC_HASH_LEN)
		return -EINVAL;

	for (i = 0; i < okm_len; i += n, counter++) {
		ctx = *prk_ctx;
		/* T(counter - 1), empty for the first block */
		if (i)
			mptcp_sec_hmac_update(&ctx, t, sizeof(t));
		mptcp_sec_hmac_update(&ctx, prefix, prefix_len);
		mptcp_sec_hmac_update(&ctx, info, info_len);
		mptcp_sec_hmac_update(&ctx, &counter, sizeof(counter));
		mptcp_sec_hmac_final(&ctx, t);

		n = min_t(unsigned int, okm_len - i, sizeof(t));
		memcpy(okm + i, t, n);
	}

	memzero_explicit(t, sizeof(t));
	memzero_explicit(&ctx, sizeof(ctx));
	return 0;
}

/**
 * mptcp_sec_hkdf_expand() - HKDF-Expand with SHA-256 (RFC 5869 2.3)
 * @prk: pseudorandom key
 * @info: context, may be NULL if @info_len is 0
 * @info_len: length of @info
 * @okm: output keying material
 * @okm_len: length of @okm, at most 255 * 32
 *
 * Any context: no allocation, never sleeps.
 *
 * Return: 0, or -EINVAL if @okm_len is too large.
 */
int mptcp_sec_hkdf_expand(const u8 prk[MPTCP_SEC_HASH_LEN],
			  const u8 *info, unsigned int info_len,
			  u8 *okm, unsigned int okm_len)
{
	struct mptcp_sec_hmac_ctx prk_ctx;
	int err;

	mptcp_sec_hmac_init(&prk_ctx, prk, MPTCP_SEC_HASH_LEN);
	err = mptcp_sec_hkdf_expand_keyed(&prk_ctx, NULL, 0, info, info_len,
					  okm, okm_len);
	memzero_explicit(&prk_ctx, sizeof(prk_ctx));
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(mptcp_sec_hkdf_expand);

/* ---------------------------------------------------------------------
 * Key schedule
 */

/* length 0 in the label table: the key length of the suite */
#define MPTCP_SEC_LEN_LK	0

/**
 * struct mptcp_sec_label - one output of the key schedule
 * @label: ASCII label, expanded with info "mptcpsec2 " || label
 * @len: output length, or MPTCP_SEC_LEN_LK
 * @off: where the output goes in struct mptcp_sec_keys
 */
struct mptcp_sec_label {
	const char *label;
	u8 len;
	u16 off;
};

#define MPTCP_SEC_KEY_OFF(field)	offsetof(struct mptcp_sec_keys, field)

static const struct mptcp_sec_label mptcp_sec_labels[] = {
	{ MPTCP_SEC_LABEL_C2S_DATA_KEY, MPTCP_SEC_LEN_LK,
	  MPTCP_SEC_KEY_OFF(dir[MPTCP_SEC_C2S].data_key) },
	{ MPTCP_SEC_LABEL_C2S_DATA_IV, MPTCP_SEC_NONCE_LEN,
	  MPTCP_SEC_KEY_OFF(dir[MPTCP_SEC_C2S].data_iv) },
	{ MPTCP_SEC_LABEL_S2C_DATA_KEY, MPTCP_SEC_LEN_LK,
	  MPTCP_SEC_KEY_OFF(dir[MPTCP_SEC_S2C].data_key) },
	{ MPTCP_SEC_LABEL_S2C_DATA_IV, MPTCP_SEC_NONCE_LEN,
	  MPTCP_SEC_KEY_OFF(dir[MPTCP_SEC_S2C].data_iv) },
	{ MPTCP_SEC_LABEL_C2S_OPT_KEY, MPTCP_SEC_LEN_LK,
	  MPTCP_SEC_KEY_OFF(dir[MPTCP_SEC_C2S].opt_key) },
	{ MPTCP_SEC_LABEL_C2S_OPT_IV, MPTCP_SEC_NONCE_LEN,
	  MPTCP_SEC_KEY_OFF(dir[MPTCP_SEC_C2S].opt_iv) },
	{ MPTCP_SEC_LABEL_S2C_OPT_KEY, MPTCP_SEC_LEN_LK,
	  MPTCP_SEC_KEY_OFF(dir[MPTCP_SEC_S2C].opt_key) },
	{ MPTCP_SEC_LABEL_S2C_OPT_IV, MPTCP_SEC_NONCE_LEN,
	  MPTCP_SEC_KEY_OFF(dir[MPTCP_SEC_S2C].opt_iv) },
	{ MPTCP_SEC_LABEL_C_JOIN_KEY, MPTCP_SEC_HMAC_KEY_LEN,
	  MPTCP_SEC_KEY_OFF(join_key[MPTCP_SEC_CLIENT]) },
	{ MPTCP_SEC_LABEL_S_JOIN_KEY, MPTCP_SEC_HMAC_KEY_LEN,
	  MPTCP_SEC_KEY_OFF(join_key[MPTCP_SEC_SERVER]) },
	{ MPTCP_SEC_LABEL_C_ADDR_KEY, MPTCP_SEC_HMAC_KEY_LEN,
	  MPTCP_SEC_KEY_OFF(addr_key[MPTCP_SEC_CLIENT]) },
	{ MPTCP_SEC_LABEL_S_ADDR_KEY, MPTCP_SEC_HMAC_KEY_LEN,
	  MPTCP_SEC_KEY_OFF(addr_key[MPTCP_SEC_SERVER]) },
	{ MPTCP_SEC_LABEL_C_FASTCLOSE_KEY, MPTCP_SEC_HMAC_KEY_LEN,
	  MPTCP_SEC_KEY_OFF(fastclose_key[MPTCP_SEC_CLIENT]) },
	{ MPTCP_SEC_LABEL_S_FASTCLOSE_KEY, MPTCP_SEC_HMAC_KEY_LEN,
	  MPTCP_SEC_KEY_OFF(fastclose_key[MPTCP_SEC_SERVER]) },
	{ MPTCP_SEC_LABEL_C_FINISHED_KEY, MPTCP_SEC_HMAC_KEY_LEN,
	  MPTCP_SEC_KEY_OFF(c_finished_key) },
	/* session_id[0] is the suite byte */
	{ MPTCP_SEC_LABEL_SESSION_ID, MPTCP_SEC_SESSION_ID_LEN - 1,
	  MPTCP_SEC_KEY_OFF(session_id[1]) },
	{ MPTCP_SEC_LABEL_KEYS, MPTCP_SEC_KEYS_LEN,
	  MPTCP_SEC_KEY_OFF(keys_raw) },
};

/* token and IDSN of a 64-bit MPTCP key, as RFC 8684 and upstream's
 * mptcp_crypto_key_sha(): d = SHA-256(u64 key), token = u32 d[0:4],
 * idsn = u64 d[24:32]
 */
static void mptcp_sec_key_sha(u64 key, u32 *token, u64 *idsn)
{
	u8 digest[SHA256_DIGEST_SIZE];
	u8 be_key[sizeof(u64)];

	put_unaligned_be64(key, be_key);
	sha256(be_key, sizeof(be_key), digest);
	*token = get_unaligned_be32(&digest[0]);
	*idsn = get_unaligned_be64(&digest[24]);

	memzero_explicit(be_key, sizeof(be_key));
	memzero_explicit(digest, sizeof(digest));
}

/**
 * mptcp_sec_transcript_hash() - th = SHA-256(T)
 * @t: the transcript, MPC(SYN) || MP_SEC(SYN) || MPC(SYN/ACK) ||
 *     MP_SEC(SYN/ACK), each option as sent
 * @t_len: length of @t
 * @th: output
 */
void mptcp_sec_transcript_hash(const u8 *t, unsigned int t_len,
			       u8 th[MPTCP_SEC_HASH_LEN])
{
	sha256(t, t_len, th);
}
EXPORT_SYMBOL_IF_KUNIT(mptcp_sec_transcript_hash);

/**
 * mptcp_sec_key_schedule() - derive every key of a connection
 * @secret: the secret S (for now the PSK)
 * @secret_len: length of @secret, MPTCP_SEC_PSK_MIN_LEN to _MAX_LEN
 * @th: the transcript hash
 * @suite: the selected suite
 * @keys: output; wiped on error
 *
 * PRK = HKDF-Extract(salt = th, IKM = S), then every label of the spec's
 * table, the session ID, the two 64-bit MPTCP keys with their tokens and
 * IDSNs, and Fc.
 *
 * Any context (softirq, under a spinlock): no allocation, never sleeps.
 *
 * Return: 0, or -EINVAL for an unknown suite or a bad secret length.
 */
int mptcp_sec_key_schedule(const u8 *secret, unsigned int secret_len,
			   const u8 th[MPTCP_SEC_HASH_LEN], u8 suite,
			   struct mptcp_sec_keys *keys)
{
	u8 prk[MPTCP_SEC_HASH_LEN], mac[MPTCP_SEC_HASH_LEN];
	struct mptcp_sec_hmac_ctx prk_ctx;
	const struct mptcp_sec_label *l;
	unsigned int lk, i;
	int err;

	BUILD_BUG_ON(sizeof(keys->fc) > sizeof(mac));
	BUILD_BUG_ON(sizeof(struct mptcp_sec_keys) > U16_MAX);

	lk = mptcp_sec_suite_key_len(suite);
	if (!lk || secret_len < MPTCP_SEC_PSK_MIN_LEN ||
	    secret_len > MPTCP_SEC_PSK_MAX_LEN)
		return -EINVAL;

	memset(keys, 0, sizeof(*keys));
	keys->suite = suite;
	keys->key_len = lk;
	memcpy(keys->th, th, sizeof(keys->th));

	err = mptcp_sec_hkdf_extract(th, MPTCP_SEC_HASH_LEN, secret,
				     secret_len, prk);
	if (err)
		goto out;
	mptcp_sec_hmac_init(&prk_ctx, prk, sizeof(prk));

	for (i = 0; i < ARRAY_SIZE(mptcp_sec_labels); i++) {
		l = &mptcp_sec_labels[i];
		err = mptcp_sec_hkdf_expand_keyed(&prk_ctx,
						  MPTCP_SEC_LABEL_PREFIX,
						  strlen(MPTCP_SEC_LABEL_PREFIX),
						  l->label, strlen(l->label),
						  (u8 *)keys + l->off,
						  l->len ?: lk);
		if (err)
			goto out;
	}

	keys->session_id[0] = suite;
	keys->key_c = get_unaligned_be64(&keys->keys_raw[0]);
	keys->key_s = get_unaligned_be64(&keys->keys_raw[8]);
	mptcp_sec_key_sha(keys->key_c, &keys->token_c, &keys->idsn_c);
	mptcp_sec_key_sha(keys->key_s, &keys->token_s, &keys->idsn_s);

	/* Fc = HMAC-SHA256(c finished key, th)[:16] */
	mptcp_sec_hmac(keys->c_finished_key, sizeof(keys->c_finished_key),
		       th, MPTCP_SEC_HASH_LEN, mac);
	memcpy(keys->fc, mac, sizeof(keys->fc));

out:
	memzero_explicit(&prk_ctx, sizeof(prk_ctx));
	memzero_explicit(prk, sizeof(prk));
	memzero_explicit(mac, sizeof(mac));
	if (err)
		mptcp_sec_keys_wipe(keys);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(mptcp_sec_key_schedule);

/**
 * mptcp_sec_fc_verify() - check the client's Finished value
 * @keys: keys derived by the server
 * @fc: Fc received in the third ACK
 *
 * Return: 0 if @fc is right, -EBADMSG otherwise.
 */
int mptcp_sec_fc_verify(const struct mptcp_sec_keys *keys,
			const u8 fc[MPTCP_SEC_FC_LEN])
{
	return crypto_memneq(keys->fc, fc, MPTCP_SEC_FC_LEN) ? -EBADMSG : 0;
}
EXPORT_SYMBOL_IF_KUNIT(mptcp_sec_fc_verify);

/**
 * mptcp_sec_keys_wipe() - erase every key of @keys
 * @keys: keys, may be NULL
 */
void mptcp_sec_keys_wipe(struct mptcp_sec_keys *keys)
{
	if (keys)
		memzero_explicit(keys, sizeof(*keys));
}
EXPORT_SYMBOL_IF_KUNIT(mptcp_sec_keys_wipe);

/**
 * mptcp_sec_keys_free() - erase and free keys allocated with kmalloc()
 * @keys: keys, may be NULL
 */
void mptcp_sec_keys_free(struct mptcp_sec_keys *keys)
{
	kfree_sensitive(keys);
}
EXPORT_SYMBOL_IF_KUNIT(mptcp_sec_keys_free);

/* ---------------------------------------------------------------------
 * AEAD state
 */

/**
 * mptcp_sec_nonce() - nonce = iv XOR (0^32 || u64 seq)
 * @iv: nonce base (data iv or opt iv)
 * @seq: DSN for data records, option counter for option tags
 * @nonce: output
 */
void mptcp_sec_nonce(const u8 iv[MPTCP_SEC_NONCE_LEN], u64 seq,
		     u8 nonce[MPTCP_SEC_NONCE_LEN])
{
	u8 be_seq[sizeof(u64)];
	unsigned int i;

	put_unaligned_be64(seq, be_seq);
	memcpy(nonce, iv, MPTCP_SEC_NONCE_LEN - sizeof(be_seq));
	for (i = 0; i < sizeof(be_seq); i++)
		nonce[MPTCP_SEC_NONCE_LEN - sizeof(be_seq) + i] =
			iv[MPTCP_SEC_NONCE_LEN - sizeof(be_seq) + i] ^
			be_seq[i];
}
EXPORT_SYMBOL_IF_KUNIT(mptcp_sec_nonce);

static void mptcp_sec_aead_free(struct mptcp_sec_aead *a)
{
	if (a->tfm)
		crypto_free_aead(a->tfm);
	a->tfm = NULL;
	memzero_explicit(a->iv, sizeof(a->iv));
}

static int mptcp_sec_aead_init(struct mptcp_sec_aead *a,
			       const struct mptcp_sec_suite_info *si,
			       const u8 *key, const u8 *iv)
{
	struct crypto_aead *tfm;
	int err;

	tfm = crypto_alloc_aead(si->aead, 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);

	if (WARN_ON_ONCE(crypto_aead_ivsize(tfm) != MPTCP_SEC_NONCE_LEN)) {
		err = -EINVAL;
		goto err_free;
	}
	err = crypto_aead_setkey(tfm, key, si->key_len);
	if (err)
		goto err_free;
	err = crypto_aead_setauthsize(tfm, MPTCP_SEC_TAG_LEN);
	if (err)
		goto err_free;

	if (!test_and_set_bit(si - mptcp_sec_suites, &mptcp_sec_driver_logged))
		pr_info("suite %s (%s) uses driver %s\n", si->name, si->aead,
			crypto_aead_driver_name(tfm));

	a->tfm = tfm;
	memcpy(a->iv, iv, sizeof(a->iv));
	return 0;

err_free:
	crypto_free_aead(tfm);
	return err;
}

/**
 * mptcp_sec_dir_aead_init() - key the AEADs of one direction
 * @st: output, zeroed first
 * @keys: keys of the connection
 * @dir: the direction, the same on both hosts (c2s is the client's TX
 *	 and the server's RX)
 *
 * Process context: allocates synchronous transforms.
 *
 * Return: 0 or a negative errno; on error @st holds nothing to free.
 */
int mptcp_sec_dir_aead_init(struct mptcp_sec_dir_aead *st,
			    const struct mptcp_sec_keys *keys,
			    enum mptcp_sec_dir dir)
{
	const struct mptcp_sec_suite_info *si;
	const struct mptcp_sec_dir_keys *dk;
	int err;

	memset(st, 0, sizeof(*st));
	si = mptcp_sec_suite_lookup(keys->suite);
	if (!si || dir >= MPTCP_SEC_NR_DIRS)
		return -EINVAL;
	dk = &keys->dir[dir];

	err = mptcp_sec_aead_init(&st->data, si, dk->data_key, dk->data_iv);
	if (err)
		return err;
	err = mptcp_sec_aead_init(&st->opt, si, dk->opt_key, dk->opt_iv);
	if (err)
		goto err_data;
	return 0;

err_data:
	mptcp_sec_aead_free(&st->data);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(mptcp_sec_dir_aead_init);

/**
 * mptcp_sec_dir_aead_free() - free the transforms and wipe the nonce bases
 * @st: state from mptcp_sec_dir_aead_init(), or zeroed
 */
void mptcp_sec_dir_aead_free(struct mptcp_sec_dir_aead *st)
{
	mptcp_sec_aead_free(&st->data);
	mptcp_sec_aead_free(&st->opt);
}
EXPORT_SYMBOL_IF_KUNIT(mptcp_sec_dir_aead_free);

/**
 * struct mptcp_sec_req - one AEAD request and what it points to
 * @sg: AAD entry chained to the caller's data, or AAD || tag
 * @nonce: the request's nonce
 * @buf: AAD, followed by the tag for an option tag
 * @req: the request, followed by the transform's request context
 */
struct mptcp_sec_req {
	struct scatterlist sg[2];
	u8 nonce[MPTCP_SEC_NONCE_LEN];
	u8 buf[MPTCP_SEC_OPT_AAD_MAX + MPTCP_SEC_TAG_LEN];
	struct aead_request req;
};

static struct mptcp_sec_req *mptcp_sec_req_alloc(const struct mptcp_sec_aead *a,
						 u64 seq, const u8 *aad,
						 unsigned int aad_len,
						 gfp_t gfp)
{
	struct mptcp_sec_req *r;

	r = kmalloc(sizeof(*r) + crypto_aead_reqsize(a->tfm), gfp);
	if (!r)
		return NULL;

	mptcp_sec_nonce(a->iv, seq, r->nonce);
	memcpy(r->buf, aad, aad_len);
	aead_request_set_tfm(&r->req, a->tfm);
	/* synchronous transform: no callback, no backlog */
	aead_request_set_callback(&r->req, 0, NULL, NULL);
	aead_request_set_ad(&r->req, aad_len);
	return r;
}

/**
 * mptcp_sec_aead_crypt() - seal or open in place with a raw AAD
 * @a: keyed AEAD
 * @seq: nonce sequence (DSN or option counter)
 * @aad: additional data
 * @aad_len: length of @aad, at most MPTCP_SEC_OPT_AAD_MAX
 * @sg: plaintext followed by room for the tag (seal) or ciphertext
 *	followed by the tag (open)
 * @len: length of the plaintext (seal) or of ciphertext and tag (open)
 * @enc: seal if true, open otherwise
 * @gfp: allocation flags of the request
 *
 * Return: 0, -EBADMSG if the tag does not verify, or another negative
 * errno.
 */
VISIBLE_IF_KUNIT int mptcp_sec_aead_crypt(const struct mptcp_sec_aead *a,
					  u64 seq, const u8 *aad,
					  unsigned int aad_len,
					  struct scatterlist *sg,
					  unsigned int len, bool enc, gfp_t gfp)
{
	struct mptcp_sec_req *r;
	int err;

	if (aad_len > MPTCP_SEC_OPT_AAD_MAX)
		return -EINVAL;
	if (!enc && len < MPTCP_SEC_TAG_LEN)
		return -EBADMSG;

	r = mptcp_sec_req_alloc(a, seq, aad, aad_len, gfp);
	if (!r)
		return -ENOMEM;

	sg_init_table(r->sg, ARRAY_SIZE(r->sg));
	sg_set_buf(&r->sg[0], r->buf, aad_len);
	sg_chain(r->sg, ARRAY_SIZE(r->sg), sg);
	aead_request_set_crypt(&r->req, r->sg, r->sg, len, r->nonce);

	err = enc ? crypto_aead_encrypt(&r->req) :
		    crypto_aead_decrypt(&r->req);

	/* the request context holds hash state derived from the key */
	kfree_sensitive(r);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(mptcp_sec_aead_crypt);

static void mptcp_sec_data_aad(u64 dsn, unsigned int p,
			       u8 aad[MPTCP_SEC_DATA_AAD_LEN])
{
	put_unaligned_be64(dsn, &aad[0]);
	put_unaligned_be16(p, &aad[8]);
}

/**
 * mptcp_sec_record_seal() - C || Tdata = AEAD-Seal(data key, nonce_d,
 *			     u64 dsn || u16 p, P), in place
 * @data: the sender's data AEAD
 * @dsn: DSN of the record's first byte
 * @sg: P (@p bytes) followed by 16 bytes for Tdata
 * @p: plaintext length, 1 to MPTCP_SEC_MAX_PLAINTEXT
 * @gfp: allocation flags
 *
 * A record is sealed once: retransmissions and reinjections resend it.
 *
 * Return: 0 or a negative errno.
 */
int mptcp_sec_record_seal(const struct mptcp_sec_aead *data, u64 dsn,
			  struct scatterlist *sg, unsigned int p, gfp_t gfp)
{
	u8 aad[MPTCP_SEC_DATA_AAD_LEN];

	if (!p || p > MPTCP_SEC_MAX_PLAINTEXT)
		return -EINVAL;

	mptcp_sec_data_aad(dsn, p, aad);
	return mptcp_sec_aead_crypt(data, dsn, aad, sizeof(aad), sg, p, true,
				    gfp);
}
EXPORT_SYMBOL_IF_KUNIT(mptcp_sec_record_seal);

/**
 * mptcp_sec_record_open() - decrypt C and check Tdata, in place
 * @data: the receiver's data AEAD for the peer's direction
 * @dsn: DSN of the record's first byte
 * @sg: C (@p bytes) followed by Tdata
 * @p: plaintext length, 1 to MPTCP_SEC_MAX_PLAINTEXT
 * @gfp: allocation flags (GFP_ATOMIC in softirq)
 *
 * On failure the content of @sg is undefined and must be dropped.
 *
 * Return: 0, -EBADMSG if Tdata does not verify, or another negative errno.
 */
int mptcp_sec_record_open(const struct mptcp_sec_aead *data, u64 dsn,
			  struct scatterlist *sg, unsigned int p, gfp_t gfp)
{
	u8 aad[MPTCP_SEC_DATA_AAD_LEN];

	if (!p || p > MPTCP_SEC_MAX_PLAINTEXT)
		return -EINVAL;

	mptcp_sec_data_aad(dsn, p, aad);
	return mptcp_sec_aead_crypt(data, dsn, aad, sizeof(aad), sg,
				    p + MPTCP_SEC_TAG_LEN, false, gfp);
}
EXPORT_SYMBOL_IF_KUNIT(mptcp_sec_record_open);

/* ---------------------------------------------------------------------
 * Option tags
 */

/* RFC 8684 subtypes of the other options, and the length of their value */
static bool mptcp_sec_canon_vlen_valid(u8 subtype, const u8 *val, u8 vlen)
{
	switch (subtype) {
	case MPTCP_SEC_CANON_ADD_ADDR:
		/* id, 4 or 6 (| MPTCP_SEC_CANON_ECHO), address, port */
		return (vlen == 1 + 1 + 4 + 2 &&
			(val[1] & ~MPTCP_SEC_CANON_ECHO) == 4) ||
		       (vlen == 1 + 1 + 16 + 2 &&
			(val[1] & ~MPTCP_SEC_CANON_ECHO) == 6);
	case MPTCP_SEC_CANON_REMOVE_ADDR:
		return vlen >= 1;
	case MPTCP_SEC_CANON_MP_PRIO:
		return vlen == 2 && val[0] <= 1;
	}
	return false;
}

/* at most one of each known subtype, in increasing subtype order, and
 * every value of the length its subtype has
 */
static bool __must_check mptcp_sec_canon_other_valid(const u8 *other,
						     unsigned int len)
{
	unsigned int off = 0;
	int last = -1;

	while (off < len) {
		if (len - off < 2 || other[off] <= last ||
		    len - off - 2 < other[off + 1] ||
		    !mptcp_sec_canon_vlen_valid(other[off], &other[off + 2],
						other[off + 1]))
			return false;
		last = other[off];
		off += 2 + other[off + 1];
	}
	return true;
}

/**
 * mptcp_sec_opt_aad() - build the canonical options A
 * @v: option values
 * @buf: output
 * @size: size of @buf
 *
 * Return: the length of A, or -EINVAL if @v is inconsistent (unknown
 * type, Tdata on a control record or missing on a data record, unknown
 * flags, a value that must be 0 when absent is not, other options too
 * long, malformed, repeated or out of subtype order) or @buf too small.
 */
int mptcp_sec_opt_aad(const struct mptcp_sec_opt_vals *v, u8 *buf,
		      unsigned int size)
{
	unsigned int len;
	u8 *p = buf;

	BUILD_BUG_ON(MPTCP_SEC_OPT_AAD_FIXED_LEN !=
		     1 + 4 + 4 + 1 + 8 + 8 + 2 + 2);

	if (v->type != MPTCP_SEC_REC_DATA && v->type != MPTCP_SEC_REC_CONTROL)
		return -EINVAL;
	if (v->type == MPTCP_SEC_REC_DATA ? !v->tdata : !!v->tdata)
		return -EINVAL;
	if (v->flags & ~MPTCP_SEC_DSS_FLAGS_MASK)
		return -EINVAL;
	if (!(v->flags & MPTCP_SEC_DSS_DATA_ACK) && v->data_ack)
		return -EINVAL;
	if (!(v->flags & MPTCP_SEC_DSS_MAPPING) && (v->dsn || v->data_len))
		return -EINVAL;
	if (v->other_len > MPTCP_SEC_OPT_OTHER_MAX ||
	    (v->other_len && !v->other) ||
	    !mptcp_sec_canon_other_valid(v->other, v->other_len))
		return -EINVAL;

	len = MPTCP_SEC_OPT_AAD_FIXED_LEN + v->other_len +
	      (v->tdata ? MPTCP_SEC_TAG_LEN : 0);
	if (len > size)
		return -EINVAL;

	*p++ = v->type;
	put_unaligned_be32(v->sfid, p);
	p += 4;
	put_unaligned_be32(v->ssn, p);
	p += 4;
	*p++ = v->flags;
	put_unaligned_be64(v->data_ack, p);
	p += 8;
	put_unaligned_be64(v->dsn, p);
	p += 8;
	put_unaligned_be16(v->data_len, p);
	p += 2;
	put_unaligned_be16(v->other_len, p);
	p += 2;
	if (v->other_len) {
		memcpy(p, v->other, v->other_len);
		p += v->other_len;
	}
	if (v->tdata) {
		memcpy(p, v->tdata, MPTCP_SEC_TAG_LEN);
		p += MPTCP_SEC_TAG_LEN;
	}
	return p - buf;
}
EXPORT_SYMBOL_IF_KUNIT(mptcp_sec_opt_aad);

/**
 * mptcp_sec_canon_add_addr() - canonical ADD_ADDR
 * @buf: output
 * @size: size of @buf
 * @id: address ID
 * @addr: the address in network byte order
 * @addr_len: 4 (IPv4) or 16 (IPv6)
 * @port: port, 0 if none
 *
 * u8 3 || u8 vlen || u8 id || u8 4 or 6 || address || u16 port
 *
 * Return: bytes written or -EINVAL.
 */
int mptcp_sec_canon_add_addr(u8 *buf, unsigned int size, u8 id,
			     const u8 *addr, unsigned int addr_len, u16 port)
{
	unsigned int vlen = 1 + 1 + addr_len + 2;

	if ((addr_len != 4 && addr_len != 16) || size < 2 + vlen)
		return -EINVAL;

	buf[0] = MPTCP_SEC_CANON_ADD_ADDR;
	buf[1] = vlen;
	buf[2] = id;
	buf[3] = addr_len == 4 ? 4 : 6;
	memcpy(&buf[4], addr, addr_len);
	put_unaligned_be16(port, &buf[4 + addr_len]);
	return 2 + vlen;
}
EXPORT_SYMBOL_IF_KUNIT(mptcp_sec_canon_add_addr);

/**
 * mptcp_sec_canon_remove_addr() - canonical REMOVE_ADDR
 * @buf: output
 * @size: size of @buf
 * @ids: the address IDs in option order
 * @nr_ids: number of IDs, at least 1
 *
 * Return: bytes written or -EINVAL.
 */
int mptcp_sec_canon_remove_addr(u8 *buf, unsigned int size, const u8 *ids,
				unsigned int nr_ids)
{
	if (!nr_ids || nr_ids > U8_MAX || size < 2 + nr_ids)
		return -EINVAL;

	buf[0] = MPTCP_SEC_CANON_REMOVE_ADDR;
	buf[1] = nr_ids;
	memcpy(&buf[2], ids, nr_ids);
	return 2 + nr_ids;
}
EXPORT_SYMBOL_IF_KUNIT(mptcp_sec_canon_remove_addr);

/**
 * mptcp_sec_canon_mp_prio() - canonical MP_PRIO
 * @buf: output
 * @size: size of @buf
 * @backup: the B flag
 * @id: address ID
 *
 * Return: bytes written or -EINVAL.
 */
int mptcp_sec_canon_mp_prio(u8 *buf, unsigned int size, bool backup, u8 id)
{
	if (size < 4)
		return -EINVAL;

	buf[0] = MPTCP_SEC_CANON_MP_PRIO;
	buf[1] = 2;
	buf[2] = backup;
	buf[3] = id;
	return 4;
}
EXPORT_SYMBOL_IF_KUNIT(mptcp_sec_canon_mp_prio);

/**
 * mptcp_sec_opt_tag_raw() - Topt = AEAD-Seal(opt key, nonce_o, A, "")
 * @opt: the sender's option AEAD
 * @ctr: the option counter
 * @aad: A
 * @aad_len: length of @aad, at most MPTCP_SEC_OPT_AAD_MAX
 * @tag: output
 * @gfp: allocation flags
 *
 * Return: 0 or a negative errno.
 */
VISIBLE_IF_KUNIT int mptcp_sec_opt_tag_raw(const struct mptcp_sec_aead *opt,
					   u64 ctr, const u8 *aad,
					   unsigned int aad_len,
					   u8 tag[MPTCP_SEC_TAG_LEN], gfp_t gfp)
{
	struct mptcp_sec_req *r;
	int err;

	if (aad_len > MPTCP_SEC_OPT_AAD_MAX)
		return -EINVAL;

	r = mptcp_sec_req_alloc(opt, ctr, aad, aad_len, gfp);
	if (!r)
		return -ENOMEM;

	/* empty plaintext: the tag follows the AAD in place */
	sg_init_one(r->sg, r->buf, aad_len + MPTCP_SEC_TAG_LEN);
	aead_request_set_crypt(&r->req, r->sg, r->sg, 0, r->nonce);
	err = crypto_aead_encrypt(&r->req);
	if (!err)
		memcpy(tag, r->buf + aad_len, MPTCP_SEC_TAG_LEN);

	kfree_sensitive(r);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(mptcp_sec_opt_tag_raw);

/**
 * mptcp_sec_opt_tag() - compute Topt from option values
 * @opt: the sender's option AEAD
 * @ctr: the option counter; the caller increments it for every tag
 * @v: option values
 * @tag: output
 * @gfp: allocation flags
 *
 * Return: 0 or a negative errno.
 */
int mptcp_sec_opt_tag(const struct mptcp_sec_aead *opt, u64 ctr,
		      const struct mptcp_sec_opt_vals *v,
		      u8 tag[MPTCP_SEC_TAG_LEN], gfp_t gfp)
{
	u8 aad[MPTCP_SEC_OPT_AAD_MAX];
	int len;

	len = mptcp_sec_opt_aad(v, aad, sizeof(aad));
	if (len < 0)
		return len;

	return mptcp_sec_opt_tag_raw(opt, ctr, aad, len, tag, gfp);
}
EXPORT_SYMBOL_IF_KUNIT(mptcp_sec_opt_tag);

/**
 * mptcp_sec_opt_verify() - check a received Topt
 * @opt: the receiver's option AEAD for the peer's direction
 * @ctr: the received option counter
 * @v: received option values
 * @tag: the received Topt
 * @gfp: allocation flags (GFP_ATOMIC in softirq)
 *
 * Return: 0, -EBADMSG if @tag does not verify, or another negative errno.
 */
int mptcp_sec_opt_verify(const struct mptcp_sec_aead *opt, u64 ctr,
			 const struct mptcp_sec_opt_vals *v,
			 const u8 tag[MPTCP_SEC_TAG_LEN], gfp_t gfp)
{
	u8 expected[MPTCP_SEC_TAG_LEN];
	int err;

	err = mptcp_sec_opt_tag(opt, ctr, v, expected, gfp);
	if (!err && crypto_memneq(expected, tag, MPTCP_SEC_TAG_LEN))
		err = -EBADMSG;

	memzero_explicit(expected, sizeof(expected));
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(mptcp_sec_opt_verify);

/* ---------------------------------------------------------------------
 * MP_JOIN, ADD_ADDR and MP_FASTCLOSE
 */

static void mptcp_sec_join_msg(u8 msg[10], u32 a, u32 b, u8 f, u8 id)
{
	put_unaligned_be32(a, &msg[0]);
	put_unaligned_be32(b, &msg[4]);
	msg[8] = f;
	msg[9] = id;
}

/* The MP_JOIN HMAC sent by @sender, truncated to @out_len bytes:
 * HMAC-SHA256(join key(sender), u32 own || u32 peer || u8 f || u8 id).
 */
static int mptcp_sec_join_hmac(const struct mptcp_sec_keys *keys,
			       enum mptcp_sec_role sender, u32 own, u32 peer,
			       u8 f, u8 id, u8 *out, unsigned int out_len)
{
	u8 mac[MPTCP_SEC_HASH_LEN];
	u8 msg[10];

	if (sender >= MPTCP_SEC_NR_ROLES)
		return -EINVAL;

	mptcp_sec_join_msg(msg, own, peer, f, id);
	mptcp_sec_hmac(keys->join_key[sender], MPTCP_SEC_HMAC_KEY_LEN, msg,
		       sizeof(msg), mac);
	memcpy(out, mac, out_len);

	memzero_explicit(mac, sizeof(mac));
	return 0;
}

/**
 * mptcp_sec_join_synack_hmac() - HMAC of the MP_JOIN SYN/ACK
 * @keys: keys of the connection
 * @responder: role of the subflow's responder (sender of the SYN/ACK)
 * @r_r: the responder's nonce
 * @r_i: the initiator's nonce
 * @f_syn: low nibble of byte 2 of the MP_JOIN SYN, as received
 * @id_syn: address ID of the MP_JOIN SYN, as received
 * @out: HMAC-SHA256(join key(responder), u32 R_r || u32 R_i || u8 f_SYN ||
 *	 u8 id_SYN)[:8]
 *
 * Any context.
 *
 * Return: 0, or -EINVAL for an unknown role.
 */
int mptcp_sec_join_synack_hmac(const struct mptcp_sec_keys *keys,
			       enum mptcp_sec_role responder, u32 r_r, u32 r_i,
			       u8 f_syn, u8 id_syn,
			       u8 out[MPTCP_SEC_JOIN_SYNACK_HMAC_LEN])
{
	return mptcp_sec_join_hmac(keys, responder, r_r, r_i, f_syn, id_syn,
				   out, MPTCP_SEC_JOIN_SYNACK_HMAC_LEN);
}
EXPORT_SYMBOL_IF_KUNIT(mptcp_sec_join_synack_hmac);

/**
 * mptcp_sec_join_ack_hmac() - HMAC of the MP_JOIN third ACK
 * @keys: keys of the connection
 * @initiator: role of the subflow's initiator
 * @r_i: the initiator's nonce
 * @r_r: the responder's nonce
 * @f_synack: low nibble of byte 2 of the MP_JOIN SYN/ACK, as received
 * @id_synack: address ID of the MP_JOIN SYN/ACK, as received
 * @out: HMAC-SHA256(join key(initiator), u32 R_i || u32 R_r ||
 *	 u8 f_SYNACK || u8 id_SYNACK)[:20]
 *
 * Any context.
 *
 * Return: 0, or -EINVAL for an unknown role.
 */
int mptcp_sec_join_ack_hmac(const struct mptcp_sec_keys *keys,
			    enum mptcp_sec_role initiator, u32 r_i, u32 r_r,
			    u8 f_synack, u8 id_synack,
			    u8 out[MPTCP_SEC_JOIN_ACK_HMAC_LEN])
{
	return mptcp_sec_join_hmac(keys, initiator, r_i, r_r, f_synack,
				   id_synack, out, MPTCP_SEC_JOIN_ACK_HMAC_LEN);
}
EXPORT_SYMBOL_IF_KUNIT(mptcp_sec_join_ack_hmac);

/**
 * mptcp_sec_sfid() - subflow ID of a joined subflow
 * @keys: keys of the connection
 * @r_i: the initiator's nonce
 * @r_r: the responder's nonce
 * @sfid: u32 HMAC-SHA256(c join key, "sfid" || u32 R_i || u32 R_r)[:4]
 *	  OR 0x80000000
 *
 * Any context.
 *
 * Return: 0.
 */
int mptcp_sec_sfid(const struct mptcp_sec_keys *keys, u32 r_i, u32 r_r,
		   u32 *sfid)
{
	u8 msg[sizeof(MPTCP_SEC_SFID_LABEL) - 1 + 8];
	u8 mac[MPTCP_SEC_HASH_LEN];

	memcpy(msg, MPTCP_SEC_SFID_LABEL, sizeof(MPTCP_SEC_SFID_LABEL) - 1);
	put_unaligned_be32(r_i, &msg[sizeof(MPTCP_SEC_SFID_LABEL) - 1]);
	put_unaligned_be32(r_r, &msg[sizeof(MPTCP_SEC_SFID_LABEL) + 3]);
	mptcp_sec_hmac(keys->join_key[MPTCP_SEC_CLIENT], MPTCP_SEC_HMAC_KEY_LEN,
		       msg, sizeof(msg), mac);
	*sfid = get_unaligned_be32(mac) | MPTCP_SEC_SFID_FLAG;

	memzero_explicit(mac, sizeof(mac));
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mptcp_sec_sfid);

/**
 * mptcp_sec_add_addr_hmac() - truncated HMAC of ADD_ADDR
 * @keys: keys of the connection
 * @sender: role of the host sending the ADD_ADDR
 * @id: address ID
 * @addr: the address in network byte order
 * @addr_len: 4 or 16
 * @port: port, 0 if none (then not covered)
 * @out: rightmost 8 bytes of HMAC-SHA256(addr key(sender),
 *	 u8 id || address || [u16 port])
 *
 * Any context.
 *
 * Return: 0, or -EINVAL for an unknown role or address length.
 */
int mptcp_sec_add_addr_hmac(const struct mptcp_sec_keys *keys,
			    enum mptcp_sec_role sender, u8 id, const u8 *addr,
			    unsigned int addr_len, u16 port,
			    u8 out[MPTCP_SEC_ADD_ADDR_HMAC_LEN])
{
	u8 mac[MPTCP_SEC_HASH_LEN];
	u8 msg[1 + 16 + 2];
	unsigned int len;

	if (sender >= MPTCP_SEC_NR_ROLES || (addr_len != 4 && addr_len != 16))
		return -EINVAL;

	msg[0] = id;
	memcpy(&msg[1], addr, addr_len);
	len = 1 + addr_len;
	if (port) {
		put_unaligned_be16(port, &msg[len]);
		len += 2;
	}
	mptcp_sec_hmac(keys->addr_key[sender], MPTCP_SEC_HMAC_KEY_LEN, msg,
		       len, mac);
	memcpy(out, &mac[MPTCP_SEC_HASH_LEN - MPTCP_SEC_ADD_ADDR_HMAC_LEN],
	       MPTCP_SEC_ADD_ADDR_HMAC_LEN);

	memzero_explicit(mac, sizeof(mac));
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mptcp_sec_add_addr_hmac);

/**
 * mptcp_sec_fastclose_key() - key field of MP_FASTCLOSE
 * @keys: keys of the connection
 * @sender: role of the host sending the MP_FASTCLOSE
 * @out: HMAC-SHA256(fastclose key(sender), fastclose key(receiver))[:8]
 *
 * Any context.
 *
 * Return: 0, or -EINVAL for an unknown role.
 */
int mptcp_sec_fastclose_key(const struct mptcp_sec_keys *keys,
			    enum mptcp_sec_role sender,
			    u8 out[MPTCP_SEC_FASTCLOSE_LEN])
{
	u8 mac[MPTCP_SEC_HASH_LEN];

	if (sender >= MPTCP_SEC_NR_ROLES)
		return -EINVAL;

	mptcp_sec_hmac(keys->fastclose_key[sender], MPTCP_SEC_HMAC_KEY_LEN,
		       keys->fastclose_key[!sender], MPTCP_SEC_HMAC_KEY_LEN,
		       mac);
	memcpy(out, mac, MPTCP_SEC_FASTCLOSE_LEN);

	memzero_explicit(mac, sizeof(mac));
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mptcp_sec_fastclose_key);

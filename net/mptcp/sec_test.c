// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the MPTCPsec cryptographic core (sec_crypto.c).
 *
 * Known answers: RFC 5869 HKDF-SHA256 test cases 1-3 and, for every suite,
 * the vectors of Documentation/networking/mptcpsec.rst ("Test vectors").
 * Every known-answer value is printed as one line
 *	kat <suite> <name> <lowercase hex>
 * which the host compares with tools/testing/mptcpsec/testdata/vectors.txt.
 *
 * Then round trips, tamper cases that must all be rejected, malformed
 * inputs, and the nonce and key separation properties the spec claims.
 */

#include <kunit/resource.h>
#include <crypto/algapi.h>
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/net.h>
#include <linux/socket.h>
#include <net/net_namespace.h>
#include <asm/unaligned.h>

#include "sec.h"
#include "sec_crypto.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/* ---------------------------------------------------------------------
 * Helpers
 */

/* whole buffer as one lowercase hex string, freed with the test */
static char *sec_hex(struct kunit *test, const u8 *buf, size_t len)
{
	char *hex = kunit_kzalloc(test, 2 * len + 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, hex);
	bin2hex(hex, buf, len);
	return hex;
}

struct sec_kat_expected {
	const char *suite;
	const char *name;
	const char *hex;
};

/* Expected values: tools/testing/mptcpsec/testdata/vectors.txt, written by
 * the independent Python reference (RFC 5869 A.1-A.3 for "rfc5869").
 * Every value the tests print must be here.
 */
static const struct sec_kat_expected sec_kat_expected[] = {
	/* MPTCPSEC-VECTORS-BEGIN: generated from vectors.txt */
	{ "rfc5869", "tc1_prk",
	  "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
	},
	{ "rfc5869", "tc1_okm",
	  "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
	},
	{ "rfc5869", "tc2_prk",
	  "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
	},
	{ "rfc5869", "tc2_okm",
	  "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87",
	},
	{ "rfc5869", "tc3_prk",
	  "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
	},
	{ "rfc5869", "tc3_okm",
	  "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
	},
	{ "aes128gcm", "th",
	  "150da7f2cc83caa3f767b68c37195aabde1d331c3616ffdc1bf2aeab030eec13",
	},
	{ "aes128gcm", "prk",
	  "0cbe77ef5962543ad825b704d3e88e1743d78e007d33cb889d930438c03595ab",
	},
	{ "aes128gcm", "c2s_data_key",
	  "51db437491b9af5039e2c76c74520c95",
	},
	{ "aes128gcm", "c2s_data_iv",
	  "925044d1d0c9e16027743f75",
	},
	{ "aes128gcm", "s2c_data_key",
	  "3498ab16b853a542100373f25550f811",
	},
	{ "aes128gcm", "s2c_data_iv",
	  "e9f588e077215790e3546a28",
	},
	{ "aes128gcm", "c2s_opt_key",
	  "625e0ba0a443f80aa7f3609f842f4f1a",
	},
	{ "aes128gcm", "c2s_opt_iv",
	  "da54271f018b9374dd2bd5da",
	},
	{ "aes128gcm", "s2c_opt_key",
	  "4ab03f9fd48ed60ba90907eedc185aaa",
	},
	{ "aes128gcm", "s2c_opt_iv",
	  "0655d989d4fa4ee6b649fa00",
	},
	{ "aes128gcm", "c_join_key",
	  "ec8c9e20c0c99b568b0cf341e0f67a2de37edb545a860f32a8fde6408a753ec8",
	},
	{ "aes128gcm", "s_join_key",
	  "341b4294c1f7d099125cef29585d51b2371cf3932959021afd62e9c184d30e18",
	},
	{ "aes128gcm", "c_addr_key",
	  "78f7260f5ff9564806907b5178578b7e2e53aa6a8cff56e6811ab1d0fa6aaf24",
	},
	{ "aes128gcm", "s_addr_key",
	  "77169f307bf389af0bd911f937b657ce9eb49dcb35a3a4859ba627ac32a37a16",
	},
	{ "aes128gcm", "c_fastclose_key",
	  "b65498311b05dbcdc9ba58c9031d4f70de9e60e080ab916835f3a86f6e3e1851",
	},
	{ "aes128gcm", "s_fastclose_key",
	  "99c0131fae607fc476d59b5643a9a16731f71131e78a54fd899029f7dc5483a4",
	},
	{ "aes128gcm", "c_finished_key",
	  "33666e9b21a91aa0b8d42c06705f950eff454941ce56a57761289109047e31e6",
	},
	{ "aes128gcm", "session_id",
	  "2179f79de995788124e055f61caf2d439b049778f3ba010a4bcf18a5e32f81f187",
	},
	{ "aes128gcm", "keys",
	  "8515ac2d3624264e24ee025f3adf079b",
	},
	{ "aes128gcm", "fc",
	  "d4bbc573816fe2993c00b2ad45c52ded",
	},
	{ "aes128gcm", "key_c",
	  "8515ac2d3624264e",
	},
	{ "aes128gcm", "key_s",
	  "24ee025f3adf079b",
	},
	{ "aes128gcm", "token_c",
	  "b6f1f57f",
	},
	{ "aes128gcm", "token_s",
	  "d91c2c6f",
	},
	{ "aes128gcm", "idsn_c",
	  "cf59591a521b8f48",
	},
	{ "aes128gcm", "idsn_s",
	  "91d5c075733be662",
	},
	{ "aes128gcm", "record",
	  "4da9fa3c755dba2fd404d23363130df4a43981ef29ea953cc051aec329cb9d6c7a3032ce0e1e967594ea87c7e34e11aef9dee6c18c6ca1ab768a1a2de038def1cc0f23640e67921f2288f53a6f837b702bee78a5729a93ac9ccecd99f715c548a0ce6fbea8b30720da90e671dddf3280f769c832",
	},
	{ "aes128gcm", "record_nonce",
	  "925044d11f90b87a756fb03c",
	},
	{ "aes128gcm", "topt_data",
	  "f092089905b64e30a6ea525285fc89e5",
	},
	{ "aes128gcm", "topt_data_aad",
	  "0100000000000000010391d5c075733be663cf59591a521b8f49008c0000a8b30720da90e671dddf3280f769c832",
	},
	{ "aes128gcm", "topt_control",
	  "d286bff6491bf949df4b98bebbeab8b3",
	},
	{ "aes128gcm", "topt_control_aad",
	  "02800000010000008d01cf59591a521b8fd500000000000000000000000a030802040a0002020000",
	},
	{ "aes128gcm", "join_synack_hmac",
	  "04b2281d22a7501a",
	},
	{ "aes128gcm", "join_ack_hmac",
	  "9e22f5b1e2dc6165e0724d547c7f966ffc70ceee",
	},
	{ "aes128gcm", "sfid",
	  "e8382576",
	},
	{ "aes128gcm", "addaddr_hmac",
	  "8af2d13af2b3a5a0",
	},
	{ "aes128gcm", "fastclose",
	  "52ca51a6a2d8ccf8",
	},
	{ "aes256gcm", "th",
	  "6db7f7d100afb0f0716ebe0fb9673ba9f6d48758a352fb30e752b03eab7efe65",
	},
	{ "aes256gcm", "prk",
	  "3da7046e9a8681a8916b70f558747618294e0d663bd3714d7eb106f2610d6c2e",
	},
	{ "aes256gcm", "c2s_data_key",
	  "6e30ea1380aa69c4b29a004ca9e431d465c29b99429915d02912bc07f0b72b9a",
	},
	{ "aes256gcm", "c2s_data_iv",
	  "7887081f5a7fe9a20b4da12d",
	},
	{ "aes256gcm", "s2c_data_key",
	  "4b4243c0e66a244b546f7ebaf76c22a5953762dbf004d2c5369dbf9aa82dc72c",
	},
	{ "aes256gcm", "s2c_data_iv",
	  "048eda4b0f6ed3cddeb934c9",
	},
	{ "aes256gcm", "c2s_opt_key",
	  "a4e0723e9d5af3d3947f1e3cbc179ab45b6fe328b7218790cdfa34ee3410e275",
	},
	{ "aes256gcm", "c2s_opt_iv",
	  "78110b95d19a483a96a81bf5",
	},
	{ "aes256gcm", "s2c_opt_key",
	  "036f5266e9b1609ae7c5fd78935a3877b6923e1b5fe310534ab0baf0ad735227",
	},
	{ "aes256gcm", "s2c_opt_iv",
	  "033464f08d048f8e133a1620",
	},
	{ "aes256gcm", "c_join_key",
	  "bc5bc9d7ab3d92c0569a9fdf9a357c75ece486aab85a22a8b50cd38a586d5eba",
	},
	{ "aes256gcm", "s_join_key",
	  "77f50dca7553bf775c66eae45074c1b005dfe746afd5819abfbee5971f15ca8e",
	},
	{ "aes256gcm", "c_addr_key",
	  "16428a664d1b5eb005cf5359942be92b3dcef758dc94fb4d201fbcc5cd58a8a3",
	},
	{ "aes256gcm", "s_addr_key",
	  "df4fd9cf5af818d1a7ee1172292e1ca46c39d8f6044d78b0fc73c662a000ff4a",
	},
	{ "aes256gcm", "c_fastclose_key",
	  "3a91be45704e52e088490c1eb00f8a7079302506c53eef59ab64d8e83d5fa031",
	},
	{ "aes256gcm", "s_fastclose_key",
	  "efc7ea84c204ca194f7e2cd1481cf2761a37db89732255df1f9281f030e42e28",
	},
	{ "aes256gcm", "c_finished_key",
	  "15811d889a3d290668c712eace9106214d71e57ec2397a87d4f1eb6d82b3e6a7",
	},
	{ "aes256gcm", "session_id",
	  "220bafde8af8b5f904cd921eb5e48426ff08f1ea4f7968a149a8beb6d412244103",
	},
	{ "aes256gcm", "keys",
	  "6bf746ac4bf1104d5e737369b893f987",
	},
	{ "aes256gcm", "fc",
	  "5b928cd34036c6f55dc0ebfb2085c54b",
	},
	{ "aes256gcm", "key_c",
	  "6bf746ac4bf1104d",
	},
	{ "aes256gcm", "key_s",
	  "5e737369b893f987",
	},
	{ "aes256gcm", "token_c",
	  "4a105201",
	},
	{ "aes256gcm", "token_s",
	  "c477ec44",
	},
	{ "aes256gcm", "idsn_c",
	  "5d4ec574ea70989e",
	},
	{ "aes256gcm", "idsn_s",
	  "621723c468046585",
	},
	{ "aes256gcm", "record",
	  "e2cadd945fa77a786ead4e4ae860caef015e273e1dfcbdcab7e4e4e23c39e48211f61000332e5273f0174df7488862c26ce67e653ef732a9558cd2679df59570b4014070f9129a64c2d4f7062b6ffa4cb265f831698b1311dba7c0b3e8c3d89dd1422bab1b7ab9db7ef6e390bd70084e00586007",
	},
	{ "aes256gcm", "record_nonce",
	  "7887081f07312cd6e13d39b2",
	},
	{ "aes256gcm", "topt_data",
	  "675e7c3ff195245bcdd52da151e02797",
	},
	{ "aes256gcm", "topt_data_aad",
	  "01000000000000000103621723c4680465865d4ec574ea70989f008c00001b7ab9db7ef6e390bd70084e00586007",
	},
	{ "aes256gcm", "topt_control",
	  "a29ca7fee09dae221dbdef8275f24845",
	},
	{ "aes256gcm", "topt_control_aad",
	  "02800000010000008d015d4ec574ea70992b00000000000000000000000a030802040a0002020000",
	},
	{ "aes256gcm", "join_synack_hmac",
	  "a37d1d7ca6a52c75",
	},
	{ "aes256gcm", "join_ack_hmac",
	  "38485db2b341865649c61faba7a7346900e65bbb",
	},
	{ "aes256gcm", "sfid",
	  "ea1c627a",
	},
	{ "aes256gcm", "addaddr_hmac",
	  "71d59692854729c2",
	},
	{ "aes256gcm", "fastclose",
	  "4460b2bff6f5e023",
	},
	{ "chacha20poly1305", "th",
	  "fa4bf78c4531c9568bac00159633922192ea927dedc973d4a89c3adc31d89b6e",
	},
	{ "chacha20poly1305", "prk",
	  "35d26dced0ee180863de8c3d5808d31ceaa45a01f069e56f31ced2e1176022fa",
	},
	{ "chacha20poly1305", "c2s_data_key",
	  "86bb84ae6249dfbe43b161770d45347d1477a8e907fdb775edc0b9605a4a8fd4",
	},
	{ "chacha20poly1305", "c2s_data_iv",
	  "08aeece236671a2cd8c8028a",
	},
	{ "chacha20poly1305", "s2c_data_key",
	  "6a299842bd0e3536f4b779b1400e0dec422962d1dfeee819ecf61d81acda8fd8",
	},
	{ "chacha20poly1305", "s2c_data_iv",
	  "07c7c1ca6d6a9836a8ddcae1",
	},
	{ "chacha20poly1305", "c2s_opt_key",
	  "3a744076fff2648b9a681ffb8856b39dffb35499f0ab19b69a7de08ec2ca1c7b",
	},
	{ "chacha20poly1305", "c2s_opt_iv",
	  "0adf4843d951130a8128df1f",
	},
	{ "chacha20poly1305", "s2c_opt_key",
	  "d1112b6662edb1b35554b376dcacf257ea7b9475116d94bd8a67db4d7bcab73d",
	},
	{ "chacha20poly1305", "s2c_opt_iv",
	  "55a8768378b586df6948dc40",
	},
	{ "chacha20poly1305", "c_join_key",
	  "a0a54c4a519e04e2cfa3e4ff61dc7afbe3f960abbe98ba4d75fadfa8f6a05a0a",
	},
	{ "chacha20poly1305", "s_join_key",
	  "ef6d63f4841bab2d7f6f3467b5aaf7fbd7532d0b8188f9eafdb09c2cf715bba5",
	},
	{ "chacha20poly1305", "c_addr_key",
	  "294917de75b2e37f7326e97b05e0b5546ddc9a60fb2d7d14d34becc5af5ab51f",
	},
	{ "chacha20poly1305", "s_addr_key",
	  "573ba69acce9668b08fa35fab6700e7739e48cd3b01358fd8c169c52714d5596",
	},
	{ "chacha20poly1305", "c_fastclose_key",
	  "904bc28616a5ce105d5be5d5f4d82ae387f1d0b6f2b3aded763e75701602815b",
	},
	{ "chacha20poly1305", "s_fastclose_key",
	  "19eaeda481d158021390ad2999f6f244f9fe1008de9279a29bf445255f7226cb",
	},
	{ "chacha20poly1305", "c_finished_key",
	  "98459daf94498cebccef2c1c8099c872c2e80e13dfbab04cd80d1bb99108d56d",
	},
	{ "chacha20poly1305", "session_id",
	  "23ceb7c54267e1d403ed0801affcc0857a38b55b436ade6de070560dc77459fefd",
	},
	{ "chacha20poly1305", "keys",
	  "0554255caa324570dbd099087cd0b123",
	},
	{ "chacha20poly1305", "fc",
	  "a34960a677e4ad2b4e6320aab89f9428",
	},
	{ "chacha20poly1305", "key_c",
	  "0554255caa324570",
	},
	{ "chacha20poly1305", "key_s",
	  "dbd099087cd0b123",
	},
	{ "chacha20poly1305", "token_c",
	  "8647a36f",
	},
	{ "chacha20poly1305", "token_s",
	  "ec3163ff",
	},
	{ "chacha20poly1305", "idsn_c",
	  "e1d864d7e4d51791",
	},
	{ "chacha20poly1305", "idsn_s",
	  "ff80b3e9f8ab6941",
	},
	{ "chacha20poly1305", "record",
	  "072b4c86d09e5376efe0da037dffd531a8afde13e069efd227886bae7103dbf023e234fc18e695dc7ca9326a698d70ed93c3ed94bc8232f5cf3cc6689e5a01d5cc7f5221e94765a576e81c25e1b625f4abdfd8eb537c34a505e0c61f25dae1acde793076476c2b96471753c9c727833becf27dda",
	},
	{ "chacha20poly1305", "record_nonce",
	  "08aeece2d7bf7efb3c1d1518",
	},
	{ "chacha20poly1305", "topt_data",
	  "068ced8e242f8daa9fb2076ff1f41893",
	},
	{ "chacha20poly1305", "topt_data_aad",
	  "01000000000000000103ff80b3e9f8ab6942e1d864d7e4d51792008c0000476c2b96471753c9c727833becf27dda",
	},
	{ "chacha20poly1305", "topt_control",
	  "872e97c91b6292108cd619dc46142340",
	},
	{ "chacha20poly1305", "topt_control_aad",
	  "02800000010000008d01e1d864d7e4d5181e00000000000000000000000a030802040a0002020000",
	},
	{ "chacha20poly1305", "join_synack_hmac",
	  "5032f24af90d7e5d",
	},
	{ "chacha20poly1305", "join_ack_hmac",
	  "ec92784c4236e70185cf4e855ab40ec360f66b8d",
	},
	{ "chacha20poly1305", "sfid",
	  "bb0c8eeb",
	},
	{ "chacha20poly1305", "addaddr_hmac",
	  "91ed1db12ae50559",
	},
	{ "chacha20poly1305", "fastclose",
	  "3fec2b5816333ad2",
	},
	/* MPTCPSEC-VECTORS-END */
};

static const char *sec_kat_lookup(const char *suite, const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sec_kat_expected); i++)
		if (!strcmp(sec_kat_expected[i].suite, suite) &&
		    !strcmp(sec_kat_expected[i].name, name))
			return sec_kat_expected[i].hex;
	return NULL;
}

/* print one known-answer value and check it against the table */
static void sec_kat(struct kunit *test, const char *suite, const char *name,
		    const u8 *buf, size_t len)
{
	const char *hex = sec_hex(test, buf, len);
	const char *expected;

	kunit_info(test, "kat %s %s %s\n", suite, name, hex);

	expected = sec_kat_lookup(suite, name);
	if (!expected) {
		KUNIT_FAIL(test, "no expected value for %s %s", suite, name);
		return;
	}
	KUNIT_EXPECT_STREQ_MSG(test, hex, expected, "kat %s %s", suite, name);
}

static const u8 sec_suites[] = {
	MPTCP_SEC_SUITE_AES128GCM,
	MPTCP_SEC_SUITE_AES256GCM,
	MPTCP_SEC_SUITE_CHACHA20POLY1305,
};

static void sec_suite_desc(const u8 *suite, char *desc)
{
	strscpy(desc, mptcp_sec_suite_name(*suite), KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(sec_suite, sec_suites, sec_suite_desc);

/* inputs of the spec's test vectors */
#define SEC_T_LEN	(4 + 15 + 4 + 13)
#define SEC_P_LEN	100
#define SEC_RI		0x01020304
#define SEC_RR		0x05060708
#define SEC_ADDR_ID	2

static const u8 sec_addr[4] = { 10, 0, 2, 2 };

static void sec_psk(u8 psk[32])
{
	unsigned int i;

	for (i = 0; i < 32; i++)
		psk[i] = i;
}

/* T = MPC(SYN) || MP_SEC(SYN) || MPC(SYN/ACK) || MP_SEC(SYN/ACK) */
static void sec_transcript(u8 t[SEC_T_LEN], u8 suite, const u8 rc[8],
			   const u8 rs[8])
{
	static const u8 mpc[4] = { 0x1e, 0x04, 0x02, 0x01 };
	u8 *p = t;

	memcpy(p, mpc, sizeof(mpc));
	p += sizeof(mpc);
	*p++ = 0x1e;
	*p++ = 15;
	*p++ = 0xf0;
	*p++ = 0x00;	/* global */
	*p++ = MPTCP_SEC_SUITE_AES128GCM;
	*p++ = MPTCP_SEC_SUITE_AES256GCM;
	*p++ = MPTCP_SEC_SUITE_CHACHA20POLY1305;
	memcpy(p, rc, 8);
	p += 8;
	memcpy(p, mpc, sizeof(mpc));
	p += sizeof(mpc);
	*p++ = 0x1e;
	*p++ = 13;
	*p++ = 0xf1;
	*p++ = 0x00;	/* global */
	*p++ = suite;
	memcpy(p, rs, 8);
}

static void sec_default_randoms(u8 rc[8], u8 rs[8])
{
	unsigned int i;

	for (i = 0; i < 8; i++) {
		rc[i] = 0xa0 + i;
		rs[i] = 0xb0 + i;
	}
}

static int sec_derive(u8 suite, const u8 rc[8], const u8 rs[8],
		      struct mptcp_sec_keys *keys)
{
	u8 t[SEC_T_LEN], th[MPTCP_SEC_HASH_LEN], psk[32];

	sec_psk(psk);
	sec_transcript(t, suite, rc, rs);
	mptcp_sec_transcript_hash(t, sizeof(t), th);
	return mptcp_sec_key_schedule(psk, sizeof(psk), th, suite, keys);
}

/**
 * struct sec_ctx - a connection's crypto state, freed with the test
 * @keys: key schedule output of the spec's vector inputs
 * @st: AEAD state per direction
 * @name: suite name
 */
struct sec_ctx {
	struct mptcp_sec_keys keys;
	struct mptcp_sec_dir_aead st[MPTCP_SEC_NR_DIRS];
	const char *name;
};

static int sec_ctx_init(struct kunit_resource *res, void *context)
{
	u8 suite = *(const u8 *)context;
	u8 rc[8], rs[8];
	struct sec_ctx *ctx;
	int err;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	ctx->name = mptcp_sec_suite_name(suite);

	sec_default_randoms(rc, rs);
	err = sec_derive(suite, rc, rs, &ctx->keys);
	if (err)
		goto err_free;
	err = mptcp_sec_dir_aead_init(&ctx->st[MPTCP_SEC_C2S], &ctx->keys,
				      MPTCP_SEC_C2S);
	if (err)
		goto err_free;
	err = mptcp_sec_dir_aead_init(&ctx->st[MPTCP_SEC_S2C], &ctx->keys,
				      MPTCP_SEC_S2C);
	if (err)
		goto err_c2s;
	res->data = ctx;
	return 0;

err_c2s:
	mptcp_sec_dir_aead_free(&ctx->st[MPTCP_SEC_C2S]);
err_free:
	kfree_sensitive(ctx);
	return err;
}

static void sec_ctx_free(struct kunit_resource *res)
{
	struct sec_ctx *ctx = res->data;

	mptcp_sec_dir_aead_free(&ctx->st[MPTCP_SEC_C2S]);
	mptcp_sec_dir_aead_free(&ctx->st[MPTCP_SEC_S2C]);
	kfree_sensitive(ctx);
}

static struct sec_ctx *sec_ctx_get(struct kunit *test)
{
	const u8 *suite = test->param_value;
	struct sec_ctx *ctx;

	ctx = kunit_alloc_resource(test, sec_ctx_init, sec_ctx_free,
				   GFP_KERNEL, (void *)suite);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ctx);
	return ctx;
}

/* the spec's data record, c2s, sealed in a kmalloc()ed buffer */
static u8 *sec_make_record(struct kunit *test, struct sec_ctx *ctx,
			   unsigned int p, u64 dsn)
{
	struct scatterlist sg;
	unsigned int i;
	u8 *rec;

	rec = kunit_kzalloc(test, p + MPTCP_SEC_TAG_LEN, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rec);
	for (i = 0; i < p; i++)
		rec[i] = i;
	sg_init_one(&sg, rec, p + MPTCP_SEC_TAG_LEN);
	KUNIT_ASSERT_EQ(test, mptcp_sec_record_seal(&ctx->st[MPTCP_SEC_C2S].data,
						    dsn, &sg, p, GFP_KERNEL),
			0);
	return rec;
}

static void sec_data_vals(struct mptcp_sec_opt_vals *v,
			  const struct mptcp_sec_keys *keys, const u8 *tdata)
{
	memset(v, 0, sizeof(*v));
	v->type = MPTCP_SEC_REC_DATA;
	v->sfid = 0;
	v->ssn = 1;
	v->flags = MPTCP_SEC_DSS_DATA_ACK | MPTCP_SEC_DSS_MAPPING;
	v->data_ack = keys->idsn_s + 1;
	v->dsn = keys->idsn_c + 1;
	v->data_len = SEC_P_LEN + MPTCP_SEC_RECORD_OVERHEAD;
	v->tdata = tdata;
}

static void sec_control_vals(struct kunit *test, struct mptcp_sec_opt_vals *v,
			     const struct mptcp_sec_keys *keys, u8 *other,
			     unsigned int size)
{
	int len;

	len = mptcp_sec_canon_add_addr(other, size, SEC_ADDR_ID, sec_addr,
				       sizeof(sec_addr), 0);
	KUNIT_ASSERT_EQ(test, len, 10);

	memset(v, 0, sizeof(*v));
	v->type = MPTCP_SEC_REC_CONTROL;
	v->sfid = 0x80000001;
	v->ssn = 141;
	v->flags = MPTCP_SEC_DSS_DATA_ACK;
	v->data_ack = keys->idsn_c + 141;
	v->other = other;
	v->other_len = len;
}

/* ---------------------------------------------------------------------
 * RFC 5869
 */

/* RFC 5869 inputs are byte sequences first, first + inc, ... */
struct sec_seq {
	u8 first;
	u8 inc;
	u8 len;
};

struct sec_hkdf_case {
	const char *tc;
	struct sec_seq ikm;
	struct sec_seq salt;
	struct sec_seq info;
	unsigned int okm_len;
};

static const struct sec_hkdf_case sec_hkdf_cases[] = {
	{	/* A.1: basic test case */
		.tc = "tc1",
		.ikm = { 0x0b, 0, 22 },
		.salt = { 0x00, 1, 13 },
		.info = { 0xf0, 1, 10 },
		.okm_len = 42,
	},
	{	/* A.2: longer inputs and outputs */
		.tc = "tc2",
		.ikm = { 0x00, 1, 80 },
		.salt = { 0x60, 1, 80 },
		.info = { 0xb0, 1, 80 },
		.okm_len = 82,
	},
	{	/* A.3: zero-length salt and info */
		.tc = "tc3",
		.ikm = { 0x0b, 0, 22 },
		.salt = { 0, 0, 0 },
		.info = { 0, 0, 0 },
		.okm_len = 42,
	},
};

static u8 *sec_seq_buf(struct kunit *test, const struct sec_seq *q)
{
	u8 *buf = kunit_kzalloc(test, q->len + 1, GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	for (i = 0; i < q->len; i++)
		buf[i] = q->first + i * q->inc;
	return buf;
}

static void sec_hkdf_desc(const struct sec_hkdf_case *c, char *desc)
{
	strscpy(desc, c->tc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(sec_hkdf, sec_hkdf_cases, sec_hkdf_desc);

static void mptcp_sec_test_rfc5869(struct kunit *test)
{
	const struct sec_hkdf_case *c = test->param_value;
	u8 prk[MPTCP_SEC_HASH_LEN];
	const u8 *ikm, *salt, *info;
	char name[16];
	u8 *okm;
	int err;

	ikm = sec_seq_buf(test, &c->ikm);
	salt = sec_seq_buf(test, &c->salt);
	info = sec_seq_buf(test, &c->info);
	okm = kunit_kzalloc(test, c->okm_len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, okm);

	err = mptcp_sec_hkdf_extract(salt, c->salt.len, ikm, c->ikm.len, prk);
	KUNIT_EXPECT_EQ(test, err, 0);
	if (!err)
		err = mptcp_sec_hkdf_expand(prk, info, c->info.len, okm,
					    c->okm_len);
	KUNIT_EXPECT_EQ(test, err, 0);
	if (err)
		return;

	snprintf(name, sizeof(name), "%s_prk", c->tc);
	sec_kat(test, "rfc5869", name, prk, sizeof(prk));
	snprintf(name, sizeof(name), "%s_okm", c->tc);
	sec_kat(test, "rfc5869", name, okm, c->okm_len);
}

/* ---------------------------------------------------------------------
 * Known answers of the spec, per suite
 */

/* token and IDSN of a 64-bit key as RFC 8684 and mptcp_crypto_key_sha():
 * the first 32 and the last 64 bits of SHA-256 of the key in network
 * byte order
 */
static void sec_expect_key_sha(struct kunit *test, u64 key, u32 token,
			       u64 idsn)
{
	u8 input[8], digest[SHA256_DIGEST_SIZE];

	put_unaligned_be64(key, input);
	sha256(input, sizeof(input), digest);
	KUNIT_EXPECT_EQ(test, token, get_unaligned_be32(&digest[0]));
	KUNIT_EXPECT_EQ(test, idsn,
			get_unaligned_be64(&digest[SHA256_DIGEST_SIZE - 8]));
}

static void mptcp_sec_test_kat_keys(struct kunit *test)
{
	struct sec_ctx *ctx = sec_ctx_get(test);
	const struct mptcp_sec_keys *k = &ctx->keys;
	u8 prk[MPTCP_SEC_HASH_LEN], psk[32], be[8];
	const char *s = ctx->name;
	unsigned int lk = k->key_len;
	struct {
		const char *name;
		const u8 *buf;
		unsigned int len;
	} const out[] = {
		{ "th", k->th, sizeof(k->th) },
		{ "c2s_data_key", k->dir[MPTCP_SEC_C2S].data_key, lk },
		{ "c2s_data_iv", k->dir[MPTCP_SEC_C2S].data_iv, 12 },
		{ "s2c_data_key", k->dir[MPTCP_SEC_S2C].data_key, lk },
		{ "s2c_data_iv", k->dir[MPTCP_SEC_S2C].data_iv, 12 },
		{ "c2s_opt_key", k->dir[MPTCP_SEC_C2S].opt_key, lk },
		{ "c2s_opt_iv", k->dir[MPTCP_SEC_C2S].opt_iv, 12 },
		{ "s2c_opt_key", k->dir[MPTCP_SEC_S2C].opt_key, lk },
		{ "s2c_opt_iv", k->dir[MPTCP_SEC_S2C].opt_iv, 12 },
		{ "c_join_key", k->join_key[MPTCP_SEC_CLIENT], 32 },
		{ "s_join_key", k->join_key[MPTCP_SEC_SERVER], 32 },
		{ "c_addr_key", k->addr_key[MPTCP_SEC_CLIENT], 32 },
		{ "s_addr_key", k->addr_key[MPTCP_SEC_SERVER], 32 },
		{ "c_fastclose_key", k->fastclose_key[MPTCP_SEC_CLIENT], 32 },
		{ "s_fastclose_key", k->fastclose_key[MPTCP_SEC_SERVER], 32 },
		{ "c_finished_key", k->c_finished_key, 32 },
		{ "session_id", k->session_id, sizeof(k->session_id) },
		{ "keys", k->keys_raw, sizeof(k->keys_raw) },
		{ "fc", k->fc, sizeof(k->fc) },
	};
	unsigned int i;
	int err;

	KUNIT_EXPECT_EQ(test, lk, mptcp_sec_suite_key_len(k->suite));
	KUNIT_EXPECT_EQ(test, k->session_id[0], k->suite);

	/* PRK is not kept by the key schedule: recompute it here */
	sec_psk(psk);
	err = mptcp_sec_hkdf_extract(k->th, sizeof(k->th), psk, sizeof(psk),
				     prk);
	KUNIT_ASSERT_EQ(test, err, 0);

	sec_kat(test, s, out[0].name, out[0].buf, out[0].len);
	sec_kat(test, s, "prk", prk, sizeof(prk));
	for (i = 1; i < ARRAY_SIZE(out); i++)
		sec_kat(test, s, out[i].name, out[i].buf, out[i].len);

	put_unaligned_be64(k->key_c, be);
	sec_kat(test, s, "key_c", be, 8);
	put_unaligned_be64(k->key_s, be);
	sec_kat(test, s, "key_s", be, 8);
	put_unaligned_be32(k->token_c, be);
	sec_kat(test, s, "token_c", be, 4);
	put_unaligned_be32(k->token_s, be);
	sec_kat(test, s, "token_s", be, 4);
	put_unaligned_be64(k->idsn_c, be);
	sec_kat(test, s, "idsn_c", be, 8);
	put_unaligned_be64(k->idsn_s, be);
	sec_kat(test, s, "idsn_s", be, 8);

	/* key_c || key_s is K("keys", 16); token and IDSN as RFC 8684 */
	KUNIT_EXPECT_EQ(test, k->key_c, get_unaligned_be64(&k->keys_raw[0]));
	KUNIT_EXPECT_EQ(test, k->key_s, get_unaligned_be64(&k->keys_raw[8]));
	sec_expect_key_sha(test, k->key_c, k->token_c, k->idsn_c);
	sec_expect_key_sha(test, k->key_s, k->token_s, k->idsn_s);

	KUNIT_EXPECT_EQ(test, mptcp_sec_fc_verify(k, k->fc), 0);
}

static void mptcp_sec_test_kat_record(struct kunit *test)
{
	struct sec_ctx *ctx = sec_ctx_get(test);
	const struct mptcp_sec_keys *k = &ctx->keys;
	u64 dsn = k->idsn_c + 1;
	u8 nonce[MPTCP_SEC_NONCE_LEN];
	struct scatterlist sg;
	unsigned int i;
	u8 *rec;

	rec = sec_make_record(test, ctx, SEC_P_LEN, dsn);
	sec_kat(test, ctx->name, "record", rec, SEC_P_LEN + MPTCP_SEC_TAG_LEN);
	mptcp_sec_nonce(k->dir[MPTCP_SEC_C2S].data_iv, dsn, nonce);
	sec_kat(test, ctx->name, "record_nonce", nonce, sizeof(nonce));

	/* round trip: the server opens it */
	sg_init_one(&sg, rec, SEC_P_LEN + MPTCP_SEC_TAG_LEN);
	KUNIT_ASSERT_EQ(test, mptcp_sec_record_open(&ctx->st[MPTCP_SEC_C2S].data,
						    dsn, &sg, SEC_P_LEN,
						    GFP_ATOMIC), 0);
	for (i = 0; i < SEC_P_LEN; i++)
		KUNIT_EXPECT_EQ(test, rec[i], (u8)i);
}

static void mptcp_sec_test_kat_opt(struct kunit *test)
{
	struct sec_ctx *ctx = sec_ctx_get(test);
	const struct mptcp_sec_keys *k = &ctx->keys;
	u8 tag[MPTCP_SEC_TAG_LEN], other[16];
	struct mptcp_sec_opt_vals v;
	u8 *rec, *aad;
	int len;

	aad = kunit_kzalloc(test, MPTCP_SEC_OPT_AAD_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, aad);

	/* data record, c2s, ctr 0, then its Tdata */
	rec = sec_make_record(test, ctx, SEC_P_LEN, k->idsn_c + 1);
	sec_data_vals(&v, k, rec + SEC_P_LEN);
	len = mptcp_sec_opt_aad(&v, aad, MPTCP_SEC_OPT_AAD_MAX);
	KUNIT_ASSERT_EQ(test, len, MPTCP_SEC_OPT_AAD_FIXED_LEN +
			MPTCP_SEC_TAG_LEN);
	KUNIT_ASSERT_EQ(test, mptcp_sec_opt_tag(&ctx->st[MPTCP_SEC_C2S].opt, 0,
						&v, tag, GFP_KERNEL), 0);
	sec_kat(test, ctx->name, "topt_data", tag, sizeof(tag));
	sec_kat(test, ctx->name, "topt_data_aad", aad, len);
	KUNIT_EXPECT_EQ(test, mptcp_sec_opt_verify(&ctx->st[MPTCP_SEC_C2S].opt,
						   0, &v, tag, GFP_ATOMIC), 0);

	/* control record, s2c, ctr 7, ADD_ADDR */
	sec_control_vals(test, &v, k, other, sizeof(other));
	len = mptcp_sec_opt_aad(&v, aad, MPTCP_SEC_OPT_AAD_MAX);
	KUNIT_ASSERT_EQ(test, len, MPTCP_SEC_OPT_AAD_FIXED_LEN + 10);
	KUNIT_ASSERT_EQ(test, mptcp_sec_opt_tag(&ctx->st[MPTCP_SEC_S2C].opt, 7,
						&v, tag, GFP_KERNEL), 0);
	sec_kat(test, ctx->name, "topt_control", tag, sizeof(tag));
	sec_kat(test, ctx->name, "topt_control_aad", aad, len);
	KUNIT_EXPECT_EQ(test, mptcp_sec_opt_verify(&ctx->st[MPTCP_SEC_S2C].opt,
						   7, &v, tag, GFP_ATOMIC), 0);
}

static void mptcp_sec_test_kat_hmacs(struct kunit *test)
{
	struct sec_ctx *ctx = sec_ctx_get(test);
	const struct mptcp_sec_keys *k = &ctx->keys;
	u8 synack[MPTCP_SEC_JOIN_SYNACK_HMAC_LEN];
	u8 ack[MPTCP_SEC_JOIN_ACK_HMAC_LEN];
	u8 addr[MPTCP_SEC_ADD_ADDR_HMAC_LEN];
	u8 fc[MPTCP_SEC_FASTCLOSE_LEN];
	u8 other[MPTCP_SEC_JOIN_ACK_HMAC_LEN];
	u8 be[4];
	u32 sfid;

	/* the client initiates: the server responds */
	KUNIT_ASSERT_EQ(test, mptcp_sec_join_synack_hmac(k, MPTCP_SEC_SERVER,
							 SEC_RR, SEC_RI, 0x01,
							 2, synack), 0);
	sec_kat(test, ctx->name, "join_synack_hmac", synack, sizeof(synack));
	KUNIT_ASSERT_EQ(test, mptcp_sec_join_ack_hmac(k, MPTCP_SEC_CLIENT,
						      SEC_RI, SEC_RR, 0x00, 0,
						      ack), 0);
	sec_kat(test, ctx->name, "join_ack_hmac", ack, sizeof(ack));
	KUNIT_ASSERT_EQ(test, mptcp_sec_sfid(k, SEC_RI, SEC_RR, &sfid), 0);
	KUNIT_EXPECT_TRUE(test, sfid & MPTCP_SEC_SFID_FLAG);
	put_unaligned_be32(sfid, be);
	sec_kat(test, ctx->name, "sfid", be, sizeof(be));
	KUNIT_ASSERT_EQ(test, mptcp_sec_add_addr_hmac(k, MPTCP_SEC_SERVER,
						      SEC_ADDR_ID, sec_addr,
						      sizeof(sec_addr), 0,
						      addr), 0);
	sec_kat(test, ctx->name, "addaddr_hmac", addr, sizeof(addr));
	KUNIT_ASSERT_EQ(test, mptcp_sec_fastclose_key(k, MPTCP_SEC_CLIENT, fc),
			0);
	sec_kat(test, ctx->name, "fastclose", fc, sizeof(fc));

	/* each role has its own keys: the other role's values differ */
	KUNIT_ASSERT_EQ(test, mptcp_sec_join_synack_hmac(k, MPTCP_SEC_CLIENT,
							 SEC_RR, SEC_RI, 0x01,
							 2, other), 0);
	KUNIT_EXPECT_NE(test, crypto_memneq(synack, other,
					    sizeof(synack)), 0);
	KUNIT_ASSERT_EQ(test, mptcp_sec_join_ack_hmac(k, MPTCP_SEC_SERVER,
						      SEC_RI, SEC_RR, 0x00, 0,
						      other), 0);
	KUNIT_EXPECT_NE(test, crypto_memneq(ack, other, sizeof(ack)),
			0);
	/* a changed B bit or address ID fails the check */
	KUNIT_ASSERT_EQ(test, mptcp_sec_join_synack_hmac(k, MPTCP_SEC_SERVER,
							 SEC_RR, SEC_RI, 0x00,
							 2, other), 0);
	KUNIT_EXPECT_NE(test, crypto_memneq(synack, other,
					    sizeof(synack)), 0);
	KUNIT_ASSERT_EQ(test, mptcp_sec_join_ack_hmac(k, MPTCP_SEC_CLIENT,
						      SEC_RI, SEC_RR, 0x00, 1,
						      other), 0);
	KUNIT_EXPECT_NE(test, crypto_memneq(ack, other, sizeof(ack)),
			0);
	KUNIT_ASSERT_EQ(test, mptcp_sec_fastclose_key(k, MPTCP_SEC_SERVER,
						      other), 0);
	KUNIT_EXPECT_NE(test, crypto_memneq(fc, other, sizeof(fc)), 0);
	KUNIT_ASSERT_EQ(test, mptcp_sec_add_addr_hmac(k, MPTCP_SEC_SERVER,
						      SEC_ADDR_ID, sec_addr,
						      sizeof(sec_addr), 80,
						      other), 0);
	KUNIT_EXPECT_NE(test, crypto_memneq(addr, other, sizeof(addr)),
			0);
	/* and the same input verifies */
	KUNIT_ASSERT_EQ(test, mptcp_sec_fastclose_key(k, MPTCP_SEC_CLIENT,
						      other), 0);
	KUNIT_EXPECT_EQ(test, crypto_memneq(fc, other, sizeof(fc)), 0);
	/* an unknown role is rejected */
	KUNIT_EXPECT_EQ(test, mptcp_sec_fastclose_key(k, MPTCP_SEC_NR_ROLES,
						      other), -EINVAL);
	KUNIT_EXPECT_EQ(test, mptcp_sec_join_ack_hmac(k, MPTCP_SEC_NR_ROLES,
						      SEC_RI, SEC_RR, 0x00, 0,
						      other), -EINVAL);
}

/* The key schedule, HKDF and the HMACs run in softirq and under spinlocks
 * (CONFIG_DEBUG_ATOMIC_SLEEP reports any sleep) and give the same values
 * there as in process context.
 */
static void mptcp_sec_test_any_context(struct kunit *test)
{
	struct sec_ctx *ctx = sec_ctx_get(test);
	u8 ack[MPTCP_SEC_JOIN_ACK_HMAC_LEN], ack2[MPTCP_SEC_JOIN_ACK_HMAC_LEN];
	u8 fc[MPTCP_SEC_FASTCLOSE_LEN], fc2[MPTCP_SEC_FASTCLOSE_LEN];
	u8 prk[MPTCP_SEC_HASH_LEN], okm[2 * MPTCP_SEC_HASH_LEN + 1];
	static DEFINE_SPINLOCK(lock);
	struct mptcp_sec_keys *keys;
	int err[5];
	u8 rc[8], rs[8];
	u32 sfid, sfid2;

	keys = kunit_kzalloc(test, sizeof(*keys), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, keys);
	sec_default_randoms(rc, rs);

	spin_lock_bh(&lock);
	err[0] = sec_derive(ctx->keys.suite, rc, rs, keys);
	err[1] = mptcp_sec_join_ack_hmac(keys, MPTCP_SEC_CLIENT, SEC_RI,
					 SEC_RR, 0x00, 0, ack);
	err[2] = mptcp_sec_sfid(keys, SEC_RI, SEC_RR, &sfid);
	err[3] = mptcp_sec_fastclose_key(keys, MPTCP_SEC_SERVER, fc);
	err[4] = mptcp_sec_hkdf_expand(ctx->keys.th, rc, sizeof(rc), okm,
				       sizeof(okm));
	spin_unlock_bh(&lock);

	KUNIT_ASSERT_EQ(test, err[0], 0);
	KUNIT_ASSERT_EQ(test, err[1], 0);
	KUNIT_ASSERT_EQ(test, err[2], 0);
	KUNIT_ASSERT_EQ(test, err[3], 0);
	KUNIT_ASSERT_EQ(test, err[4], 0);
	KUNIT_EXPECT_EQ(test, memcmp(keys, &ctx->keys, sizeof(*keys)), 0);

	KUNIT_ASSERT_EQ(test, mptcp_sec_join_ack_hmac(&ctx->keys,
						      MPTCP_SEC_CLIENT, SEC_RI,
						      SEC_RR, 0x00, 0, ack2),
			0);
	KUNIT_EXPECT_EQ(test, memcmp(ack, ack2, sizeof(ack)), 0);
	KUNIT_ASSERT_EQ(test, mptcp_sec_sfid(&ctx->keys, SEC_RI, SEC_RR,
					     &sfid2), 0);
	KUNIT_EXPECT_EQ(test, sfid, sfid2);
	KUNIT_ASSERT_EQ(test, mptcp_sec_fastclose_key(&ctx->keys,
						      MPTCP_SEC_SERVER, fc2),
			0);
	KUNIT_EXPECT_EQ(test, memcmp(fc, fc2, sizeof(fc)), 0);

	/* HKDF-Expand of 65 bytes is T(1) || T(2) || T(3)[:1]: T(1) of the
	 * same PRK and info is its first 32 bytes
	 */
	KUNIT_ASSERT_EQ(test, mptcp_sec_hkdf_expand(ctx->keys.th, rc,
						    sizeof(rc), prk,
						    sizeof(prk)), 0);
	KUNIT_EXPECT_EQ(test, memcmp(prk, okm, sizeof(prk)), 0);
	KUNIT_EXPECT_EQ(test, mptcp_sec_hkdf_expand(ctx->keys.th, NULL, 0, okm,
						    255 * MPTCP_SEC_HASH_LEN +
						    1), -EINVAL);

	mptcp_sec_keys_wipe(keys);
}

/* ---------------------------------------------------------------------
 * Tampering: every single-bit change must be rejected
 */

#define SEC_SMALL_P	4

static void mptcp_sec_test_record_tamper(struct kunit *test)
{
	struct sec_ctx *ctx = sec_ctx_get(test);
	const struct mptcp_sec_aead *data = &ctx->st[MPTCP_SEC_C2S].data;
	unsigned int len = SEC_SMALL_P + MPTCP_SEC_TAG_LEN;
	u64 dsn = ctx->keys.idsn_c + 1;
	u8 aad[MPTCP_SEC_DATA_AAD_LEN];
	struct scatterlist sg;
	unsigned int bit;
	u8 *rec, *buf;

	rec = sec_make_record(test, ctx, SEC_SMALL_P, dsn);
	buf = kunit_kzalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	sg_init_one(&sg, buf, len);

	/* intact: opens (decryption happens in place, so copy first) */
	memcpy(buf, rec, len);
	KUNIT_EXPECT_EQ(test, mptcp_sec_record_open(data, dsn, &sg,
						    SEC_SMALL_P, GFP_ATOMIC),
			0);

	/* every bit of C and Tdata */
	for (bit = 0; bit < len * 8; bit++) {
		memcpy(buf, rec, len);
		buf[bit / 8] ^= BIT(bit % 8);
		KUNIT_EXPECT_EQ_MSG(test,
				    mptcp_sec_record_open(data, dsn, &sg,
							  SEC_SMALL_P,
							  GFP_ATOMIC),
				    -EBADMSG, "bit %u", bit);
	}

	/* every bit of the AAD u64 dsn || u16 p, same nonce */
	put_unaligned_be64(dsn, &aad[0]);
	put_unaligned_be16(SEC_SMALL_P, &aad[8]);
	memcpy(buf, rec, len);
	KUNIT_EXPECT_EQ(test, mptcp_sec_aead_crypt(data, dsn, aad, sizeof(aad),
						   &sg, len, false, GFP_KERNEL),
			0);
	for (bit = 0; bit < sizeof(aad) * 8; bit++) {
		memcpy(buf, rec, len);
		aad[bit / 8] ^= BIT(bit % 8);
		KUNIT_EXPECT_EQ_MSG(test,
				    mptcp_sec_aead_crypt(data, dsn, aad,
							 sizeof(aad), &sg, len,
							 false, GFP_KERNEL),
				    -EBADMSG, "aad bit %u", bit);
		aad[bit / 8] ^= BIT(bit % 8);
	}

	/* every bit of the DSN through the API (AAD and nonce change) */
	for (bit = 0; bit < 64; bit++) {
		memcpy(buf, rec, len);
		KUNIT_EXPECT_EQ_MSG(test,
				    mptcp_sec_record_open(data, dsn ^ BIT_ULL(bit),
							  &sg, SEC_SMALL_P,
							  GFP_ATOMIC),
				    -EBADMSG, "dsn bit %u", bit);
	}

	/* wrong direction */
	memcpy(buf, rec, len);
	KUNIT_EXPECT_EQ(test,
			mptcp_sec_record_open(&ctx->st[MPTCP_SEC_S2C].data,
					      dsn, &sg, SEC_SMALL_P,
					      GFP_ATOMIC), -EBADMSG);
	/* option key and nonce used for data */
	memcpy(buf, rec, len);
	KUNIT_EXPECT_EQ(test,
			mptcp_sec_record_open(&ctx->st[MPTCP_SEC_C2S].opt,
					      dsn, &sg, SEC_SMALL_P,
					      GFP_ATOMIC), -EBADMSG);
	/* a shorter or longer p */
	memcpy(buf, rec, len);
	KUNIT_EXPECT_EQ(test, mptcp_sec_record_open(data, dsn, &sg,
						    SEC_SMALL_P - 1,
						    GFP_ATOMIC), -EBADMSG);
}

static void sec_opt_tamper(struct kunit *test, struct sec_ctx *ctx,
			   enum mptcp_sec_dir dir, u64 ctr,
			   struct mptcp_sec_opt_vals *v)
{
	const struct mptcp_sec_aead *opt = &ctx->st[dir].opt;
	u8 tag[MPTCP_SEC_TAG_LEN], other_tag[MPTCP_SEC_TAG_LEN];
	unsigned int bit;
	u8 *aad;
	int len;

	aad = kunit_kzalloc(test, MPTCP_SEC_OPT_AAD_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, aad);
	len = mptcp_sec_opt_aad(v, aad, MPTCP_SEC_OPT_AAD_MAX);
	KUNIT_ASSERT_GT(test, len, 0);
	KUNIT_ASSERT_EQ(test, mptcp_sec_opt_tag(opt, ctr, v, tag, GFP_KERNEL),
			0);
	KUNIT_EXPECT_EQ(test, mptcp_sec_opt_verify(opt, ctr, v, tag,
						   GFP_ATOMIC), 0);

	/* every bit of Topt */
	for (bit = 0; bit < sizeof(tag) * 8; bit++) {
		tag[bit / 8] ^= BIT(bit % 8);
		KUNIT_EXPECT_EQ_MSG(test,
				    mptcp_sec_opt_verify(opt, ctr, v, tag,
							 GFP_ATOMIC),
				    -EBADMSG, "topt bit %u", bit);
		tag[bit / 8] ^= BIT(bit % 8);
	}

	/* every bit of the canonical options (Tdata included) */
	for (bit = 0; bit < len * 8; bit++) {
		aad[bit / 8] ^= BIT(bit % 8);
		KUNIT_ASSERT_EQ(test, mptcp_sec_opt_tag_raw(opt, ctr, aad, len,
							    other_tag,
							    GFP_KERNEL), 0);
		KUNIT_EXPECT_NE_MSG(test, crypto_memneq(tag, other_tag,
							sizeof(tag)),
				    0, "aad bit %u", bit);
		aad[bit / 8] ^= BIT(bit % 8);
	}

	/* every bit of the counter */
	for (bit = 0; bit < 64; bit++)
		KUNIT_EXPECT_EQ_MSG(test,
				    mptcp_sec_opt_verify(opt, ctr ^ BIT_ULL(bit),
							 v, tag, GFP_ATOMIC),
				    -EBADMSG, "ctr bit %u", bit);

	/* wrong direction, and the data key and nonce used for a tag */
	KUNIT_EXPECT_EQ(test, mptcp_sec_opt_verify(&ctx->st[!dir].opt, ctr, v,
						   tag, GFP_ATOMIC), -EBADMSG);
	KUNIT_EXPECT_EQ(test, mptcp_sec_opt_verify(&ctx->st[dir].data, ctr, v,
						   tag, GFP_ATOMIC), -EBADMSG);
}

static void mptcp_sec_test_opt_tamper(struct kunit *test)
{
	struct sec_ctx *ctx = sec_ctx_get(test);
	const struct mptcp_sec_keys *k = &ctx->keys;
	u8 tdata[MPTCP_SEC_TAG_LEN], other[16];
	struct mptcp_sec_opt_vals v;
	u8 tag[MPTCP_SEC_TAG_LEN];
	unsigned int bit;
	u8 *rec;

	rec = sec_make_record(test, ctx, SEC_SMALL_P, k->idsn_c + 1);
	memcpy(tdata, rec + SEC_SMALL_P, sizeof(tdata));
	sec_data_vals(&v, k, tdata);
	sec_opt_tamper(test, ctx, MPTCP_SEC_C2S, 0, &v);

	/* every bit of Tdata through the values */
	KUNIT_ASSERT_EQ(test, mptcp_sec_opt_tag(&ctx->st[MPTCP_SEC_C2S].opt, 0,
						&v, tag, GFP_KERNEL), 0);
	for (bit = 0; bit < sizeof(tdata) * 8; bit++) {
		tdata[bit / 8] ^= BIT(bit % 8);
		KUNIT_EXPECT_EQ_MSG(test,
				    mptcp_sec_opt_verify(&ctx->st[MPTCP_SEC_C2S].opt,
							 0, &v, tag,
							 GFP_ATOMIC),
				    -EBADMSG, "tdata bit %u", bit);
		tdata[bit / 8] ^= BIT(bit % 8);
	}

	sec_control_vals(test, &v, k, other, sizeof(other));
	sec_opt_tamper(test, ctx, MPTCP_SEC_S2C, 7, &v);
}

static void mptcp_sec_test_fc_tamper(struct kunit *test)
{
	struct sec_ctx *ctx = sec_ctx_get(test);
	u8 fc[MPTCP_SEC_FC_LEN];
	unsigned int bit;

	memcpy(fc, ctx->keys.fc, sizeof(fc));
	KUNIT_EXPECT_EQ(test, mptcp_sec_fc_verify(&ctx->keys, fc), 0);
	for (bit = 0; bit < sizeof(fc) * 8; bit++) {
		fc[bit / 8] ^= BIT(bit % 8);
		KUNIT_EXPECT_EQ_MSG(test, mptcp_sec_fc_verify(&ctx->keys, fc),
				    -EBADMSG, "fc bit %u", bit);
		fc[bit / 8] ^= BIT(bit % 8);
	}
}

/* ---------------------------------------------------------------------
 * Malformed input
 */

struct sec_other_case {
	const char *desc;
	u8 bytes[32];
	u8 len;
	bool valid;
};

/* canonical other options: at most one of each, in subtype order */
static const struct sec_other_case sec_other_cases[] = {
	{ "add_addr v4", { 3, 8, 1, 4, 10, 0, 0, 1, 0, 0 }, 10, true },
	{ "add_addr v6", { 3, 20, 1, 6 }, 22, true },
	{ "add_addr echo", { 3, 8, 1, 0x84, 10, 0, 0, 1, 0, 0 }, 10, true },
	{ "add_addr v6 echo", { 3, 20, 1, 0x86 }, 22, true },
	{ "add_addr family 5", { 3, 8, 1, 5, 10, 0, 0, 1, 0, 0 }, 10, false },
	{ "add_addr 0x44", { 3, 8, 1, 0x44, 10, 0, 0, 1, 0, 0 }, 10, false },
	{ "remove_addr", { 4, 2, 1, 2 }, 4, true },
	{ "all three", { 3, 8, 1, 4, 10, 0, 0, 1, 0, 80, 4, 1, 7, 5, 2, 0, 1 },
	  17, true },
	{ "out of order", { 5, 2, 0, 1, 4, 1, 7 }, 7, false },
	{ "twice", { 4, 1, 1, 4, 1, 2 }, 6, false },
	{ "unknown subtype", { 6, 1, 0 }, 3, false },
	{ "subtype 0", { 0, 0 }, 2, false },
	{ "truncated header", { 4 }, 1, false },
	{ "truncated value", { 4, 3, 1, 2 }, 4, false },
	{ "add_addr v4 as 6", { 3, 8, 1, 6, 10, 0, 0, 1, 0, 0 }, 10, false },
	{ "add_addr bad vlen", { 3, 7, 1, 4, 10, 0, 0, 1, 0 }, 9, false },
	{ "remove_addr empty", { 4, 0 }, 2, false },
	{ "mp_prio bad backup", { 5, 2, 2, 1 }, 4, false },
	{ "mp_prio bad vlen", { 5, 3, 1, 1, 0 }, 5, false },
};

static void mptcp_sec_test_malformed(struct kunit *test)
{
	u8 other[4] = { MPTCP_SEC_CANON_MP_PRIO, 2, 1, 3 };
	u8 tdata[MPTCP_SEC_TAG_LEN] = {}, buf[128];
	u8 secret[MPTCP_SEC_PSK_MAX_LEN + 1] = {};
	u8 th[MPTCP_SEC_HASH_LEN] = {};
	struct mptcp_sec_opt_vals good, v;
	struct mptcp_sec_keys *keys;
	u8 addr[16] = {};
	unsigned int i;

	memset(&good, 0, sizeof(good));
	good.type = MPTCP_SEC_REC_DATA;
	good.flags = MPTCP_SEC_DSS_DATA_ACK | MPTCP_SEC_DSS_MAPPING;
	good.data_ack = 1;
	good.dsn = 2;
	good.data_len = 41;
	good.tdata = tdata;
	KUNIT_EXPECT_EQ(test, mptcp_sec_opt_aad(&good, buf, sizeof(buf)), 46);
	/* exactly large enough, one byte short */
	KUNIT_EXPECT_EQ(test, mptcp_sec_opt_aad(&good, buf, 46), 46);
	KUNIT_EXPECT_EQ(test, mptcp_sec_opt_aad(&good, buf, 45), -EINVAL);

	v = good;
	v.type = 0;
	KUNIT_EXPECT_EQ(test, mptcp_sec_opt_aad(&v, buf, sizeof(buf)), -EINVAL);
	v.type = 3;
	KUNIT_EXPECT_EQ(test, mptcp_sec_opt_aad(&v, buf, sizeof(buf)), -EINVAL);
	v = good;
	v.tdata = NULL;
	KUNIT_EXPECT_EQ(test, mptcp_sec_opt_aad(&v, buf, sizeof(buf)), -EINVAL);
	v = good;
	v.type = MPTCP_SEC_REC_CONTROL;
	KUNIT_EXPECT_EQ(test, mptcp_sec_opt_aad(&v, buf, sizeof(buf)), -EINVAL);
	v = good;
	v.flags |= BIT(3);
	KUNIT_EXPECT_EQ(test, mptcp_sec_opt_aad(&v, buf, sizeof(buf)), -EINVAL);
	v = good;
	v.flags &= ~MPTCP_SEC_DSS_DATA_ACK;
	KUNIT_EXPECT_EQ(test, mptcp_sec_opt_aad(&v, buf, sizeof(buf)), -EINVAL);
	v = good;
	v.flags &= ~MPTCP_SEC_DSS_MAPPING;
	KUNIT_EXPECT_EQ(test, mptcp_sec_opt_aad(&v, buf, sizeof(buf)), -EINVAL);
	v = good;
	v.other_len = sizeof(other);
	KUNIT_EXPECT_EQ(test, mptcp_sec_opt_aad(&v, buf, sizeof(buf)), -EINVAL);
	v.other = other;
	KUNIT_EXPECT_EQ(test, mptcp_sec_opt_aad(&v, buf, sizeof(buf)), 50);
	v.other_len = MPTCP_SEC_OPT_OTHER_MAX + 1;
	KUNIT_EXPECT_EQ(test, mptcp_sec_opt_aad(&v, buf, sizeof(buf)), -EINVAL);

	/* the other options, one case at a time */
	for (i = 0; i < ARRAY_SIZE(sec_other_cases); i++) {
		const struct sec_other_case *c = &sec_other_cases[i];

		v = good;
		v.other = c->bytes;
		v.other_len = c->len;
		KUNIT_EXPECT_EQ_MSG(test,
				    mptcp_sec_opt_aad(&v, buf, sizeof(buf)),
				    c->valid ? 46 + c->len : -EINVAL,
				    "%s", c->desc);
	}

	KUNIT_EXPECT_EQ(test, mptcp_sec_canon_add_addr(buf, sizeof(buf), 1,
						       addr, 5, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mptcp_sec_canon_add_addr(buf, sizeof(buf), 1,
						       addr, 16, 80), 22);
	KUNIT_EXPECT_EQ(test, mptcp_sec_canon_add_addr(buf, 21, 1, addr, 16,
						       80), -EINVAL);
	KUNIT_EXPECT_EQ(test, mptcp_sec_canon_remove_addr(buf, sizeof(buf),
							  addr, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mptcp_sec_canon_remove_addr(buf, sizeof(buf),
							  addr, 3), 5);
	KUNIT_EXPECT_EQ(test, mptcp_sec_canon_mp_prio(buf, 3, true, 1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, mptcp_sec_canon_mp_prio(buf, 4, true, 1), 4);

	keys = kunit_kzalloc(test, sizeof(*keys), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, keys);
	KUNIT_EXPECT_EQ(test, mptcp_sec_key_schedule(secret, 32, th, 0x20,
						     keys), -EINVAL);
	KUNIT_EXPECT_EQ(test, mptcp_sec_key_schedule(secret, 32, th, 0x24,
						     keys), -EINVAL);
	KUNIT_EXPECT_EQ(test, mptcp_sec_key_schedule(secret,
						     MPTCP_SEC_PSK_MIN_LEN - 1,
						     th, 0x21, keys), -EINVAL);
	KUNIT_EXPECT_EQ(test, mptcp_sec_key_schedule(secret,
						     MPTCP_SEC_PSK_MAX_LEN + 1,
						     th, 0x21, keys), -EINVAL);
	KUNIT_EXPECT_EQ(test, mptcp_sec_key_schedule(secret,
						     MPTCP_SEC_PSK_MAX_LEN,
						     th, 0x21, keys), 0);
	mptcp_sec_keys_wipe(keys);
}

static void mptcp_sec_test_record_limits(struct kunit *test)
{
	struct sec_ctx *ctx = sec_ctx_get(test);
	const struct mptcp_sec_aead *data = &ctx->st[MPTCP_SEC_C2S].data;
	unsigned int len = MPTCP_SEC_MAX_PLAINTEXT + MPTCP_SEC_TAG_LEN;
	struct scatterlist sg;
	u8 *buf;

	buf = kunit_kzalloc(test, len + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	sg_init_one(&sg, buf, len + 1);

	KUNIT_EXPECT_EQ(test, mptcp_sec_record_seal(data, 1, &sg, 0,
						    GFP_KERNEL), -EINVAL);
	KUNIT_EXPECT_EQ(test, mptcp_sec_record_seal(data, 1, &sg,
						    MPTCP_SEC_MAX_PLAINTEXT + 1,
						    GFP_KERNEL), -EINVAL);
	KUNIT_EXPECT_EQ(test, mptcp_sec_record_open(data, 1, &sg, 0,
						    GFP_KERNEL), -EINVAL);

	/* the largest record round-trips, also across two entries */
	sg_init_one(&sg, buf, len);
	KUNIT_EXPECT_EQ(test, mptcp_sec_record_seal(data, 1, &sg,
						    MPTCP_SEC_MAX_PLAINTEXT,
						    GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, mptcp_sec_record_open(data, 1, &sg,
						    MPTCP_SEC_MAX_PLAINTEXT,
						    GFP_ATOMIC), 0);
	KUNIT_EXPECT_PTR_EQ(test,
			    memchr_inv(buf, 0, MPTCP_SEC_MAX_PLAINTEXT), NULL);
}

static void mptcp_sec_test_record_split(struct kunit *test)
{
	struct sec_ctx *ctx = sec_ctx_get(test);
	const struct mptcp_sec_aead *data = &ctx->st[MPTCP_SEC_S2C].data;
	unsigned int p = 1000, i;
	struct scatterlist sg[3];
	u8 *a, *b, *c;

	/* a record spread over three buffers, as over several skb frags */
	a = kunit_kzalloc(test, 300, GFP_KERNEL);
	b = kunit_kzalloc(test, 700, GFP_KERNEL);
	c = kunit_kzalloc(test, MPTCP_SEC_TAG_LEN, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c);
	for (i = 0; i < 300; i++)
		a[i] = i;
	for (i = 0; i < 700; i++)
		b[i] = i + 300;
	sg_init_table(sg, ARRAY_SIZE(sg));
	sg_set_buf(&sg[0], a, 300);
	sg_set_buf(&sg[1], b, 700);
	sg_set_buf(&sg[2], c, MPTCP_SEC_TAG_LEN);

	KUNIT_ASSERT_EQ(test, mptcp_sec_record_seal(data, 12345, sg, p,
						    GFP_KERNEL), 0);
	KUNIT_EXPECT_NE(test, memcmp(a + 10, b + 10, 10), 0);
	KUNIT_ASSERT_EQ(test, mptcp_sec_record_open(data, 12345, sg, p,
						    GFP_ATOMIC), 0);
	for (i = 0; i < 300; i++)
		KUNIT_EXPECT_EQ(test, a[i], (u8)i);
	for (i = 0; i < 700; i++)
		KUNIT_EXPECT_EQ(test, b[i], (u8)(i + 300));
}

/* ---------------------------------------------------------------------
 * Properties the spec claims
 */

static void mptcp_sec_test_nonces(struct kunit *test)
{
	static const u64 seqs[] = {
		0, 1, 2, 7, 255, 256, 0xffffffffULL, 0x100000000ULL,
		0x8000000000000000ULL, U64_MAX - 1, U64_MAX,
	};
	u8 iv[MPTCP_SEC_NONCE_LEN], n1[MPTCP_SEC_NONCE_LEN];
	u8 n2[MPTCP_SEC_NONCE_LEN];
	unsigned int i, j;

	for (i = 0; i < sizeof(iv); i++)
		iv[i] = 0x5a ^ (i * 37);

	/* nonce(iv, 0) == iv, the top 32 bits never change */
	mptcp_sec_nonce(iv, 0, n1);
	KUNIT_EXPECT_EQ(test, memcmp(n1, iv, sizeof(iv)), 0);

	/* distinct sequence numbers (ctr or dsn) -> distinct nonces */
	for (i = 0; i < ARRAY_SIZE(seqs); i++) {
		mptcp_sec_nonce(iv, seqs[i], n1);
		KUNIT_EXPECT_EQ(test, memcmp(n1, iv, 4), 0);
		KUNIT_EXPECT_EQ(test, get_unaligned_be64(&n1[4]) ^
				get_unaligned_be64(&iv[4]), seqs[i]);
		for (j = i + 1; j < ARRAY_SIZE(seqs); j++) {
			mptcp_sec_nonce(iv, seqs[j], n2);
			KUNIT_EXPECT_NE(test, memcmp(n1, n2, sizeof(n1)), 0);
		}
	}
	for (i = 0; i < 1024; i++) {
		mptcp_sec_nonce(iv, i, n1);
		mptcp_sec_nonce(iv, i + 1, n2);
		KUNIT_EXPECT_NE(test, memcmp(n1, n2, sizeof(n1)), 0);
	}
}

static void mptcp_sec_test_nonce_records(struct kunit *test)
{
	struct sec_ctx *ctx = sec_ctx_get(test);
	const struct mptcp_sec_keys *k = &ctx->keys;
	u8 t1[MPTCP_SEC_TAG_LEN], t2[MPTCP_SEC_TAG_LEN], other[16];
	struct mptcp_sec_opt_vals v;
	u8 *r1, *r2;

	/* the same plaintext at two DSNs: different ciphertext and tag */
	r1 = sec_make_record(test, ctx, SEC_P_LEN, k->idsn_c + 1);
	r2 = sec_make_record(test, ctx, SEC_P_LEN, k->idsn_c + 2);
	KUNIT_EXPECT_NE(test, memcmp(r1, r2, SEC_P_LEN + MPTCP_SEC_TAG_LEN),
			0);

	/* identical control information at two counters: different tags */
	sec_control_vals(test, &v, k, other, sizeof(other));
	KUNIT_ASSERT_EQ(test, mptcp_sec_opt_tag(&ctx->st[MPTCP_SEC_S2C].opt, 7,
						&v, t1, GFP_KERNEL), 0);
	KUNIT_ASSERT_EQ(test, mptcp_sec_opt_tag(&ctx->st[MPTCP_SEC_S2C].opt, 8,
						&v, t2, GFP_KERNEL), 0);
	KUNIT_EXPECT_NE(test, memcmp(t1, t2, sizeof(t1)), 0);
	/* the same values in the other direction: different tags */
	KUNIT_ASSERT_EQ(test, mptcp_sec_opt_tag(&ctx->st[MPTCP_SEC_C2S].opt, 7,
						&v, t2, GFP_KERNEL), 0);
	KUNIT_EXPECT_NE(test, memcmp(t1, t2, sizeof(t1)), 0);
	/* the data key and nonce do not give the option tag */
	KUNIT_ASSERT_EQ(test, mptcp_sec_opt_tag(&ctx->st[MPTCP_SEC_S2C].data, 7,
						&v, t2, GFP_KERNEL), 0);
	KUNIT_EXPECT_NE(test, memcmp(t1, t2, sizeof(t1)), 0);
}

/* all keys of one schedule pairwise distinct */
static void sec_expect_keys_distinct(struct kunit *test,
				     const struct mptcp_sec_keys *k)
{
	const u8 *key[] = {
		k->dir[MPTCP_SEC_C2S].data_key, k->dir[MPTCP_SEC_S2C].data_key,
		k->dir[MPTCP_SEC_C2S].opt_key, k->dir[MPTCP_SEC_S2C].opt_key,
		k->join_key[0], k->join_key[1], k->addr_key[0], k->addr_key[1],
		k->fastclose_key[0], k->fastclose_key[1], k->c_finished_key,
		&k->session_id[1],
	};
	const u8 *iv[] = {
		k->dir[MPTCP_SEC_C2S].data_iv, k->dir[MPTCP_SEC_S2C].data_iv,
		k->dir[MPTCP_SEC_C2S].opt_iv, k->dir[MPTCP_SEC_S2C].opt_iv,
	};
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(key); i++)
		for (j = i + 1; j < ARRAY_SIZE(key); j++)
			KUNIT_EXPECT_NE_MSG(test, memcmp(key[i], key[j],
							 k->key_len),
					    0, "keys %u and %u", i, j);
	for (i = 0; i < ARRAY_SIZE(iv); i++)
		for (j = i + 1; j < ARRAY_SIZE(iv); j++)
			KUNIT_EXPECT_NE_MSG(test, memcmp(iv[i], iv[j],
							 MPTCP_SEC_NONCE_LEN),
					    0, "ivs %u and %u", i, j);
}

/* no key or iv of @a equals the same one of @b */
static void sec_expect_conns_differ(struct kunit *test,
				    const struct mptcp_sec_keys *a,
				    const struct mptcp_sec_keys *b)
{
	unsigned int d;

	KUNIT_EXPECT_NE(test, memcmp(a->th, b->th, sizeof(a->th)), 0);
	for (d = 0; d < MPTCP_SEC_NR_DIRS; d++) {
		KUNIT_EXPECT_NE(test, memcmp(a->dir[d].data_key,
					     b->dir[d].data_key, 16), 0);
		KUNIT_EXPECT_NE(test, memcmp(a->dir[d].data_iv,
					     b->dir[d].data_iv, 12), 0);
		KUNIT_EXPECT_NE(test, memcmp(a->dir[d].opt_key,
					     b->dir[d].opt_key, 16), 0);
		KUNIT_EXPECT_NE(test, memcmp(a->dir[d].opt_iv,
					     b->dir[d].opt_iv, 12), 0);
	}
	KUNIT_EXPECT_NE(test, memcmp(a->join_key, b->join_key,
				     sizeof(a->join_key)), 0);
	KUNIT_EXPECT_NE(test, memcmp(a->session_id, b->session_id,
				     sizeof(a->session_id)), 0);
	KUNIT_EXPECT_NE(test, memcmp(a->fc, b->fc, sizeof(a->fc)), 0);
	KUNIT_EXPECT_NE(test, memcmp(a->keys_raw, b->keys_raw,
				     sizeof(a->keys_raw)), 0);
	KUNIT_EXPECT_NE(test, a->key_c, b->key_c);
	KUNIT_EXPECT_NE(test, a->key_s, b->key_s);
	KUNIT_EXPECT_NE(test, a->token_c, b->token_c);
	KUNIT_EXPECT_NE(test, a->idsn_s, b->idsn_s);
}

static void mptcp_sec_test_key_separation(struct kunit *test)
{
	const u8 *suite = test->param_value;
	struct mptcp_sec_keys *base, *other;
	u8 rc[8], rs[8];
	unsigned int i;

	base = kunit_kzalloc(test, sizeof(*base), GFP_KERNEL);
	other = kunit_kzalloc(test, sizeof(*other), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, base);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, other);

	sec_default_randoms(rc, rs);
	KUNIT_ASSERT_EQ(test, sec_derive(*suite, rc, rs, base), 0);
	/* c2s vs s2c, data vs opt, and every other label */
	sec_expect_keys_distinct(test, base);

	/* deterministic */
	KUNIT_ASSERT_EQ(test, sec_derive(*suite, rc, rs, other), 0);
	KUNIT_EXPECT_EQ(test, memcmp(base, other, sizeof(*base)), 0);

	/* two connections differing only in one bit of Rc, or of Rs */
	for (i = 0; i < 2; i++) {
		u8 *r = i ? rs : rc;

		r[7] ^= 1;
		KUNIT_ASSERT_EQ(test, sec_derive(*suite, rc, rs, other), 0);
		sec_expect_conns_differ(test, base, other);
		r[7] ^= 1;
	}

	/* the same randoms, another suite selected */
	KUNIT_ASSERT_EQ(test, sec_derive(*suite == MPTCP_SEC_SUITE_AES128GCM ?
					 MPTCP_SEC_SUITE_AES256GCM :
					 MPTCP_SEC_SUITE_AES128GCM,
					 rc, rs, other), 0);
	sec_expect_conns_differ(test, base, other);

	mptcp_sec_keys_wipe(base);
	mptcp_sec_keys_wipe(other);
}

/* ---------------------------------------------------------------------
 * Free when unused: the static key behind mptcp_sec_on() is off until
 * the first socket with MPTCPsec state (KUnit runs at boot, before any
 * user socket), a plain MPTCP socket leaves it off, MPTCP_SEC_POLICY
 * turns it on.
 */
static void mptcp_sec_test_static_key(struct kunit *test)
{
	int policy = MPTCP_SEC_POLICY_OPPORTUNISTIC;
	bool at_boot = static_key_enabled(&mptcp_sec_used);
	struct socket *sock;
	int err;

	err = sock_create_kern(&init_net, AF_INET, SOCK_STREAM, IPPROTO_MPTCP,
			       &sock);
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, static_key_enabled(&mptcp_sec_used), at_boot);
	err = sock->ops->setsockopt(sock, SOL_MPTCP, MPTCP_SEC_POLICY,
				    KERNEL_SOCKPTR(&policy), sizeof(policy));
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_TRUE(test, static_key_enabled(&mptcp_sec_used));
	sock_release(sock);
	kunit_info(test, "mptcp_sec_used at boot: %s, after MPTCP_SEC_POLICY: %s\n",
		   at_boot ? "on" : "off",
		   static_key_enabled(&mptcp_sec_used) ? "on" : "off");
	KUNIT_EXPECT_FALSE(test, at_boot);
}

static struct kunit_case mptcp_sec_test_cases[] = {
	KUNIT_CASE_PARAM(mptcp_sec_test_rfc5869, sec_hkdf_gen_params),
	KUNIT_CASE_PARAM(mptcp_sec_test_kat_keys, sec_suite_gen_params),
	KUNIT_CASE_PARAM(mptcp_sec_test_kat_record, sec_suite_gen_params),
	KUNIT_CASE_PARAM(mptcp_sec_test_kat_opt, sec_suite_gen_params),
	KUNIT_CASE_PARAM(mptcp_sec_test_kat_hmacs, sec_suite_gen_params),
	KUNIT_CASE_PARAM(mptcp_sec_test_any_context, sec_suite_gen_params),
	KUNIT_CASE_PARAM(mptcp_sec_test_record_tamper, sec_suite_gen_params),
	KUNIT_CASE_PARAM(mptcp_sec_test_opt_tamper, sec_suite_gen_params),
	KUNIT_CASE_PARAM(mptcp_sec_test_fc_tamper, sec_suite_gen_params),
	KUNIT_CASE(mptcp_sec_test_malformed),
	KUNIT_CASE_PARAM(mptcp_sec_test_record_limits, sec_suite_gen_params),
	KUNIT_CASE_PARAM(mptcp_sec_test_record_split, sec_suite_gen_params),
	KUNIT_CASE(mptcp_sec_test_nonces),
	KUNIT_CASE_PARAM(mptcp_sec_test_nonce_records, sec_suite_gen_params),
	KUNIT_CASE_PARAM(mptcp_sec_test_key_separation, sec_suite_gen_params),
	KUNIT_CASE(mptcp_sec_test_static_key),
	{}
};

static struct kunit_suite mptcp_sec_suite = {
	.name = "mptcp-sec",
	.test_cases = mptcp_sec_test_cases,
};

kunit_test_suite(mptcp_sec_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for the MPTCPsec cryptographic core");

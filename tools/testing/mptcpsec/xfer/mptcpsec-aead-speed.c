// SPDX-License-Identifier: GPL-2.0
/*
 * mptcpsec-aead-speed - how fast the kernel seals records with one AEAD
 * transform, from userspace through AF_ALG (CONFIG_CRYPTO_USER_API_AEAD).
 * For the throughput benchmark's bound min(plain MPTCP, AEAD): bind the
 * synchronous driver MPTCPsec allocates (e.g.
 * gcm_base(ctr(aes-aesni),ghash-generic)) and seal records of the size
 * MPTCPsec uses (up to 16384 bytes, 10 bytes of AAD: u64 DSN || u16 p).
 *
 * Each record is one sendmsg() (op, IV, AAD length, AAD || plaintext) and
 * one read() (AAD || ciphertext || tag): the figure includes two copies
 * per record and two system calls, so it is a lower estimate of the
 * transform's own speed.  One line on stdout:
 *   aead=DRIVER key=BYTES size=BYTES records=N seconds=S mbit=M
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <linux/if_alg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#ifndef SOL_ALG
#define SOL_ALG			279
#endif

#define PROG			"mptcpsec-aead-speed"
#define AAD_LEN			10	/* u64 DSN || u16 p (mptcpsec.rst) */
#define IV_LEN			12
#define TAG_LEN			16
#define MAX_SIZE		1048576

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void help(int status)
{
	fprintf(status ? stderr : stdout,
		"usage: " PROG " -d DRIVER [-k KEYBYTES] [-s SIZE] [-t SECONDS]\n"
		"  -d DRIVER   AEAD algorithm or driver name for AF_ALG, e.g.\n"
		"              gcm_base(ctr(aes-aesni),ghash-generic)\n"
		"  -k BYTES    key length (default 16)\n"
		"  -s SIZE     plaintext bytes per record (default 16384)\n"
		"  -t SECONDS  how long to seal records (default 1)\n"
		"exit status: 0 measured, 2 usage error, 3 AF_ALG error\n");
	exit(status);
}

/* Seal one record of @size bytes on the operation socket @op. */
static int seal(int op, uint8_t *in, uint8_t *out, size_t size, uint64_t seq)
{
	char cbuf[CMSG_SPACE(sizeof(uint32_t)) +
		  CMSG_SPACE(sizeof(struct af_alg_iv) + IV_LEN) +
		  CMSG_SPACE(sizeof(uint32_t))] = { 0 };
	struct iovec iov = { .iov_base = in, .iov_len = AAD_LEN + size };
	struct msghdr mh = {
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
		.msg_iov = &iov, .msg_iovlen = 1,
	};
	struct af_alg_iv *iv;
	struct cmsghdr *c;
	size_t want = AAD_LEN + size + TAG_LEN;
	ssize_t n;

	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_ALG;
	c->cmsg_type = ALG_SET_OP;
	c->cmsg_len = CMSG_LEN(sizeof(uint32_t));
	*(uint32_t *)CMSG_DATA(c) = ALG_OP_ENCRYPT;

	c = CMSG_NXTHDR(&mh, c);
	c->cmsg_level = SOL_ALG;
	c->cmsg_type = ALG_SET_IV;
	c->cmsg_len = CMSG_LEN(sizeof(*iv) + IV_LEN);
	iv = (struct af_alg_iv *)CMSG_DATA(c);
	iv->ivlen = IV_LEN;
	memset(iv->iv, 0, IV_LEN);
	memcpy(iv->iv + IV_LEN - sizeof(seq), &seq, sizeof(seq));

	c = CMSG_NXTHDR(&mh, c);
	c->cmsg_level = SOL_ALG;
	c->cmsg_type = ALG_SET_AEAD_ASSOCLEN;
	c->cmsg_len = CMSG_LEN(sizeof(uint32_t));
	*(uint32_t *)CMSG_DATA(c) = AAD_LEN;

	memcpy(in, &seq, sizeof(seq));
	if (sendmsg(op, &mh, 0) != (ssize_t)(AAD_LEN + size)) {
		fprintf(stderr, PROG ": sendmsg: %s\n", strerror(errno));
		return -1;
	}
	n = read(op, out, want);
	if (n != (ssize_t)want) {
		fprintf(stderr, PROG ": read: %s (%zd of %zu bytes)\n",
			n < 0 ? strerror(errno) : "short", n, want);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_alg sa = { .salg_family = AF_ALG, .salg_type = "aead" };
	unsigned long keylen = 16, size = 16384;
	uint8_t key[64], *in = NULL, *out = NULL;
	const char *driver = NULL;
	int c, tfm = -1, op = -1, ret = 3;
	double secs = 1, t0, t;
	uint64_t n = 0;

	while ((c = getopt(argc, argv, "d:k:s:t:h")) != -1) {
		switch (c) {
		case 'd':
			driver = optarg;
			break;
		case 'k':
			keylen = strtoul(optarg, NULL, 10);
			break;
		case 's':
			size = strtoul(optarg, NULL, 10);
			break;
		case 't':
			secs = strtod(optarg, NULL);
			break;
		case 'h':
			help(0);
			break;
		default:
			help(2);
		}
	}
	if (!driver || optind != argc || strlen(driver) >= sizeof(sa.salg_name) ||
	    !keylen || keylen > sizeof(key) || !size || size > MAX_SIZE ||
	    !(secs > 0 && secs <= 600))
		help(2);
	strcpy((char *)sa.salg_name, driver);
	for (c = 0; c < (int)keylen; c++)
		key[c] = c * 7 + 1;

	in = calloc(1, AAD_LEN + size);
	out = malloc(AAD_LEN + size + TAG_LEN);
	if (!in || !out) {
		fprintf(stderr, PROG ": out of memory\n");
		goto out;
	}
	tfm = socket(AF_ALG, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (tfm < 0 || bind(tfm, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, PROG ": AF_ALG aead '%s': %s\n", driver,
			strerror(errno));
		goto out;
	}
	if (setsockopt(tfm, SOL_ALG, ALG_SET_KEY, key, keylen) < 0 ||
	    setsockopt(tfm, SOL_ALG, ALG_SET_AEAD_AUTHSIZE, NULL, TAG_LEN) < 0) {
		fprintf(stderr, PROG ": setsockopt(ALG_SET_KEY/AUTHSIZE): %s\n",
			strerror(errno));
		goto out;
	}
	op = accept4(tfm, NULL, NULL, SOCK_CLOEXEC);
	if (op < 0) {
		fprintf(stderr, PROG ": accept: %s\n", strerror(errno));
		goto out;
	}
	/* one record first: a failing transform fails before timing */
	if (seal(op, in, out, size, 0) < 0)
		goto out;
	t0 = now_sec();
	do {
		if (seal(op, in, out, size, ++n) < 0)
			goto out;
		t = now_sec() - t0;
	} while (t < secs);
	printf("aead=%s key=%lu size=%lu records=%llu seconds=%.3f mbit=%.1f\n",
	       driver, keylen, size, (unsigned long long)n, t,
	       n * size * 8 / t / 1e6);
	ret = 0;
out:
	if (op >= 0)
		close(op);
	if (tfm >= 0)
		close(tfm);
	free(in);
	free(out);
	return ret;
}

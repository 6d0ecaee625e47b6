/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hex keys for MPTCPsec's test tools (mptcpsec-xfer, the preload library):
 * one parser, so that both take and refuse the same strings.
 */
#ifndef MPTCPSEC_HEX_H
#define MPTCPSEC_HEX_H

#include <stddef.h>
#include <string.h>

static inline int mptcpsec_hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * mptcpsec_hex_decode - S (an even number of hex digits, 1 to MAX bytes)
 * into OUT; sets *LEN.  Returns 0, or -1 for anything else (OUT may then
 * hold part of the key: the caller wipes it).
 */
static inline int mptcpsec_hex_decode(const char *s, unsigned char *out,
				      size_t max, size_t *len)
{
	size_t n = strlen(s), i;
	int hi, lo;

	if (!n || n % 2 || n / 2 > max)
		return -1;
	for (i = 0; i < n / 2; i++) {
		hi = mptcpsec_hex_nibble(s[2 * i]);
		lo = mptcpsec_hex_nibble(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = hi << 4 | lo;
	}
	*len = n / 2;
	return 0;
}

#endif /* MPTCPSEC_HEX_H */

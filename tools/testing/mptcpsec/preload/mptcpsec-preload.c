// SPDX-License-Identifier: GPL-2.0
/*
 * libmptcpsec-preload.so - turn MPTCPsec on for MPTCP sockets of programs
 * that know nothing about it (like mptcpize does for MPTCP itself):
 *
 *   MPTCPSEC_KEY=<32..128 hex digits> [MPTCPSEC_POLICY=0|1|2] \
 *	LD_PRELOAD=libmptcpsec-preload.so program ...
 *
 * After every socket(..., IPPROTO_MPTCP) it sets MPTCP_SEC_POLICY (default
 * 2, required) and MPTCP_SEC_KEY on SOL_MPTCP.  A failure is reported on
 * stderr and makes socket() fail with that errno: a program never runs
 * unprotected by mistake.  Without MPTCPSEC_KEY it does nothing.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/mptcp_sec.h>
#include "../include/mptcpsec_hex.h"

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP	262
#endif
#ifndef SOL_MPTCP
#define SOL_MPTCP	284
#endif

static int secure(int fd)
{
	const char *hex = getenv("MPTCPSEC_KEY");
	const char *pol = getenv("MPTCPSEC_POLICY");
	unsigned char key[MPTCP_SEC_KEY_MAX_LEN];
	int policy = pol ? atoi(pol) : MPTCP_SEC_POLICY_REQUIRED;
	size_t len = 0;
	int err;

	if (!hex)
		return 0;
	err = mptcpsec_hex_decode(hex, key, sizeof(key), &len) ? EINVAL : 0;
	if (!err &&
	    setsockopt(fd, SOL_MPTCP, MPTCP_SEC_POLICY, &policy, sizeof(policy)))
		err = errno;
	if (!err && setsockopt(fd, SOL_MPTCP, MPTCP_SEC_KEY, key, len))
		err = errno;
	memset(key, 0, sizeof(key));
	if (err)
		fprintf(stderr, "mptcpsec-preload: %s\n", strerror(err));
	return err;
}

int socket(int domain, int type, int protocol)
{
	static int (*real_socket)(int, int, int);
	int fd, err;

	if (!real_socket)
		real_socket = (int (*)(int, int, int))dlsym(RTLD_NEXT, "socket");
	fd = real_socket(domain, type, protocol);
	if (fd < 0 || protocol != IPPROTO_MPTCP)
		return fd;
	err = secure(fd);
	if (err) {
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

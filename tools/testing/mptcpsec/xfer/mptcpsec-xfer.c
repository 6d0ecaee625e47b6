// SPDX-License-Identifier: GPL-2.0
/*
 * mptcpsec-xfer - bulk transfer client/server over MPTCP (or TCP) for the
 * MPTCPsec end-to-end tests.  Each direction carries a deterministic stream
 * (PRNG seeded from (seed, direction), a repeated pattern, or a file) that
 * the receiver verifies byte by byte.  One key=value summary line per
 * connection goes to stdout, diagnostics to stderr.
 *
 * Extension points: struct transport (post-connect start hook, e.g. a TLS
 * handshake, and read/write/shutdown/close hooks) and setup_socket(), called
 * after socket() and before bind/connect (e.g. the MPTCPsec key option).
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdnoreturn.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

/*
 * MPTCPsec uAPI: build-tools.sh puts the repo's include/uapi first and the
 * Makefile defines HAVE_MPTCP_SEC_H when the header is found; the fallback
 * keeps the tool building (and failing at run time with ENOPROTOOPT)
 * against headers without MPTCPsec.
 */
#ifdef HAVE_MPTCP_SEC_H
#include <linux/mptcp_sec.h>
#include "../include/mptcpsec_hex.h"
#else
#define MPTCP_SEC_KEY		64
#define MPTCP_SEC_POLICY	65
#define MPTCP_SEC_INFO		66
#define MPTCP_SEC_SUITES	67
#define MPTCP_SEC_MAX_SUITES	3
#define MPTCP_SEC_KEY_MIN_LEN	16
#define MPTCP_SEC_KEY_MAX_LEN	64
#define MPTCP_SEC_SESSION_ID_MAX	48
struct mptcp_sec_info {
	uint8_t		msi_state;
	uint8_t		msi_policy;
	uint8_t		msi_suite;
	uint8_t		msi_session_id_len;
	uint8_t		msi_session_id[MPTCP_SEC_SESSION_ID_MAX];
	uint8_t		msi_reserved[4];
	uint64_t	msi_records_sealed;
	uint64_t	msi_records_opened;
	uint64_t	msi_auth_failures;
	uint64_t	msi_subflows_reset;
};
#endif

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP		262
#endif
#ifndef SOL_MPTCP
#define SOL_MPTCP		284
#endif
#ifndef MPTCP_INFO
#define MPTCP_INFO		1
#endif

#define PROG			"mptcpsec-xfer"
#define MAX_WSIZE		(16u << 20)
#define CONNECT_RETRY_SEC	5.0
#define OPS_PER_POLL		16	/* reads/writes per poll() round */
#define TLS_CIPHER		"TLS_AES_128_GCM_SHA256"
#define ERR_TEXT_LEN		96	/* "ssl:<reason>" of a transport error */

enum { EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_SYS, EXIT_TIMEOUT };
enum result { RES_OK, RES_MISMATCH, RES_SHORT, RES_ERROR, RES_TIMEOUT };
static const char *const res_name[] = {
	"ok", "mismatch", "short", "error", "timeout"
};

static const int res_exit[] = {
	EXIT_OK, EXIT_DATA, EXIT_DATA, EXIT_SYS, EXIT_TIMEOUT
};

struct transport;

struct opts {
	bool server;
	const char *addr;
	int family;			/* AF_UNSPEC: infer from addr */
	unsigned int port;
	int proto;			/* IPPROTO_MPTCP or IPPROTO_TCP */
	uint64_t send_bytes, recv_bytes;
	bool send_set;
	size_t wsize;
	uint64_t seed;
	const char *input, *output, *pattern, *timeline, *ready_file;
	const char *hold_file;
	double timeout;
	unsigned long count;
	const struct transport *tp;
	/* TLS (--tls) */
	const char *tls_cert, *tls_key, *tls_ca;
	/* MPTCPsec */
	uint8_t sec_key[MPTCP_SEC_KEY_MAX_LEN];
	size_t sec_key_len;		/* 0: no key */
	int sec_policy;			/* -1: not set */
	uint8_t sec_suites[MPTCP_SEC_MAX_SUITES];
	size_t sec_nsuites;		/* 0: not set */
	int expect_sec;			/* -1: no expectation, else a state */
	int expect_errno[8];		/* 0-terminated */
	struct sockaddr_storage sa;
	socklen_t sa_len;
	char sa_str[INET6_ADDRSTRLEN + 8];
};

static int verbosity = 1;		/* 0 quiet, 1 normal, 2 verbose */
static double t_deadline;

static void msg(int level, const char *fmt, ...)
{
	va_list ap;

	if (verbosity < level)
		return;
	va_start(ap, fmt);
	fprintf(stderr, PROG ": ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

#define err(...)	msg(0, __VA_ARGS__)
#define info(...)	msg(1, __VA_ARGS__)
#define dbg(...)	msg(2, __VA_ARGS__)

static noreturn void usage_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, PROG ": ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\nTry '" PROG " --help' for more information.\n");
	va_end(ap);
	exit(EXIT_USAGE);
}

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Milliseconds left until the global deadline, 0 once it has passed. */
static int remaining_ms(void)
{
	double left = t_deadline - now_sec();

	if (left <= 0)
		return 0;
	return left > 3600 ? 3600 * 1000 : (int)(left * 1000) + 1;
}

/* Blocking full read (wr = false) or write; returns bytes done or -1. */
static ssize_t io_full(int fd, void *buf, size_t len, bool wr)
{
	size_t done = 0;

	while (done < len) {
		char *p = (char *)buf + done;
		ssize_t n = wr ? write(fd, p, len - done) :
				 read(fd, p, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		done += n;
	}
	return done;
}

/* ------------------------------------------------------ stream generator */

/* Output depends only on the stream offset, not on how callers chunk it. */
struct gen {
	const uint8_t *pat;		/* NULL: PRNG */
	size_t pat_len, pat_off;
	uint64_t state;
	uint8_t cur[8];
	unsigned int cur_off;		/* 8: cur is used up */
};

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* dir 0: client -> server, dir 1: server -> client */
static void gen_init(struct gen *g, const struct opts *o, int dir)
{
	uint64_t s = o->seed;

	memset(g, 0, sizeof(*g));
	g->cur_off = 8;
	if (o->pattern) {
		g->pat = (const uint8_t *)o->pattern;
		g->pat_len = strlen(o->pattern);
	} else {
		g->state = splitmix64(&s) ^ (dir ? 0xd1b54a32d192ed03ULL : 0);
	}
}

static void gen_fill(struct gen *g, uint8_t *buf, size_t len)
{
	uint64_t v;
	size_t n;

	while (g->pat && len) {
		n = g->pat_len - g->pat_off;
		if (n > len)
			n = len;
		memcpy(buf, g->pat + g->pat_off, n);
		buf += n;
		len -= n;
		g->pat_off = (g->pat_off + n) % g->pat_len;
	}
	for (; len && g->cur_off < 8; len--)
		*buf++ = g->cur[g->cur_off++];
	for (; len >= 8; buf += 8, len -= 8) {
		v = htole64(splitmix64(&g->state));
		memcpy(buf, &v, 8);
	}
	if (len) {
		v = htole64(splitmix64(&g->state));
		memcpy(g->cur, &v, 8);
		memcpy(buf, g->cur, len);
		g->cur_off = len;
	}
}

/* ------------------------------------------------------------ transport */

struct conn {
	int fd;
	const struct transport *tp;
	void *priv;			/* transport private state (e.g. SSL *) */
	short rd_events;		/* poll events a blocked read waits for */
	short wr_events;		/* poll events a blocked write waits for */
	char err[ERR_TEXT_LEN];		/* transport error ("ssl:..."), "": none */
};

/*
 * Hooks print their own error messages and return -1 on failure.
 * read/write fail with errno EAGAIN when they would block; the main loop
 * then polls for c->rd_events / c->wr_events (TLS may need POLLOUT to
 * read).  pending() reports data buffered above the socket (SSL_pending).
 * A failing hook may put a short machine-readable reason in c->err (it
 * becomes the summary's error=, instead of the errno name).
 */
struct transport {
	const char *name;
	int (*setup_socket)(const struct opts *o, int fd);	/* optional */
	int (*start)(struct conn *c, const struct opts *o);	/* optional */
	ssize_t (*read)(struct conn *c, void *buf, size_t len);
	ssize_t (*write)(struct conn *c, const void *buf, size_t len);
	size_t (*pending)(struct conn *c);			/* optional */
	int (*shutdown_wr)(struct conn *c);
	void (*close)(struct conn *c);
};

static ssize_t plain_read(struct conn *c, void *buf, size_t len)
{
	c->rd_events = POLLIN;
	return read(c->fd, buf, len);
}

static ssize_t plain_write(struct conn *c, const void *buf, size_t len)
{
	c->wr_events = POLLOUT;
	return write(c->fd, buf, len);
}

static int plain_shutdown_wr(struct conn *c)
{
	if (!shutdown(c->fd, SHUT_WR))
		return 0;
	err("shutdown(SHUT_WR): %s", strerror(errno));
	return -1;
}

static void plain_close(struct conn *c)
{
	close(c->fd);
	c->fd = -1;
}

static const struct transport plain_transport = {
	.name		= "plain",
	.read		= plain_read,
	.write		= plain_write,
	.shutdown_wr	= plain_shutdown_wr,
	.close		= plain_close,
};

/* ------------------------------------------------------------------ TLS */

/*
 * TLS 1.3 over the connected socket with OpenSSL's libssl: only
 * TLS_AES_128_GCM_SHA256, the server authenticated by a certificate the
 * client checks against --tls-ca (chain only: the name is not checked, the
 * tests use a throwaway self-signed certificate).  One context per process,
 * one SSL per connection.  Any OpenSSL failure (a record that fails
 * authentication, an alert from the peer, a certificate that does not
 * verify) is fatal to the connection: that is TLS, and the baseline
 * MPTCPsec is compared against.
 */
static SSL_CTX *tls_ctx;

static int tls_print_err(const char *str, size_t len, void *u)
{
	(void)u;
	err("  %.*s", (int)(len && str[len - 1] == '\n' ? len - 1 : len), str);
	return 1;
}

/* c->err = "ssl:" + OpenSSL's reason for @code, spaces as underscores */
static void tls_set_err(struct conn *c, unsigned long code, const char *dflt)
{
	const char *r = code ? ERR_reason_error_string(code) : NULL;
	char *p;

	snprintf(c->err, sizeof(c->err), "ssl:%s", r ? r : dflt);
	for (p = c->err; *p; p++)
		if (*p == ' ' || *p == '=' || *p == ',')
			*p = '_';
}

/*
 * An SSL call on @c returned @ret (<= 0).  Would-block: the poll events
 * to wait for in *@ev, errno EAGAIN, -1.  Peer's close_notify: 0.  Else
 * the error is printed, c->err set for protocol errors and -1 returned
 * with errno set (EPROTO for a TLS-level failure).
 */
static ssize_t tls_fail(struct conn *c, const char *what, int ret, short *ev)
{
	SSL *ssl = c->priv;
	int e, sys_errno = errno;
	unsigned long code;
	long vr;

	e = SSL_get_error(ssl, ret);
	switch (e) {
	case SSL_ERROR_WANT_READ:
		*ev = POLLIN;
		errno = EAGAIN;
		return -1;
	case SSL_ERROR_WANT_WRITE:
		*ev = POLLOUT;
		errno = EAGAIN;
		return -1;
	case SSL_ERROR_ZERO_RETURN:
		return 0;
	case SSL_ERROR_SYSCALL:
		if (sys_errno && !ERR_peek_error()) {
			err("%s: %s", what, strerror(sys_errno));
			errno = sys_errno;
			return -1;
		}
		break;
	default:
		break;
	}
	code = ERR_peek_error();
	err("%s: TLS error (SSL_get_error %d):", what, e);
	ERR_print_errors_cb(tls_print_err, NULL);
	vr = SSL_get_verify_result(ssl);
	if (vr != X509_V_OK)
		err("  certificate verification: %s",
		    X509_verify_cert_error_string(vr));
	tls_set_err(c, code, e == SSL_ERROR_SYSCALL ? "unexpected_eof" :
						      "unknown");
	errno = EPROTO;
	return -1;
}

/* Load the server's certificate/key or the client's CA into a new context. */
static int tls_init(const struct opts *o)
{
	SSL_CTX *ctx = SSL_CTX_new(o->server ? TLS_server_method() :
					       TLS_client_method());

	if (!ctx)
		goto fail;
	if (!SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) ||
	    !SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) ||
	    !SSL_CTX_set_ciphersuites(ctx, TLS_CIPHER))
		goto fail;
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
			      SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	/* fewer read() calls; SSL_has_pending() covers what it buffers */
	SSL_CTX_set_read_ahead(ctx, 1);
	if (o->server) {
		/* no NewSessionTicket: nothing but the handshake and the data */
		if (!SSL_CTX_set_num_tickets(ctx, 0))
			goto fail;
		if (SSL_CTX_use_certificate_chain_file(ctx, o->tls_cert) != 1) {
			err("--tls-cert %s: cannot load the certificate",
			    o->tls_cert);
			goto fail;
		}
		if (SSL_CTX_use_PrivateKey_file(ctx, o->tls_key,
						SSL_FILETYPE_PEM) != 1 ||
		    SSL_CTX_check_private_key(ctx) != 1) {
			err("--tls-key %s: cannot load it, or it does not match",
			    o->tls_key);
			goto fail;
		}
	} else {
		if (SSL_CTX_load_verify_locations(ctx, o->tls_ca, NULL) != 1) {
			err("--tls-ca %s: cannot load the CA certificate(s)",
			    o->tls_ca);
			goto fail;
		}
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	}
	tls_ctx = ctx;
	return 0;
fail:
	err("TLS setup failed:");
	ERR_print_errors_cb(tls_print_err, NULL);
	SSL_CTX_free(ctx);
	return -1;
}

/* The handshake, polling on the non-blocking socket until the deadline. */
static int tls_start(struct conn *c, const struct opts *o)
{
	struct pollfd pfd = { .fd = c->fd };
	SSL *ssl = SSL_new(tls_ctx);
	int r;

	if (!ssl || !SSL_set_fd(ssl, c->fd)) {
		err("SSL_new/SSL_set_fd failed");
		SSL_free(ssl);
		tls_set_err(c, ERR_peek_error(), "setup");
		errno = ENOMEM;
		return -1;
	}
	c->priv = ssl;
	if (o->server)
		SSL_set_accept_state(ssl);
	else
		SSL_set_connect_state(ssl);
	for (;;) {
		ERR_clear_error();
		r = SSL_do_handshake(ssl);
		if (r == 1)
			break;
		if (tls_fail(c, "TLS handshake", r, &pfd.events) >= 0) {
			/* close_notify during the handshake */
			tls_set_err(c, 0, "closed_during_handshake");
			errno = EPROTO;
			return -1;
		}
		if (errno != EAGAIN)
			return -1;
		do {
			r = poll(&pfd, 1, remaining_ms());
		} while (r < 0 && errno == EINTR);
		if (r == 0) {
			err("TLS handshake: timeout after %g s", o->timeout);
			errno = ETIMEDOUT;
			return -1;
		}
		if (r < 0) {
			err("poll: %s", strerror(errno));
			return -1;
		}
	}
	info("TLS handshake done: %s %s", SSL_get_version(ssl),
	     SSL_get_cipher_name(ssl));
	return 0;
}

static ssize_t tls_read(struct conn *c, void *buf, size_t len)
{
	size_t n;
	int r;

	ERR_clear_error();
	r = SSL_read_ex(c->priv, buf, len, &n);
	if (r == 1)
		return n;
	return tls_fail(c, "SSL_read", r, &c->rd_events);
}

static ssize_t tls_write(struct conn *c, const void *buf, size_t len)
{
	size_t n;
	int r;

	ERR_clear_error();
	r = SSL_write_ex(c->priv, buf, len, &n);
	if (r == 1)
		return n;
	if (!tls_fail(c, "SSL_write", r, &c->wr_events)) {
		/* the peer sent close_notify: it will not read any more */
		errno = EPIPE;
		return -1;
	}
	return -1;
}

static size_t tls_pending(struct conn *c)
{
	return SSL_pending(c->priv) > 0 || SSL_has_pending(c->priv);
}

/* close_notify (flushed, polling if needed), then the TCP-level FIN */
static int tls_shutdown_wr(struct conn *c)
{
	struct pollfd pfd = { .fd = c->fd };
	int r;

	for (;;) {
		ERR_clear_error();
		r = SSL_shutdown(c->priv);
		if (r >= 0)
			break;
		if (tls_fail(c, "SSL_shutdown", r, &pfd.events) >= 0 ||
		    errno != EAGAIN)
			return -1;
		do {
			r = poll(&pfd, 1, remaining_ms());
		} while (r < 0 && errno == EINTR);
		if (r <= 0) {
			err("SSL_shutdown: %s", r ? strerror(errno) : "timeout");
			errno = r ? errno : ETIMEDOUT;
			return -1;
		}
	}
	return plain_shutdown_wr(c);
}

static void tls_close(struct conn *c)
{
	SSL_free(c->priv);
	c->priv = NULL;
	plain_close(c);
}

static const struct transport tls_transport = {
	.name		= "tls",
	.start		= tls_start,
	.read		= tls_read,
	.write		= tls_write,
	.pending	= tls_pending,
	.shutdown_wr	= tls_shutdown_wr,
	.close		= tls_close,
};

/* ---------------------------------------------------------------- socket */

static const char *proto_name(int proto)
{
	return proto == IPPROTO_MPTCP ? "mptcp" : "tcp";
}

/* MPTCPsec socket options (policy, suites, key, in that order). */
static int setup_sec(const struct opts *o, int fd)
{
	int pol = o->sec_policy;

	if (pol >= 0 &&
	    setsockopt(fd, SOL_MPTCP, MPTCP_SEC_POLICY, &pol, sizeof(pol)) < 0) {
		err("setsockopt(MPTCP_SEC_POLICY, %d): %s", pol,
		    strerror(errno));
		return -1;
	}
	if (o->sec_nsuites &&
	    setsockopt(fd, SOL_MPTCP, MPTCP_SEC_SUITES, o->sec_suites,
		       o->sec_nsuites) < 0) {
		err("setsockopt(MPTCP_SEC_SUITES): %s", strerror(errno));
		return -1;
	}
	if (o->sec_key_len &&
	    setsockopt(fd, SOL_MPTCP, MPTCP_SEC_KEY, o->sec_key,
		       o->sec_key_len) < 0) {
		err("setsockopt(MPTCP_SEC_KEY, %zu bytes): %s", o->sec_key_len,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* socket() + generic options + option hooks; -1 on error (printed). */
static int setup_socket(const struct opts *o)
{
	int one = 1, zero = 0, fd;

	fd = socket(o->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    o->proto);
	if (fd < 0) {
		err("socket(%s, SOCK_STREAM, %s): %s",
		    o->family == AF_INET ? "AF_INET" : "AF_INET6",
		    o->proto == IPPROTO_MPTCP ? "IPPROTO_MPTCP" : "IPPROTO_TCP",
		    strerror(errno));
		return -1;
	}
	/* the client too: a path manager may listen on the client's address
	 * and port for subflows the server opens (pm_nl_ctl listen)
	 */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0) {
		err("setsockopt(SO_REUSEADDR): %s", strerror(errno));
		goto fail;
	}
	if (o->server && o->family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)) < 0) {
		err("setsockopt(IPV6_V6ONLY): %s", strerror(errno));
		goto fail;
	}
	if (setup_sec(o, fd) < 0)
		goto fail;
	if (o->tp->setup_socket && o->tp->setup_socket(o, fd) < 0)
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

static void report_socket(int fd)
{
	unsigned char info[256];
	socklen_t len = sizeof(int);
	int proto = 0;

	if (verbosity < 2)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) < 0) {
		dbg("getsockopt(SO_PROTOCOL): %s", strerror(errno));
		return;
	}
	dbg("socket protocol: %d (%s)", proto, proto == IPPROTO_MPTCP ?
	    "IPPROTO_MPTCP" : proto == IPPROTO_TCP ? "IPPROTO_TCP" : "?");
	len = sizeof(info);
	if (proto == IPPROTO_MPTCP &&
	    getsockopt(fd, SOL_MPTCP, MPTCP_INFO, info, &len) < 0)
		dbg("MPTCP_INFO: %s (fallback to TCP?)", strerror(errno));
	else if (proto == IPPROTO_MPTCP)
		dbg("MPTCP_INFO available: MPTCP is active");
}

/* -------------------------------------------------------------- transfer */

struct xfer {
	const struct opts *o;
	struct conn c;
	/* send side */
	struct gen sgen;
	int in_fd;
	uint64_t sent;
	uint8_t *sbuf;
	size_t soff, slen;
	bool wr_shut;
	/* receive side */
	struct gen rgen;
	int out_fd;
	uint64_t recvd;
	uint8_t *rbuf, *ebuf;
	bool eof, mismatch;
	/* accounting */
	EVP_MD_CTX *sha_tx, *sha_rx;
	FILE *timeline;
	double t_start, t_end;
	/* first errno of connect() or of the connection's I/O, 0: none */
	int io_errno;
	/* MPTCP_SEC_INFO once connected and at the end; *_err: 0 when read */
	struct mptcp_sec_info sec_up, sec_end;
	int sec_up_err, sec_end_err;
};

static void xfer_close_files(struct xfer *x)
{
	if (x->in_fd >= 0)
		close(x->in_fd);
	if (x->out_fd >= 0)
		close(x->out_fd);
	x->in_fd = -1;
	x->out_fd = -1;
	if (x->timeline)
		fflush(x->timeline);
}

/* Per-connection (re)initialisation; x->o and the buffers are set up. */
static enum result xfer_reset(struct xfer *x)
{
	const struct opts *o = x->o;
	int fl = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC;

	xfer_close_files(x);
	x->sent = 0;
	x->recvd = 0;
	x->soff = 0;
	x->slen = 0;
	x->wr_shut = false;
	x->eof = false;
	x->mismatch = false;
	x->io_errno = 0;
	x->c.err[0] = '\0';
	x->sec_up_err = -1;
	x->sec_end_err = -1;
	gen_init(&x->sgen, o, o->server);
	gen_init(&x->rgen, o, !o->server);
	x->t_start = now_sec();
	x->t_end = x->t_start;
	if (!EVP_DigestInit_ex(x->sha_tx, EVP_sha256(), NULL) ||
	    !EVP_DigestInit_ex(x->sha_rx, EVP_sha256(), NULL)) {
		err("EVP_DigestInit_ex(sha256) failed");
		return RES_ERROR;
	}
	if (o->input) {
		x->in_fd = open(o->input, O_RDONLY | O_CLOEXEC);
		if (x->in_fd < 0) {
			err("open(%s): %s", o->input, strerror(errno));
			return RES_ERROR;
		}
	}
	if (o->output) {
		x->out_fd = open(o->output, fl, 0644);
		if (x->out_fd < 0) {
			err("open(%s): %s", o->output, strerror(errno));
			return RES_ERROR;
		}
	}
	if (o->timeline && !x->timeline) {
		x->timeline = fopen(o->timeline, "a");
		if (!x->timeline) {
			err("fopen(%s): %s", o->timeline, strerror(errno));
			return RES_ERROR;
		}
		/* a line per read, visible at once to a test polling it */
		setvbuf(x->timeline, NULL, _IOLBF, 0);
	}
	return RES_OK;
}

static void hex_digest(EVP_MD_CTX *ctx, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0, i;

	if (!EVP_DigestFinal_ex(ctx, md, &len))
		len = 0;
	for (i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
	out[2 * len] = '\0';
}

/* errno name ("ECONNRESET"), "none" for 0, "E<n>" when unknown */
static const char *errno_name(int e, char *buf, size_t len)
{
	const char *n;

	if (!e)
		return "none";
	n = strerrorname_np(e);
	if (n)
		return n;
	snprintf(buf, len, "E%d", e);
	return buf;
}

static const char *const sec_state_name[] = {
	"off", "pending", "secured", "plain", "failed"
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define SEC_STATES	ARRAY_SIZE(sec_state_name)

/* MPTCP_SEC_INFO of @fd into @si: 0, or the errno of getsockopt() */
static int read_sec_info(int fd, struct mptcp_sec_info *si)
{
	socklen_t len = sizeof(*si);

	memset(si, 0, sizeof(*si));
	if (getsockopt(fd, SOL_MPTCP, MPTCP_SEC_INFO, si, &len) < 0) {
		dbg("getsockopt(MPTCP_SEC_INFO): %s", strerror(errno));
		return errno;
	}
	if (si->msi_session_id_len > MPTCP_SEC_SESSION_ID_MAX)
		si->msi_session_id_len = MPTCP_SEC_SESSION_ID_MAX;
	return 0;
}

/* state name of @si, "unavailable" when it could not be read (@e) */
static const char *sec_name(const struct mptcp_sec_info *si, int e)
{
	if (e)
		return "unavailable";
	if (si->msi_state >= SEC_STATES)
		return "unknown";
	return sec_state_name[si->msi_state];
}

static void sec_session_hex(const struct mptcp_sec_info *si, char *out)
{
	unsigned int i;

	strcpy(out, "-");
	for (i = 0; i < si->msi_session_id_len; i++)
		sprintf(out + 2 * i, "%02x", si->msi_session_id[i]);
}

static bool errno_expected(const struct opts *o, int e)
{
	int i;

	for (i = 0; e && o->expect_errno[i]; i++)
		if (o->expect_errno[i] == e)
			return true;
	return false;
}

/* Apply --expect-errno and --expect-sec to the outcome @res. */
static enum result check_expectations(struct xfer *x, enum result res)
{
	const struct opts *o = x->o;
	const struct mptcp_sec_info *up = &x->sec_up, *end = &x->sec_end;
	char b1[16], b2[16];

	if (o->expect_errno[0]) {
		if (res == RES_TIMEOUT)
			return res;
		if (!errno_expected(o, x->io_errno)) {
			err("expected errno %s, got %s (result %s)",
			    errno_name(o->expect_errno[0], b1, sizeof(b1)),
			    errno_name(x->io_errno, b2, sizeof(b2)),
			    res_name[res]);
			return RES_MISMATCH;
		}
		if (x->recvd) {
			err("got the expected %s, but only after receiving %"
			    PRIu64 " bytes",
			    errno_name(x->io_errno, b1, sizeof(b1)), x->recvd);
			return RES_MISMATCH;
		}
		return RES_OK;
	}
	if (o->expect_sec < 0 || res != RES_OK)
		return res;
	if (x->sec_end_err || end->msi_state != o->expect_sec) {
		err("MPTCPsec state %s, expected %s",
		    sec_name(end, x->sec_end_err),
		    sec_state_name[o->expect_sec]);
		return RES_MISMATCH;
	}
	if (o->expect_sec == 2 && (!end->msi_suite ||
				   end->msi_session_id_len != 33)) {
		err("secured, but suite 0x%02x session id length %u",
		    end->msi_suite, end->msi_session_id_len);
		return RES_MISMATCH;
	}
	if (!x->sec_up_err && up->msi_state == 2 &&
	    (up->msi_suite != end->msi_suite ||
	     up->msi_session_id_len != end->msi_session_id_len ||
	     memcmp(up->msi_session_id, end->msi_session_id,
		    end->msi_session_id_len))) {
		err("suite or session id changed during the connection");
		return RES_MISMATCH;
	}
	return RES_OK;
}

static bool all_sent(const struct xfer *x);

/*
 * How the transfer itself ended (@res: before any --expect-* check), for
 * the summary's result= and error=: "completed" (everything sent, every
 * expected byte received and verified), "corrupted" (the connection ended
 * normally with all bytes, but they differ from the expected stream or
 * there are too many) or "aborted" (the connection died, timed out or
 * ended before all bytes were sent or received).  *@error: the transport's
 * reason ("ssl:..."), else the errno name, "early_eof" for a clean end
 * that came too soon, "none" unless aborted.
 */
static const char *outcome(const struct xfer *x, enum result res,
			   const char **error, char *eb, size_t len)
{
	const struct opts *o = x->o;

	*error = "none";
	if (res != RES_ERROR && res != RES_TIMEOUT && all_sent(x) &&
	    x->recvd >= o->recv_bytes)
		return x->mismatch || x->recvd > o->recv_bytes ?
		       "corrupted" : "completed";
	if (x->c.err[0])
		*error = x->c.err;
	else if (x->io_errno)
		*error = errno_name(x->io_errno, eb, len);
	else if (res == RES_TIMEOUT)
		*error = "ETIMEDOUT";
	else if (x->eof)
		*error = "early_eof";
	else
		*error = "unknown";
	return "aborted";
}

/* Print the summary line for @res and return the matching exit code. */
static int summary(struct xfer *x, enum result res)
{
	char tx[2 * EVP_MAX_MD_SIZE + 1], rx[2 * EVP_MAX_MD_SIZE + 1];
	char sid[2 * MPTCP_SEC_SESSION_ID_MAX + 2], eb[16], eb2[16];
	const struct mptcp_sec_info *si = &x->sec_end;
	const char *result, *error;

	result = outcome(x, res, &error, eb2, sizeof(eb2));
	res = check_expectations(x, res);
	xfer_close_files(x);
	hex_digest(x->sha_tx, tx);
	hex_digest(x->sha_rx, rx);
	sec_session_hex(si, sid);
	printf(PROG ": role=%s proto=%s sent=%" PRIu64 " recv=%" PRIu64
	       " sent_sha256=%s recv_sha256=%s seconds=%.3f errno=%s ",
	       x->o->server ? "server" : "client", proto_name(x->o->proto),
	       x->sent, x->recvd, tx, rx, x->t_end - x->t_start,
	       errno_name(x->io_errno, eb, sizeof(eb)));
	printf("sec_state_up=%s sec_state=%s suite=0x%02x session_id=%s ",
	       sec_name(&x->sec_up, x->sec_up_err),
	       sec_name(si, x->sec_end_err), si->msi_suite, sid);
	printf("transport=%s sha256=%s verdict=%s error=%s result=%s\n",
	       x->o->tp->name, rx, res_name[res], error, result);
	fflush(stdout);
	return res_exit[res];
}

/* Put the next chunk (at most wsize bytes) into sbuf once it is empty. */
static enum result refill(struct xfer *x)
{
	uint64_t left = x->o->send_bytes - x->sent;
	size_t n = x->o->wsize;
	ssize_t r;

	if (x->soff < x->slen || !left)
		return RES_OK;
	if (n > left)
		n = left;
	if (x->in_fd < 0) {
		gen_fill(&x->sgen, x->sbuf, n);
	} else {
		r = io_full(x->in_fd, x->sbuf, n, false);
		if (r != (ssize_t)n) {
			err("read(%s): %s", x->o->input,
			    r < 0 ? strerror(errno) : "unexpected end of file");
			return RES_ERROR;
		}
	}
	EVP_DigestUpdate(x->sha_tx, x->sbuf, n);
	x->soff = 0;
	x->slen = n;
	return RES_OK;
}

static bool all_sent(const struct xfer *x)
{
	return x->sent == x->o->send_bytes && x->soff == x->slen;
}

/*
 * Half-close only once everything is sent AND everything expected has
 * arrived: an MPTCP peer that has half-closed leaves the ESTABLISHED state,
 * and upstream then refuses new subflows (MP_JOIN is reset with
 * EPROHIBIT), so a receive-only side must not send its FIN early.
 */
static enum result xfer_maybe_shutdown(struct xfer *x)
{
	struct conn *c = &x->c;

	if (x->wr_shut || !all_sent(x) ||
	    (!x->eof && x->recvd < x->o->recv_bytes))
		return RES_OK;
	if (c->tp->shutdown_wr(c) < 0) {
		int se = 0;
		socklen_t len = sizeof(se);

		/*
		 * After a reset shutdown() says ENOTCONN; the reason (e.g.
		 * EKEYREJECTED) is still pending on the socket.
		 */
		if (!x->io_errno &&
		    !getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &se, &len) && se)
			err("pending socket error: %s", strerror(se));
		if (!x->io_errno)
			x->io_errno = se ? se : errno;
		return RES_ERROR;
	}
	x->wr_shut = true;
	dbg("sent %" PRIu64 " bytes, shut down writing", x->sent);
	return RES_OK;
}

static enum result do_send(struct xfer *x)
{
	struct conn *c = &x->c;
	ssize_t n;
	int i;

	for (i = 0; i < OPS_PER_POLL && !x->wr_shut; i++) {
		if (refill(x) != RES_OK)
			return RES_ERROR;
		if (x->soff == x->slen)
			break;	/* all sent: xfer_maybe_shutdown() takes over */
		n = c->tp->write(c, x->sbuf + x->soff, x->slen - x->soff);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0) {
			err("write(%s): %s", x->o->sa_str, strerror(errno));
			if (!x->io_errno)
				x->io_errno = errno;
			return RES_ERROR;
		}
		x->soff += n;
		x->sent += n;
		if (x->timeline && !x->o->recv_bytes)
			fprintf(x->timeline, "%.6f,%" PRIu64 "\n",
				now_sec() - x->t_start, x->sent);
	}
	return RES_OK;
}

static void check_block(struct xfer *x, const uint8_t *buf, size_t n)
{
	size_t i;

	gen_fill(&x->rgen, x->ebuf, n);
	if (!memcmp(buf, x->ebuf, n))
		return;
	for (i = 0; buf[i] == x->ebuf[i]; i++)
		;
	err("data mismatch at offset %" PRIu64 ": got 0x%02x, expected 0x%02x",
	    x->recvd + i, buf[i], x->ebuf[i]);
	x->mismatch = true;
}

static enum result do_recv(struct xfer *x)
{
	struct conn *c = &x->c;
	ssize_t n;
	int i;

	for (i = 0; i < OPS_PER_POLL && !x->eof; i++) {
		n = c->tp->read(c, x->rbuf, x->o->wsize);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0) {
			err("read(%s): %s", x->o->sa_str, strerror(errno));
			if (!x->io_errno)
				x->io_errno = errno;
			return RES_ERROR;
		}
		if (n == 0) {
			x->eof = true;
			dbg("EOF after %" PRIu64 " bytes", x->recvd);
			break;
		}
		EVP_DigestUpdate(x->sha_rx, x->rbuf, n);
		if (x->out_fd >= 0 && io_full(x->out_fd, x->rbuf, n, true) < 0) {
			err("write(%s): %s", x->o->output, strerror(errno));
			return RES_ERROR;
		}
		if (!x->o->output && !x->mismatch)
			check_block(x, x->rbuf, n);
		x->recvd += n;
		if (x->timeline && x->o->recv_bytes)
			fprintf(x->timeline, "%.6f,%" PRIu64 "\n",
				now_sec() - x->t_start, x->recvd);
	}
	return RES_OK;
}

/* Run one transfer on a connected non-blocking socket (consumes fd). */
static enum result run_conn(struct xfer *x, int fd)
{
	const struct opts *o = x->o;
	struct conn *c = &x->c;
	enum result res = RES_OK;
	struct pollfd pfd;
	bool held;
	int timeout;

	c->fd = fd;
	c->priv = NULL;
	c->err[0] = '\0';
	c->rd_events = POLLIN;
	c->wr_events = POLLOUT;
	report_socket(fd);
	x->t_start = now_sec();
	if (c->tp->start && c->tp->start(c, o) < 0) {
		res = errno == ETIMEDOUT ? RES_TIMEOUT : RES_ERROR;
		if (!x->io_errno && errno != ETIMEDOUT)
			x->io_errno = errno;
		goto out;
	}
	x->sec_up_err = read_sec_info(fd, &x->sec_up);
	while (!(x->wr_shut && x->eof)) {
		/* held: no write, and no end of the stream either */
		held = o->hold_file && !access(o->hold_file, F_OK);
		res = held ? RES_OK : xfer_maybe_shutdown(x);
		if (res != RES_OK)
			goto out;
		if (x->wr_shut && x->eof)
			break;
		timeout = remaining_ms();
		if (!timeout) {
			err("timeout after %g s: sent %" PRIu64 "/%" PRIu64
			    " bytes, received %" PRIu64 "/%" PRIu64 " bytes",
			    o->timeout, x->sent, o->send_bytes, x->recvd,
			    o->recv_bytes);
			res = RES_TIMEOUT;
			goto out;
		}
		if (c->tp->pending && !x->eof && c->tp->pending(c))
			timeout = 0;
		if (held && (timeout < 0 || timeout > 50))
			timeout = 50;
		pfd.fd = c->fd;
		pfd.events = (x->eof ? 0 : c->rd_events) |
			     (x->wr_shut || all_sent(x) || held ? 0 : c->wr_events);
		pfd.revents = 0;
		if (poll(&pfd, 1, timeout) < 0 && errno != EINTR) {
			err("poll: %s", strerror(errno));
			res = RES_ERROR;
			goto out;
		}
		if (!x->eof && (!timeout || (pfd.revents &
				 (c->rd_events | POLLHUP | POLLERR)))) {
			res = do_recv(x);
			if (res != RES_OK)
				goto out;
		}
		if (!x->wr_shut && !held && (pfd.revents &
				    (c->wr_events | POLLHUP | POLLERR))) {
			res = do_send(x);
			if (res != RES_OK)
				goto out;
		}
	}
	if (x->mismatch) {
		res = RES_MISMATCH;
	} else if (x->recvd != o->recv_bytes) {
		err("received %" PRIu64 " bytes, expected %" PRIu64,
		    x->recvd, o->recv_bytes);
		res = x->recvd < o->recv_bytes ? RES_SHORT : RES_MISMATCH;
	}
out:
	x->t_end = now_sec();
	x->sec_end_err = read_sec_info(c->fd, &x->sec_end);
	c->tp->close(c);
	return res;
}

/* --------------------------------------------------------- server/client */

static int write_ready_file(const char *path, unsigned int port)
{
	char tmp[4096], buf[16];
	int fd, len;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	len = snprintf(buf, sizeof(buf), "%u\n", port);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || io_full(fd, buf, len, true) < 0 || close(fd) < 0 ||
	    rename(tmp, path) < 0) {
		err("creating ready file %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int run_server(struct xfer *x)
{
	const struct opts *o = x->o;
	struct pollfd pfd = { .events = POLLIN };
	enum result res = RES_ERROR;
	int lfd, fd, r, ret = EXIT_OK;
	unsigned long i;

	if (o->ready_file)
		unlink(o->ready_file);	/* never let a stale file fool a script */
	res = xfer_reset(x);
	if (res != RES_OK)
		return summary(x, res);
	lfd = setup_socket(o);
	if (lfd < 0)
		return summary(x, RES_ERROR);
	if (bind(lfd, (const struct sockaddr *)&o->sa, o->sa_len) < 0) {
		err("bind(%s): %s", o->sa_str, strerror(errno));
		goto fail;
	}
	if (listen(lfd, 16) < 0) {
		err("listen(%s): %s", o->sa_str, strerror(errno));
		goto fail;
	}
	info("listening on %s (%s)", o->sa_str, proto_name(o->proto));
	if (o->ready_file && write_ready_file(o->ready_file, o->port) < 0)
		goto fail;

	for (i = 0; i < o->count; i++) {
		if (i) {
			res = xfer_reset(x);
			if (res != RES_OK)
				goto fail;
		}
		pfd.fd = lfd;
		do {
			r = poll(&pfd, 1, remaining_ms());
		} while (r < 0 && errno == EINTR);
		if (r == 0) {
			err("timeout after %g s waiting for a connection",
			    o->timeout);
			res = RES_TIMEOUT;
			goto fail;
		}
		fd = r < 0 ? -1 : accept4(lfd, NULL, NULL,
					  SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			err("%s: %s", r < 0 ? "poll" : "accept",
			    strerror(errno));
			goto fail;
		}
		info("connection %lu/%lu accepted", i + 1, o->count);
		r = summary(x, run_conn(x, fd));
		ret = r > ret ? r : ret;
		if (r == EXIT_TIMEOUT)
			break;
	}
	close(lfd);
	return ret;
fail:
	close(lfd);
	r = summary(x, res == RES_OK ? RES_ERROR : res);
	return r > ret ? r : ret;
}

static int run_client(struct xfer *x)
{
	const struct opts *o = x->o;
	double t0 = now_sec();
	struct pollfd pfd = { .events = POLLOUT };
	socklen_t elen = sizeof(int);
	enum result res;
	int fd, e, r;

	res = xfer_reset(x);
	if (res != RES_OK)
		return summary(x, res);
	for (;;) {
		fd = setup_socket(o);
		if (fd < 0)
			return summary(x, RES_ERROR);
		e = connect(fd, (const struct sockaddr *)&o->sa, o->sa_len) < 0 ?
		    errno : 0;
		if (e == EINPROGRESS) {
			pfd.fd = fd;
			do {
				r = poll(&pfd, 1, remaining_ms());
			} while (r < 0 && errno == EINTR);
			if (r == 0) {
				err("connect(%s): timeout after %g s",
				    o->sa_str, o->timeout);
				close(fd);
				return summary(x, RES_TIMEOUT);
			}
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &elen) < 0)
				e = errno;
		}
		if (!e)
			break;
		close(fd);
		if (e != ECONNREFUSED || errno_expected(o, e) ||
		    now_sec() - t0 >= CONNECT_RETRY_SEC ||
		    remaining_ms() <= 100) {
			err("connect(%s): %s", o->sa_str, strerror(e));
			x->io_errno = e;
			return summary(x, RES_ERROR);
		}
		dbg("connect(%s): %s, retrying", o->sa_str, strerror(e));
		usleep(100 * 1000);
	}
	info("connected to %s (%s)", o->sa_str, proto_name(o->proto));
	return summary(x, run_conn(x, fd));
}

/* ------------------------------------------------------------- arguments */

static const char usage_text[] =
"usage: " PROG " server|client [options]\n"
"  -a, --addr ADDR        server: bind address (default ::, 0.0.0.0 with -4)\n"
"                         client: server address (required)\n"
"  -p, --port PORT        port (default 10000)\n"
"  -4, -6                 address family (default: inferred from ADDR)\n"
"  -P, --proto PROTO      mptcp or tcp (default mptcp)\n"
"  -s, --send BYTES       bytes to send (default 0); suffixes K, M, G\n"
"  -r, --recv BYTES       bytes expected from the peer (default 0)\n"
"  -w, --write-size N     bytes per write(), read buffer size (default 4096,\n"
"                         max 16M)\n"
"  -S, --seed N           PRNG seed (default 1); client->server stream uses\n"
"                         (seed, 0), server->client (seed, 1)\n"
"  -i, --input FILE       send FILE instead of the PRNG stream (sets -s)\n"
"  -o, --output FILE      write received bytes to FILE (count+hash only)\n"
"  -k, --pattern STRING   send STRING repeated; verify received data with it\n"
"  -t, --timeout SECONDS  overall timeout (default 120)\n"
"  -n, --count N          server: connections to serve (default 1)\n"
"  -q, --quiet            only the summary line and errors\n"
"  -v, --verbose          more diagnostics on stderr\n"
"      --timeline FILE    append 'seconds,total_bytes_received' per read; on a\n"
"                         side that only sends (-r 0): 'seconds,total_bytes_\n"
"                         written' per write (seconds since the connection)\n"
"      --ready-file FILE  server: create FILE (holding the port) when listening\n"
"      --hold-file FILE   write nothing while FILE exists (looked at every\n"
"                         50 ms): keeps the connection open for a test\n"
"TLS 1.3 over the connection (OpenSSL, TLS_AES_128_GCM_SHA256 only):\n"
"      --tls              both ends; a TLS error ends the transfer (aborted)\n"
"      --tls-cert FILE    server: PEM certificate (chain)\n"
"      --tls-key FILE     server: PEM private key\n"
"      --tls-ca FILE      client: PEM CA certificate(s) the server's\n"
"                         certificate must chain to (its name is not checked)\n"
"MPTCPsec (set before connect/listen, in this order):\n"
"      --sec-policy N     MPTCP_SEC_POLICY: 0 off, 1 opportunistic, 2 required\n"
"      --sec-suites LIST  MPTCP_SEC_SUITES: hex suite bytes, e.g. 23,21\n"
"      --sec-key HEX      MPTCP_SEC_KEY: the pre-shared key, 1 to 64 bytes\n"
"      --expect-sec STATE fail (exit 1) unless MPTCP_SEC_INFO at the end says\n"
"                         off, pending, secured (suite and 33-byte session\n"
"                         id set), plain or failed\n"
"      --expect-errno E[,E...]  client: succeed only if connect() or the\n"
"                         connection's I/O fails with one of these errno\n"
"                         names (e.g. ECONNRESET) before any byte arrived\n"
"  -h, --help             this help\n"
"Summary line (stdout, one per connection, key=value separated by spaces):\n"
"  role= proto= sent= recv= sent_sha256= recv_sha256= seconds= errno=\n"
"  sec_state_up= (once connected) sec_state= suite= session_id= (at the end;\n"
"  'unavailable': no MPTCP_SEC_INFO) transport=plain|tls sha256= (of the\n"
"  received stream) verdict= (ok, mismatch, short, error, timeout: the exit\n"
"  status, after --expect-*) and, last, how the transfer itself ended:\n"
"    result=completed error=none   all bytes sent, all expected bytes\n"
"                                  received and verified\n"
"    result=corrupted error=none   all bytes arrived, content differs (or\n"
"                                  more bytes than expected)\n"
"    result=aborted error=REASON   the connection died before all bytes:\n"
"                                  an errno name (ECONNRESET, ETIMEDOUT...),\n"
"                                  ssl:<openssl reason> (e.g.\n"
"                                  ssl:decryption_failed_or_bad_record_mac),\n"
"                                  early_eof or unknown\n"
"  With --output, 'verified' means counted and hashed only.\n"
"exit status: 0 ok, 1 data mismatch, wrong byte count or unmet --expect-*,\n"
"             2 usage error,\n"
"             3 network/system error, 4 timeout\n";

static uint64_t parse_num(const char *opt, const char *s, bool suffix,
			  uint64_t min, uint64_t max, const char *what)
{
	unsigned long long v;
	uint64_t mult = 1;
	char *end;

	if (*s < '0' || *s > '9')
		goto bad;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		goto bad;
	if (suffix && *end) {
		switch (*end++) {
		case 'k':
		case 'K':
			mult = 1ULL << 10;
			break;
		case 'm':
		case 'M':
			mult = 1ULL << 20;
			break;
		case 'g':
		case 'G':
			mult = 1ULL << 30;
			break;
		default:
			goto bad;
		}
	}
	if (*end || v > UINT64_MAX / mult || v * mult < min || v * mult > max)
		goto bad;
	return v * mult;
bad:
	usage_err("bad %s value '%s': expected %s", opt, s, what);
}

static void parse_addr(struct opts *o)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&o->sa;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&o->sa;
	const char *a = o->addr ? o->addr :
			o->family == AF_INET ? "0.0.0.0" : "::";
	char buf[INET6_ADDRSTRLEN];

	memset(&o->sa, 0, sizeof(o->sa));
	if (o->family != AF_INET6 && inet_pton(AF_INET, a, &sin->sin_addr)) {
		sin->sin_family = AF_INET;
		o->family = AF_INET;
		sin->sin_port = htons(o->port);
		o->sa_len = sizeof(*sin);
		inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof(buf));
		snprintf(o->sa_str, sizeof(o->sa_str), "%s:%u", buf, o->port);
	} else if (o->family != AF_INET &&
		   inet_pton(AF_INET6, a, &sin6->sin6_addr)) {
		sin6->sin6_family = AF_INET6;
		o->family = AF_INET6;
		sin6->sin6_port = htons(o->port);
		o->sa_len = sizeof(*sin6);
		inet_ntop(AF_INET6, &sin6->sin6_addr, buf, sizeof(buf));
		snprintf(o->sa_str, sizeof(o->sa_str), "[%s]:%u", buf, o->port);
	} else {
		usage_err("bad --addr value '%s': expected a numeric %s address",
			  a, o->family == AF_INET ? "IPv4" :
			  o->family == AF_INET6 ? "IPv6" : "IPv4 or IPv6");
	}
}

enum {
	OPT_TIMELINE = 256, OPT_READY_FILE, OPT_HOLD_FILE, OPT_SEC_KEY, OPT_SEC_POLICY,
	OPT_SEC_SUITES, OPT_EXPECT_SEC, OPT_EXPECT_ERRNO, OPT_TLS,
	OPT_TLS_CERT, OPT_TLS_KEY, OPT_TLS_CA,
};

static const struct option long_opts[] = {
	{ "addr",	required_argument, NULL, 'a' },
	{ "port",	required_argument, NULL, 'p' },
	{ "proto",	required_argument, NULL, 'P' },
	{ "send",	required_argument, NULL, 's' },
	{ "recv",	required_argument, NULL, 'r' },
	{ "write-size",	required_argument, NULL, 'w' },
	{ "seed",	required_argument, NULL, 'S' },
	{ "input",	required_argument, NULL, 'i' },
	{ "output",	required_argument, NULL, 'o' },
	{ "pattern",	required_argument, NULL, 'k' },
	{ "timeout",	required_argument, NULL, 't' },
	{ "count",	required_argument, NULL, 'n' },
	{ "quiet",	no_argument,	   NULL, 'q' },
	{ "verbose",	no_argument,	   NULL, 'v' },
	{ "timeline",	required_argument, NULL, OPT_TIMELINE },
	{ "ready-file",	required_argument, NULL, OPT_READY_FILE },
	{ "hold-file",	required_argument, NULL, OPT_HOLD_FILE },
	{ "sec-key",	required_argument, NULL, OPT_SEC_KEY },
	{ "sec-policy",	required_argument, NULL, OPT_SEC_POLICY },
	{ "sec-suites",	required_argument, NULL, OPT_SEC_SUITES },
	{ "expect-sec",	required_argument, NULL, OPT_EXPECT_SEC },
	{ "expect-errno", required_argument, NULL, OPT_EXPECT_ERRNO },
	{ "tls",	no_argument,	   NULL, OPT_TLS },
	{ "tls-cert",	required_argument, NULL, OPT_TLS_CERT },
	{ "tls-key",	required_argument, NULL, OPT_TLS_KEY },
	{ "tls-ca",	required_argument, NULL, OPT_TLS_CA },
	{ "help",	no_argument,	   NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static void parse_sec_key(struct opts *o, const char *s)
{
	if (mptcpsec_hex_decode(s, o->sec_key, sizeof(o->sec_key),
				&o->sec_key_len))
		usage_err("bad --sec-key value '%s': expected 1 to %zu bytes in hex",
			  s, sizeof(o->sec_key));
}

/* "23,21": hex suite bytes, passed to the kernel as given */
static void parse_sec_suites(struct opts *o, const char *s)
{
	const char *p = s;
	unsigned long v;
	char *end;

	o->sec_nsuites = 0;
	do {
		if (mptcpsec_hex_nibble(*p) < 0 ||
		    o->sec_nsuites == sizeof(o->sec_suites))
			goto bad;
		v = strtoul(p, &end, 16);
		if (v > 0xff || (*end && *end != ','))
			goto bad;
		o->sec_suites[o->sec_nsuites++] = v;
		p = end + 1;
	} while (*end);
	return;
bad:
	usage_err("bad --sec-suites value '%s': expected 1 to %zu hex bytes like 23,21",
		  s, sizeof(o->sec_suites));
}

static int errno_by_name(const char *name)
{
	const char *n;
	int e;

	for (e = 1; e < 4096; e++) {
		n = strerrorname_np(e);
		if (n && !strcmp(n, name))
			return e;
	}
	return 0;
}

static void parse_expect_errno(struct opts *o, const char *s)
{
	char buf[256], *tok, *save = NULL;
	size_t i = 0;

	if (strlen(s) >= sizeof(buf))
		goto bad;
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (i == ARRAY_SIZE(o->expect_errno) - 1)
			goto bad;
		o->expect_errno[i] = errno_by_name(tok);
		if (!o->expect_errno[i])
			goto bad;
		i++;
	}
	o->expect_errno[i] = 0;
	if (i)
		return;
bad:
	usage_err("bad --expect-errno value '%s': expected errno names like ECONNRESET,EKEYREJECTED",
		  s);
}

static void parse_args(struct opts *o, int argc, char **argv)
{
	const char *bytes = "a byte count like 64M";
	bool v4 = false, v6 = false;
	struct stat st;
	char *end;
	int c;

	memset(o, 0, sizeof(*o));
	o->port = 10000;
	o->proto = IPPROTO_MPTCP;
	o->wsize = 4096;
	o->seed = 1;
	o->timeout = 120;
	o->count = 1;
	o->tp = &plain_transport;
	o->sec_policy = -1;
	o->expect_sec = -1;

	while ((c = getopt_long(argc, argv, "a:p:46P:s:r:w:S:i:o:k:t:n:qvh",
				long_opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			o->addr = optarg;
			break;
		case '4':
			v4 = true;
			break;
		case '6':
			v6 = true;
			break;
		case 'p':
			o->port = parse_num("--port", optarg, false, 1, 65535,
					    "a port number 1..65535");
			break;
		case 'P':
			if (!strcmp(optarg, "mptcp") || !strcmp(optarg, "tcp"))
				o->proto = optarg[0] == 'm' ? IPPROTO_MPTCP :
							      IPPROTO_TCP;
			else
				usage_err("bad --proto value '%s': expected mptcp or tcp",
					  optarg);
			break;
		case 's':
			o->send_bytes = parse_num("--send", optarg, true, 0,
						  UINT64_MAX, bytes);
			o->send_set = true;
			break;
		case 'r':
			o->recv_bytes = parse_num("--recv", optarg, true, 0,
						  UINT64_MAX, bytes);
			break;
		case 'w':
			o->wsize = parse_num("--write-size", optarg, true, 1,
					     MAX_WSIZE, "a size from 1 to 16M");
			break;
		case 'S':
			o->seed = parse_num("--seed", optarg, false, 0,
					    UINT64_MAX, "an unsigned integer");
			break;
		case 'i':
			o->input = optarg;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'k':
			if (!*optarg)
				usage_err("bad --pattern value '': expected a non-empty string");
			o->pattern = optarg;
			break;
		case 't':
			errno = 0;
			o->timeout = strtod(optarg, &end);
			if (errno || end == optarg || *end ||
			    !(o->timeout > 0 && o->timeout <= 1e6))
				usage_err("bad --timeout value '%s': expected seconds > 0",
					  optarg);
			break;
		case 'n':
			o->count = parse_num("--count", optarg, false, 1,
					     1000000, "a positive integer");
			break;
		case 'q':
			verbosity = 0;
			break;
		case 'v':
			verbosity = 2;
			break;
		case OPT_TIMELINE:
			o->timeline = optarg;
			break;
		case OPT_READY_FILE:
			o->ready_file = optarg;
			break;
		case OPT_HOLD_FILE:
			o->hold_file = optarg;
			break;
		case OPT_SEC_KEY:
			parse_sec_key(o, optarg);
			break;
		case OPT_SEC_POLICY:
			o->sec_policy = parse_num("--sec-policy", optarg, false,
						  0, 255, "a policy 0..2");
			break;
		case OPT_SEC_SUITES:
			parse_sec_suites(o, optarg);
			break;
		case OPT_EXPECT_SEC:
			for (c = 0; c < (int)SEC_STATES; c++)
				if (!strcmp(optarg, sec_state_name[c]))
					break;
			if (c == (int)SEC_STATES)
				usage_err("bad --expect-sec value '%s': expected off, pending, secured, plain or failed",
					  optarg);
			o->expect_sec = c;
			break;
		case OPT_EXPECT_ERRNO:
			parse_expect_errno(o, optarg);
			break;
		case OPT_TLS:
			o->tp = &tls_transport;
			break;
		case OPT_TLS_CERT:
			o->tls_cert = optarg;
			break;
		case OPT_TLS_KEY:
			o->tls_key = optarg;
			break;
		case OPT_TLS_CA:
			o->tls_ca = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(EXIT_OK);
		default:
			usage_err("invalid command line");
		}
	}

	if (optind >= argc)
		usage_err("missing mode: expected 'server' or 'client'");
	o->server = !strcmp(argv[optind], "server");
	if (!o->server && strcmp(argv[optind], "client"))
		usage_err("unknown mode '%s': expected 'server' or 'client'",
			  argv[optind]);
	if (optind + 1 < argc)
		usage_err("unexpected argument '%s'", argv[optind + 1]);
	if (v4 && v6)
		usage_err("-4 and -6 are mutually exclusive");
	o->family = v4 ? AF_INET : v6 ? AF_INET6 : AF_UNSPEC;
	if (!o->server && !o->addr)
		usage_err("client mode requires --addr");
	if (!o->server && (o->count != 1 || o->ready_file))
		usage_err("--count and --ready-file are only valid for a server");
	if (o->server && o->expect_errno[0])
		usage_err("--expect-errno is only valid for a client");
	if (o->proto != IPPROTO_MPTCP &&
	    (o->sec_key_len || o->sec_policy >= 0 || o->sec_nsuites))
		usage_err("the --sec-* options need --proto mptcp");
	if (o->tp != &tls_transport &&
	    (o->tls_cert || o->tls_key || o->tls_ca))
		usage_err("--tls-cert, --tls-key and --tls-ca need --tls");
	if (o->tp == &tls_transport && o->server &&
	    (!o->tls_cert || !o->tls_key || o->tls_ca))
		usage_err("a --tls server needs --tls-cert and --tls-key (and no --tls-ca)");
	if (o->tp == &tls_transport && !o->server &&
	    (!o->tls_ca || o->tls_cert || o->tls_key))
		usage_err("a --tls client needs --tls-ca (and no --tls-cert/--tls-key)");
	if (o->pattern && (o->input || o->output))
		usage_err("--pattern cannot be combined with --input or --output");
	if (o->input && stat(o->input, &st) < 0)
		usage_err("bad --input value '%s': %s", o->input,
			  strerror(errno));
	if (o->input && S_ISREG(st.st_mode)) {
		if (o->send_set && o->send_bytes != (uint64_t)st.st_size)
			usage_err("--send %" PRIu64
				  " does not match the size of --input '%s' (%lld bytes)",
				  o->send_bytes, o->input,
				  (long long)st.st_size);
		o->send_bytes = st.st_size;
	} else if (o->input && !o->send_set) {
		usage_err("--input '%s' is not a regular file: --send is required",
			  o->input);
	}
	parse_addr(o);
}

int main(int argc, char **argv)
{
	struct opts o;
	struct xfer x = { .o = &o, .c.fd = -1, .in_fd = -1, .out_fd = -1 };
	int ret = EXIT_SYS;

	parse_args(&o, argc, argv);
	signal(SIGPIPE, SIG_IGN);
	t_deadline = now_sec() + o.timeout;

	x.c.tp = o.tp;
	if (o.tp == &tls_transport && tls_init(&o) < 0)
		return EXIT_USAGE;
	x.sbuf = malloc(o.wsize);
	x.rbuf = malloc(o.wsize);
	x.ebuf = malloc(o.wsize);
	x.sha_tx = EVP_MD_CTX_new();
	x.sha_rx = EVP_MD_CTX_new();
	if (!x.sbuf || !x.rbuf || !x.ebuf || !x.sha_tx || !x.sha_rx)
		err("out of memory");
	else
		ret = o.server ? run_server(&x) : run_client(&x);

	xfer_close_files(&x);
	if (x.timeline)
		fclose(x.timeline);
	free(x.sbuf);
	free(x.rbuf);
	free(x.ebuf);
	EVP_MD_CTX_free(x.sha_tx);
	EVP_MD_CTX_free(x.sha_rx);
	SSL_CTX_free(tls_ctx);
	return ret;
}

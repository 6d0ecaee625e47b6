// SPDX-License-Identifier: GPL-2.0
/*
 * mptcpsec-nfq - the userspace half of the in-path attacker of the MPTCPsec
 * attack tests.  The router forwards in the kernel; an nftables "queue"
 * rule scoped to one connection's port and one path hands only those
 * packets (IPv4/TCP, one direction) to this helper, which acts on them and
 * gives them back (NF_ACCEPT, with the changed bytes when it changed them).
 *
 *   mptcpsec-nfq -q NUM [trigger] [action] [--events FILE]
 *
 * Trigger (default: the first packet with payload):
 *   --after-dsn BYTES   the first data segment at or beyond connection-level
 *                       offset BYTES (its DSS mapping, relative to the first
 *                       data sequence number seen on this path)
 *   --after BYTES       the first data segment once BYTES of payload went
 *                       through the queue
 * Actions:
 *   --flip K            XOR byte K of the payload with 0xff, once
 *   --hold DIR          write the triggering packet to DIR/held.pkt, keep it
 *                       until DIR/release exists (at most 60 s), then
 *                       forward it; a separate program (attack.py) injects
 *                       its forged segment meanwhile
 *   --record-at BYTES   with --hold: also write DIR/old.pkt, the first
 *                       full-size data segment once BYTES of payload passed
 *   --strip LIST        replace the MPTCP options (kind 30) whose subtypes
 *                       are in LIST (e.g. 0,15) with NOPs, in every queued
 *                       packet (scope it with the rule, e.g. SYNs only)
 *   --mangle-opt S:O    XOR byte O of every MPTCP option of subtype S with
 *                       0xff (O >= 2: after kind and length)
 *   --dsn-rewind        from the trigger on, move the 64-bit data sequence
 *                       number of every DSS mapping 2^62 into the past
 *                       (the payload untouched): old data to the receiver
 *
 * TCP checksums are recomputed after every change.  Event lines go to
 * stdout (and FILE): "nfq: <event> key=value ...", with t=CLOCK_MONOTONIC
 * seconds.  SIGTERM/SIGINT end it with a "nfq: summary" line.
 */
#define _GNU_SOURCE
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
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <libnetfilter_queue/libnetfilter_queue.h>

#define PROG			"mptcpsec-nfq"
#define TCPOPT_MPTCP		30
#define MPTCP_SUB_DSS		2
#define DSS_FLAG_DACK8		0x02
#define DSS_FLAG_MAP		0x04
#define DSS_FLAG_DSN8		0x08
#define DSS_FLAG_DACK		0x01
#define HOLD_MAX_SEC		60
#define QUEUE_MAXLEN		8192
#define RCVBUF			(8 << 20)
#define PKT_MAX			0xffff
#define STRIP_EVENTS_MAX	4	/* then only the summary counts them */

struct opts {
	unsigned int queue;
	long long after_dsn, after, record_at;
	int flip;
	const char *hold_dir;
	uint32_t strip_mask;		/* bit per MPTCP subtype */
	int mangle_sub, mangle_off;
	bool dsn_rewind;
	const char *events;
};

static struct opts o = {
	.after_dsn = -1, .after = -1, .record_at = -1, .flip = -1,
	.mangle_sub = -1,
};

static struct {
	uint64_t packets, payload, changed, stripped, rewound;
	bool have_isn, have_base, fired, recorded, established;
	uint32_t isn;
	uint64_t dsn_base;
} st;

static FILE *evf;
static volatile sig_atomic_t stop;

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void event(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	n = snprintf(line, sizeof(line), "nfq: ");
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	printf("%s\n", line);
	fflush(stdout);
	if (evf) {
		fprintf(evf, "%s\n", line);
		fflush(evf);
	}
}

static void die(const char *what)
{
	fprintf(stderr, PROG ": %s: %s\n", what, strerror(errno));
	exit(1);
}

/* ------------------------------------------------------------ checksums */

static uint32_t sum16(const uint8_t *p, size_t len, uint32_t s)
{
	for (; len > 1; p += 2, len -= 2)
		s += (uint32_t)p[0] << 8 | p[1];
	if (len)
		s += (uint32_t)p[0] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Recompute the TCP checksum of the IPv4 packet @ip (header length @ihl). */
static void tcp_csum_fix(uint8_t *ip, size_t ihl, size_t tot)
{
	uint8_t *tcp = ip + ihl;
	size_t tlen = tot - ihl;
	uint32_t s = 0;
	uint16_t c;

	tcp[16] = tcp[17] = 0;
	s = sum16(ip + 12, 8, s);		/* saddr, daddr */
	s += IPPROTO_TCP + (uint32_t)tlen;
	s = sum16(tcp, tlen, s);
	c = fold(s);
	tcp[16] = c >> 8;
	tcp[17] = c & 0xff;
}

/* ------------------------------------------------------------- parsing */

struct seg {
	uint8_t *ip, *tcp, *opt, *pl;
	size_t ihl, tot, doff, optlen, plen;
	uint32_t seq;
	uint8_t flags;
	bool has_map;
	uint64_t map_dsn;
	uint32_t map_ssn;
};

static bool parse(uint8_t *p, size_t len, struct seg *s)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	if (len < 20 || (p[0] >> 4) != 4 || p[9] != IPPROTO_TCP)
		return false;
	s->ip = p;
	s->ihl = (p[0] & 15) * 4;
	s->tot = (size_t)p[2] << 8 | p[3];
	if (s->tot > len || s->ihl < 20 || s->tot < s->ihl + 20)
		return false;
	s->tcp = p + s->ihl;
	s->doff = (s->tcp[12] >> 4) * 4;
	if (s->doff < 20 || s->ihl + s->doff > s->tot)
		return false;
	s->seq = ntohl(*(uint32_t *)(s->tcp + 4));
	s->flags = s->tcp[13];
	s->opt = s->tcp + 20;
	s->optlen = s->doff - 20;
	s->pl = s->tcp + s->doff;
	s->plen = s->tot - s->ihl - s->doff;

	for (i = 0; i < s->optlen;) {
		uint8_t kind = s->opt[i], ol, *d;

		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= s->optlen || s->opt[i + 1] < 2 ||
		    i + s->opt[i + 1] > s->optlen)
			break;
		ol = s->opt[i + 1];
		d = s->opt + i;
		if (kind == TCPOPT_MPTCP && ol >= 4 && (d[2] >> 4) == MPTCP_SUB_DSS) {
			uint8_t fl = d[3];
			size_t k = 4;

			if (fl & DSS_FLAG_DACK)
				k += (fl & DSS_FLAG_DACK8) ? 8 : 4;
			if ((fl & DSS_FLAG_MAP) &&
			    k + ((fl & DSS_FLAG_DSN8) ? 8 : 4) + 6 <= ol) {
				uint64_t dsn = 0;
				size_t n = (fl & DSS_FLAG_DSN8) ? 8 : 4, j;

				for (j = 0; j < n; j++)
					dsn = dsn << 8 | d[k + j];
				k += n;
				s->has_map = true;
				s->map_dsn = dsn;
				s->map_ssn = ntohl(*(uint32_t *)(d + k));
			}
		}
		i += ol;
	}
	return true;
}

/* Connection-level offset of the first payload byte of @s, -1 if unknown. */
static long long seg_dsn_off(const struct seg *s)
{
	uint64_t dsn;

	if (!s->has_map || !st.have_base)
		return -1;
	dsn = s->map_dsn;
	if (st.have_isn && s->map_ssn)
		dsn += (uint32_t)(s->seq - st.isn - s->map_ssn);
	return (long long)(dsn - st.dsn_base);
}

/* ------------------------------------------------------------- actions */

static int strip_opts(struct seg *s)
{
	int n = 0;
	size_t i;

	for (i = 0; i < s->optlen;) {
		uint8_t kind = s->opt[i], ol, sub;

		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= s->optlen || s->opt[i + 1] < 2 ||
		    i + s->opt[i + 1] > s->optlen)
			break;
		ol = s->opt[i + 1];
		if (kind == TCPOPT_MPTCP && ol >= 3) {
			sub = s->opt[i + 2] >> 4;
			if (o.strip_mask & (1u << sub)) {
				if (st.stripped + n < STRIP_EVENTS_MAX)
					event("strip t=%.6f subtype=%u len=%u seq=%" PRIu32
					      " syn=%d", mono(), sub, ol, s->seq,
					      !!(s->flags & 0x02));
				memset(s->opt + i, 1, ol);
				n++;
			} else if ((int)sub == o.mangle_sub && o.mangle_off >= 2 &&
				   o.mangle_off < ol) {
				s->opt[i + o.mangle_off] ^= 0xff;
				event("mangle-opt t=%.6f subtype=%u offset=%d seq=%" PRIu32,
				      mono(), sub, o.mangle_off, s->seq);
				n++;
			}
		}
		i += ol;
	}
	return n;
}

/* DSN - 2^62 in every DSS mapping with a 64-bit DSN; how many changed */
static int rewind_dsn(struct seg *s)
{
	size_t i, k;
	int n = 0;

	for (i = 0; i + 1 < s->optlen;) {
		uint8_t *d = s->opt + i, ol, fl;

		if (d[0] == 0)
			break;
		if (d[0] == 1) {
			i++;
			continue;
		}
		ol = d[1];
		if (ol < 2 || i + ol > s->optlen)
			break;
		if (d[0] == TCPOPT_MPTCP && ol >= 4 && (d[2] >> 4) == MPTCP_SUB_DSS) {
			fl = d[3];
			k = 4;
			if (fl & DSS_FLAG_DACK)
				k += (fl & DSS_FLAG_DACK8) ? 8 : 4;
			if ((fl & DSS_FLAG_MAP) && (fl & DSS_FLAG_DSN8) && k + 8 <= ol) {
				/* bit 62 borrows into 63: subtract from the top byte */
				d[k] -= 0x40;
				n++;
			}
		}
		i += ol;
	}
	return n;
}

static bool write_file(const char *dir, const char *name, const void *p, size_t len)
{
	char path[4096], tmp[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return false;
	if (fwrite(p, 1, len, f) != len) {
		fclose(f);
		return false;
	}
	if (fclose(f) || rename(tmp, path))
		return false;
	return true;
}

/* Keep the packet until DIR/release exists or HOLD_MAX_SEC passed. */
static void hold(const struct seg *s)
{
	char path[4096];
	double t0 = mono();

	if (!write_file(o.hold_dir, "held.pkt", s->ip, s->tot))
		die("write held.pkt");
	snprintf(path, sizeof(path), "%s/release", o.hold_dir);
	while (access(path, F_OK) && mono() - t0 < HOLD_MAX_SEC && !stop)
		usleep(5000);
	event("released t=%.6f held_for=%.3f%s", mono(), mono() - t0,
	      access(path, F_OK) ? " timeout=1" : "");
}

static bool triggered(const struct seg *s, long long off)
{
	if (st.fired || !s->plen || (s->flags & 0x07))	/* no SYN/FIN/RST */
		return false;
	if (o.after_dsn >= 0)
		return off >= o.after_dsn;
	if (o.after >= 0)
		return (long long)st.payload >= o.after;
	return true;
}

static int cb(struct nfq_q_handle *qh, struct nfgenmsg *nfmsg,
	      struct nfq_data *nfa, void *data)
{
	struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
	uint32_t id = ph ? ntohl(ph->packet_id) : 0;
	static uint8_t buf[PKT_MAX];
	unsigned char *p;
	bool changed = false;
	struct seg s;
	long long off;
	int len;

	(void)nfmsg;
	(void)data;
	len = nfq_get_payload(nfa, &p);
	if (len <= 0 || len > PKT_MAX || !parse(p, len, &s))
		return nfq_set_verdict(qh, id, NF_ACCEPT, 0, NULL);
	memcpy(buf, p, len);
	parse(buf, len, &s);
	st.packets++;

	if ((s.flags & 0x12) == 0x02) {		/* SYN */
		st.isn = s.seq;
		st.have_isn = true;
		event("syn t=%.6f seq=%" PRIu32, mono(), s.seq);
	}
	if (st.have_isn && !st.established && !(s.flags & 0x02) && (s.flags & 0x10)) {
		/* the handshake's last ACK: the server accepts now */
		st.established = true;
		event("established t=%.6f seq=%" PRIu32, mono(), s.seq);
	}
	if (s.has_map && !st.have_base) {
		/* bytes seen before the first mapping were at offset 0.. */
		st.dsn_base = s.map_dsn - st.payload;
		if (st.have_isn && s.map_ssn)
			st.dsn_base += (uint32_t)(s.seq - st.isn - s.map_ssn);
		st.have_base = true;
	}
	off = seg_dsn_off(&s);

	if (o.strip_mask || o.mangle_sub >= 0) {
		int n = strip_opts(&s);

		if (n) {
			st.stripped += n;
			changed = true;
		}
	}
	if (o.hold_dir && o.record_at >= 0 && !st.recorded && s.plen >= 1000 &&
	    (long long)st.payload >= o.record_at) {
		if (!write_file(o.hold_dir, "old.pkt", s.ip, s.tot))
			die("write old.pkt");
		st.recorded = true;
		event("recorded t=%.6f seq=%" PRIu32 " len=%zu", mono(), s.seq, s.plen);
	}
	if (o.dsn_rewind && s.plen && !(s.flags & 0x07) &&
	    (st.fired || triggered(&s, off))) {
		int n = rewind_dsn(&s);

		if (n && !st.fired)
			event("fired action=dsn-rewind t=%.6f seq=%" PRIu32 " len=%zu dsn_off=%lld path_bytes=%" PRIu64,
			      mono(), s.seq, s.plen, off, st.payload);
		st.fired = st.fired || n;
		st.rewound += n;
		changed = changed || n;
	}
	if (triggered(&s, off) && (o.flip >= 0 || o.hold_dir)) {
		st.fired = true;
		if (o.flip >= 0) {
			size_t k = (size_t)o.flip < s.plen ? (size_t)o.flip : s.plen - 1;
			uint8_t old = s.pl[k];

			s.pl[k] ^= 0xff;
			changed = true;
			event("fired action=flip t=%.6f seq=%" PRIu32 " len=%zu byte=%zu old=0x%02x new=0x%02x dsn_off=%lld path_bytes=%" PRIu64,
			      mono(), s.seq, s.plen, k, old, s.pl[k], off, st.payload);
		} else {
			event("fired action=hold t=%.6f seq=%" PRIu32 " len=%zu dsn_off=%lld path_bytes=%" PRIu64,
			      mono(), s.seq, s.plen, off, st.payload);
			hold(&s);
		}
	}
	st.payload += s.plen;
	if (changed) {
		tcp_csum_fix(s.ip, s.ihl, s.tot);
		st.changed++;
		return nfq_set_verdict(qh, id, NF_ACCEPT, len, buf);
	}
	return nfq_set_verdict(qh, id, NF_ACCEPT, 0, NULL);
}

/* ------------------------------------------------------------ arguments */

static long long num(const char *s)
{
	char *end;
	long long v = strtoll(s, &end, 0);

	if (*end == 'K' || *end == 'k')
		v *= 1024, end++;
	else if (*end == 'M')
		v *= 1024 * 1024, end++;
	if (*end || v < 0) {
		fprintf(stderr, PROG ": bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

static void parse_args(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "queue", required_argument, NULL, 'q' },
		{ "after-dsn", required_argument, NULL, 'D' },
		{ "after", required_argument, NULL, 'A' },
		{ "flip", required_argument, NULL, 'f' },
		{ "hold", required_argument, NULL, 'H' },
		{ "record-at", required_argument, NULL, 'R' },
		{ "strip", required_argument, NULL, 's' },
		{ "mangle-opt", required_argument, NULL, 'm' },
		{ "dsn-rewind", no_argument, NULL, 'W' },
		{ "events", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	char *tok, *save, *list;
	int c;

	while ((c = getopt_long(argc, argv, "q:h", lo, NULL)) != -1) {
		switch (c) {
		case 'q':
			o.queue = num(optarg);
			break;
		case 'D':
			o.after_dsn = num(optarg);
			break;
		case 'A':
			o.after = num(optarg);
			break;
		case 'f':
			o.flip = num(optarg);
			break;
		case 'H':
			o.hold_dir = optarg;
			break;
		case 'R':
			o.record_at = num(optarg);
			break;
		case 'e':
			o.events = optarg;
			break;
		case 'W':
			o.dsn_rewind = true;
			break;
		case 's':
			list = strdup(optarg);
			for (tok = strtok_r(list, ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save))
				o.strip_mask |= 1u << (num(tok) & 15);
			free(list);
			break;
		case 'm':
			if (sscanf(optarg, "%d:%d", &o.mangle_sub, &o.mangle_off) != 2) {
				fprintf(stderr, PROG ": bad --mangle-opt '%s'\n", optarg);
				exit(2);
			}
			break;
		case 'h':
			printf("usage: " PROG " -q NUM [--after-dsn B|--after B] [--flip K|--hold DIR [--record-at B]] [--strip SUBTYPES] [--mangle-opt SUB:OFF] [--dsn-rewind] [--events FILE]\n");
			exit(0);
		default:
			exit(2);
		}
	}
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct nfq_q_handle *qh;
	struct nfq_handle *h;
	char buf[PKT_MAX + 4096];
	struct pollfd pfd;
	int fd, n;

	parse_args(argc, argv);
	if (o.events) {
		evf = fopen(o.events, "a");
		if (!evf)
			die(o.events);
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	h = nfq_open();
	if (!h)
		die("nfq_open");
	qh = nfq_create_queue(h, o.queue, cb, NULL);
	if (!qh)
		die("nfq_create_queue");
	if (nfq_set_mode(qh, NFQNL_COPY_PACKET, PKT_MAX) < 0)
		die("nfq_set_mode");
	nfq_set_queue_maxlen(qh, QUEUE_MAXLEN);
	fd = nfq_fd(h);
	nfnl_rcvbufsiz(nfq_nfnlh(h), RCVBUF);
	event("ready t=%.6f queue=%u", mono(), o.queue);

	pfd.fd = fd;
	pfd.events = POLLIN;
	while (!stop) {
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == ENOBUFS) {
				event("enobufs t=%.6f", mono());
				continue;
			}
			if (errno == EINTR)
				continue;
			die("recv");
		}
		nfq_handle_packet(h, buf, n);
	}
	event("summary packets=%" PRIu64 " payload=%" PRIu64 " changed=%" PRIu64
	      " stripped=%" PRIu64 " rewound=%" PRIu64 " fired=%d recorded=%d",
	      st.packets, st.payload, st.changed, st.stripped, st.rewound,
	      st.fired, st.recorded);
	nfq_destroy_queue(qh);
	nfq_close(h);
	return 0;
}

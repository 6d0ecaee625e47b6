#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""TCP payloads and MPTCP options from tcpdump files (Ethernet, IPv4/IPv6).

  pcap_tcp.py scan PATTERN FILE...
      look for every 8-byte window of PATTERN repeated (the stream
      mptcpsec-xfer --pattern sends) in every TCP payload; prints
      "segments=N payload_bytes=M hits=K" and exits 0.
  pcap_tcp.py tcprst PORT FILE...
      MP_TCPRST options (kind 30, subtype 8) on connections with PORT;
      prints one line per option, then "mp_tcprst_0x0f=N
      data_after_0x0f=B data_after_0x0f_late=L payload_to_port=P
      to_port_before_0x0f=Q": B payload bytes sent on that subflow after
      it was reset with reason 0x0f, L of them more than 1 s after the
      reset (no longer in flight), P payload bytes towards PORT in the
      capture, Q of them before the first 0x0f reset.
No scapy needed; plain struct parsing.
"""
import struct
import sys


def segments(path):
    """((src, sport, dst, dport), flags, options, payload) of the TCP
    segments of a pcap file"""
    for _, addrs, flags, opts, payload in timed_segments(path):
        yield addrs, flags, opts, payload


def timed_segments(path):
    """segments(), each preceded by its capture time in seconds"""
    with open(path, 'rb') as f:
        data = f.read()
    if len(data) < 24:
        return
    magic = data[:4]
    if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1'):
        end = '<'
    elif magic in (b'\xa1\xb2\xc3\xd4', b'\xa1\xb2\x3c\x4d'):
        end = '>'
    else:
        raise SystemExit(f'{path}: not a pcap file (pcapng?)')
    link = struct.unpack(end + 'I', data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack(end + 'IIII', data[off:off + 16])
        # microseconds (a1b2c3d4) or nanoseconds (a1b23c4d)
        ts = sec + frac / (1e9 if magic[1:3] in (b'\x3c\xb2', b'\xb2\x3c') else 1e6)
        off += 16
        pkt = data[off:off + incl]
        off += incl
        if link == 1:           # Ethernet
            if len(pkt) < 14:
                continue
            etype = struct.unpack('>H', pkt[12:14])[0]
            l3 = pkt[14:]
        elif link == 113:       # Linux cooked (any)
            etype = struct.unpack('>H', pkt[14:16])[0]
            l3 = pkt[16:]
        else:
            raise SystemExit(f'{path}: unsupported link type {link}')
        tcp = None
        if etype == 0x0800 and len(l3) >= 20 and l3[9] == 6:
            ihl = (l3[0] & 15) * 4
            tot = struct.unpack('>H', l3[2:4])[0]
            src, dst = l3[12:16], l3[16:20]
            tcp = l3[ihl:tot]
        elif etype == 0x86dd and len(l3) >= 40 and l3[6] == 6:
            plen = struct.unpack('>H', l3[4:6])[0]
            src, dst = l3[8:24], l3[24:40]
            tcp = l3[40:40 + plen]
        if not tcp or len(tcp) < 20:
            continue
        sport, dport = struct.unpack('>HH', tcp[:4])
        doff = (tcp[12] >> 4) * 4
        yield ts, (src, sport, dst, dport), tcp[13], tcp[20:doff], tcp[doff:]


def packets(path):
    for addrs, _, opts, payload in segments(path):
        yield addrs, opts, payload


def options(raw):
    i = 0
    while i < len(raw):
        kind = raw[i]
        if kind == 0:
            return
        if kind == 1:
            i += 1
            continue
        if i + 1 >= len(raw) or raw[i + 1] < 2:
            return
        ln = raw[i + 1]
        yield kind, raw[i:i + ln]
        i += ln


def scan(pattern, files):
    pat = pattern.encode()
    cyc = pat * (8 // len(pat) + 2)
    windows = {cyc[i:i + 8] for i in range(len(pat))}
    payloads = [p for f in files for _, _, p in packets(f) if p]
    # NUL never occurs in an mptcpsec-xfer pattern argument
    blob = b'\0'.join(payloads)
    hits = sum(blob.count(w) for w in windows)
    print(f'segments={len(payloads)} '
          f'payload_bytes={sum(len(p) for p in payloads)} hits={hits}')


LATE = 1.0      # s after a reset: what the peer had in flight has arrived


def tcprst(port, files):
    segs = [x for f in files for x in timed_segments(f)
            if port in (x[1][1], x[1][3])]
    segs.sort(key=lambda x: x[0])
    n = 0
    reset = {}
    after = late = to_port = before = 0
    # the time of the first 0x0f reset, over all files
    first = min((ts for ts, _, _, opts, _ in segs
                 for kind, o in options(opts)
                 if kind == 30 and len(o) >= 4 and o[2] >> 4 == 8 and
                 o[3] == 0x0f), default=None)
    for ts, flow, _, opts, payload in segs:
        if flow[3] == port:
            to_port += len(payload)
            if first is None or ts < first:
                before += len(payload)
        key = frozenset([(flow[0], flow[1]), (flow[2], flow[3])])
        if key in reset:
            after += len(payload)
            if ts > reset[key] + LATE:
                late += len(payload)
        for kind, o in options(opts):
            if kind == 30 and len(o) >= 4 and o[2] >> 4 == 8:
                print(f'mp_tcprst sport={flow[1]} dport={flow[3]} '
                      f'flags=0x{o[2] & 15:x} reason=0x{o[3]:02x}')
                if o[3] == 0x0f:
                    n += 1
                    reset.setdefault(key, ts)
    print(f'mp_tcprst_0x0f={n} data_after_0x0f={after} '
          f'data_after_0x0f_late={late} payload_to_port={to_port} '
          f'to_port_before_0x0f={before}')


if __name__ == '__main__':
    if len(sys.argv) >= 4 and sys.argv[1] == 'scan':
        scan(sys.argv[2], sys.argv[3:])
    elif len(sys.argv) >= 4 and sys.argv[1] == 'tcprst':
        tcprst(int(sys.argv[2]), sys.argv[3:])
    else:
        sys.exit(__doc__)

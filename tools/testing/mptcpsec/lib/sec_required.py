#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Sockets and capture checks of tests/sec_required.sh (the REQUIRED policy).

No scapy here (lib/sec_fakepeer.py forges); plain sockets, run with
/usr/bin/python3 inside a namespace of the topology.  KEY arguments are
hex.  Client commands print one "RESULT <name> ok|fail <details>" line;
every check lists what it saw, so a failure says why.

  driver                 read "ID CMD ARGS..." lines on stdin and run each
                         client or capture command below in a thread (one
                         Python start for the whole test: each costs
                         seconds in a TCG guest); "DONE ID rc=N" at its end
Server side:
  serve SPEC...          listeners, SPEC = PORT/POLICY/KEY[/SYSCTL]:
                         POLICY 0-2 or '-' (the namespace default), KEY
                         hex or '-', SYSCTL written to
                         net.mptcp.sec_enabled just before the socket is
                         made.  Each connection: read up to the pattern's
                         length, reply "state=S suite=0xXX recv=N match=M",
                         read to the end.  Prints one "SRV ..." line per
                         connection; then works as the driver (READY).
  relisten PORT KEY SECS [STOP]  a policy-1 listener with KEY closed and
                         made again every 50 ms for SECS seconds or until
                         the file STOP exists; "CLOSE <epoch>" per close
                         (through the driver or serve)
  counters               "COUNTERS ID name=value..." of the namespace's
                         MPTcpExt counters (through the driver or serve)
Client side (also through the driver):
  retry ADDR KEY CASE... CASE = NAME:MODE:FIRST:SECOND; MODE refused,
                         reset, timeout, v1 (first connect() fails), unspec
                         (secured, connect(AF_UNSPEC)), plain (policy 0
                         transfer, the capture's positive control), direct
                         (one secured transfer to SECOND)
  tfo NAME ADDR PORT POLICY KEY    tcp_fastopen=5, TCP_FASTOPEN_CONNECT,
                         connect(), write the pattern
  pending NAME ADDR PORT KEY       client of a fake server (state polling)
  plainconnect NAME ADDR PORT ERRNO  policy-0 connect(), its errno
  sysctl2 ADDR PORT_NOKEY PORT_CTRL  net.mptcp.sec_enabled=2 client checks
                         (two results)
  idle NAME ADDR PORT KEY          secured, "IDLE ...", blocked in recv()
Forged SYNs (raw IP socket, client side):
  offer SRC DST PORT N KIND  N SYNs with MP_CAPABLE v2 1e 04 02 01 and an
                         MP_SEC offer, long (1e 18 f0 00, twelve 0x21, 8
                         random bytes) or valid (1e 0f f0 00 21 22 23 + 8),
                         50 ms apart; "OFFER ..."
  flood SRC DST PORT N SECS  at least N valid offers over at least SECS
                         seconds; "FLOOD ... sent= start= end=" (epoch)
Capture:
  flow PCAP PORT...      once tcpdump wrote what it has: per port, client
                         SYNs (payload, TFO option), SYN/ACKs (options
                         clean, MP_CAPABLE v1/v2, MP_SEC), client RSTs and
                         MP_CAPABLE ACKs, payload bytes per direction,
                         forged pure DSS ACKs, pattern hits; one
                         "[FLOW ID ]port=P k=v..." line per port
"""
import ctypes
import errno
import os
import random
import socket
import struct
import sys
import threading
import time

from pcap_tcp import segments

IPPROTO_MPTCP = 262
SOL_MPTCP = 284
KEY, POLICY, INFO, SUITES = 64, 65, 66, 67
INFO_FMT = '=BBBB48sQQQQ'
TCP_FASTOPEN_CONNECT = 30
MSG_FASTOPEN = 0x20000000
PATTERN = (b'SECRET-PATTERN-' * 300)[:4096]
STATE = {0: 'off', 1: 'pending', 2: 'secured', 3: 'plain', 4: 'failed'}
SYSCTL = '/proc/sys/net/mptcp/sec_enabled'
SYN_RETRIES = '/proc/sys/net/ipv4/tcp_syn_retries'
TCP_FASTOPEN = '/proc/sys/net/ipv4/tcp_fastopen'
OUT_LOCK = threading.Lock()


def say(*a):
    with OUT_LOCK:
        print(*a, flush=True)


def ename(e):
    if e == errno.EOPNOTSUPP:       # errorcode says ENOTSUP
        return 'EOPNOTSUPP'
    return errno.errorcode.get(e, str(e))


def err_of(fn):
    """errno name of fn() or 'ok'"""
    try:
        fn()
        return 'ok'
    except OSError as e:
        if e.errno is None:
            return type(e).__name__
        return ename(e.errno)


def recv_err(s, n=16):
    """what one recv() gives: an errno name, 'EOF' or 'data'"""
    try:
        return 'data' if s.recv(n) else 'EOF'
    except OSError as e:
        return ename(e.errno) if e.errno else repr(e)


def sock():
    return socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_MPTCP)


def timeouts(s, secs):
    """blocking socket, SO_SNDTIMEO (connect, send) and SO_RCVTIMEO"""
    tv = struct.pack('ll', int(secs), int((secs % 1) * 1e6))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, tv)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, tv)


def setp(s, v):
    s.setsockopt(SOL_MPTCP, POLICY, struct.pack('i', v))


def setk(s, hexkey):
    s.setsockopt(SOL_MPTCP, KEY, bytes.fromhex(hexkey))


def sets(s, lst):
    s.setsockopt(SOL_MPTCP, SUITES, bytes(lst))


def getp(s):
    try:
        return struct.unpack('i', s.getsockopt(SOL_MPTCP, POLICY, 4))[0]
    except OSError as e:
        return ename(e.errno)


def gets(s):
    try:
        return s.getsockopt(SOL_MPTCP, SUITES, 3).hex()
    except OSError as e:
        return ename(e.errno)


def info(s):
    n = struct.calcsize(INFO_FMT)
    try:
        raw = s.getsockopt(SOL_MPTCP, INFO, n)
    except OSError as e:
        return {'state': ename(e.errno), 'suite': 0}
    v = struct.unpack(INFO_FMT, raw.ljust(n, b'\0'))
    return {'state': v[0], 'policy': v[1], 'suite': v[2], 'sealed': v[5],
            'opened': v[6]}


def sname(st):
    return STATE.get(st, str(st))


_libc = ctypes.CDLL(None, use_errno=True)


def connect_unspec(s):
    """connect(fd, {AF_UNSPEC}): errno name or 'ok'"""
    sa = ctypes.create_string_buffer(16)        # sa_family 0: AF_UNSPEC
    if _libc.connect(s.fileno(), sa, 16) == 0:
        return 'ok'
    return ename(ctypes.get_errno())


def write_proc(path, val):
    with open(path, 'w') as f:
        f.write(str(val))


def read_proc(path):
    with open(path) as f:
        return f.read().strip()


def check(name, pairs, extra=''):
    """pairs: (what, got, want); want may be a tuple of accepted values"""
    def good(g, w):
        return g in w if isinstance(w, tuple) else g == w
    bad = [f'{w}: got {g}, want {"|".join(map(str, x)) if isinstance(x, tuple) else x}'
           for w, g, x in pairs if not good(g, x)]
    allp = '; '.join(f'{w}={g}' for w, g, _ in pairs)
    ok = not bad
    say(f'RESULT {name} {"ok" if ok else "fail"} '
        f'{("FAILED: " + "; ".join(bad) + " | ") if bad else ""}{allp}'
        f'{" | " + extra if extra else ""}')
    return ok


def run(name, fn, *a):
    try:
        fn(name, *a)
    except Exception as e:  # noqa: a crash is one failed result
        say(f'RESULT {name} fail exception {e!r}')


# ---------------------------------------------------------------------
# server side

def serve_conn(port, c):
    timeouts(c, 30)
    data = b''
    try:
        while len(data) < len(PATTERN):
            b = c.recv(len(PATTERN) - len(data))
            if not b:
                break
            data += b
    except OSError as e:
        say(f'SRV port={port} recv_error={ename(e.errno)} recv={len(data)}')
    i = info(c)
    line = (f'state={i["state"]} suite=0x{i["suite"]:02x} recv={len(data)} '
            f'match={int(data == PATTERN)}')
    say(f'SRV port={port} {line} ({sname(i["state"])})')
    try:
        c.sendall(line.encode() + b'\n')
        while c.recv(4096):
            pass
    except OSError:
        pass
    c.close()


def serve_listener(port, ls):
    while True:
        try:
            c, _ = ls.accept()
        except OSError as e:
            say(f'SRV port={port} accept_error={ename(e.errno)}')
            time.sleep(0.2)
            continue
        threading.Thread(target=serve_conn, args=(port, c), daemon=True).start()


def cmd_serve(specs):
    ths = []
    for spec in specs:
        f = spec.split('/')
        port, pol, key = int(f[0]), f[1], f[2]
        if len(f) > 3:
            write_proc(SYSCTL, f[3])
        ls = sock()
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if pol != '-':
            setp(ls, int(pol))
        if key != '-':
            setk(ls, key)
        ls.bind(('0.0.0.0', port))
        ls.listen(16)
        say(f'LISTEN port={port} policy={getp(ls)} key={"yes" if key != "-" else "no"}'
            f' sysctl={read_proc(SYSCTL)}')
        ths.append(threading.Thread(target=serve_listener, args=(port, ls),
                                    daemon=True))
    for t in ths:
        t.start()
    # then commands on stdin, as the driver: relisten, counters
    cmd_driver()
    while True:
        time.sleep(3600)


def cmd_relisten(port, key, secs, stop=None):
    """a policy-1 listener with KEY, closed and made again every 50 ms for
    SECS seconds or until the file STOP exists; "CLOSE <epoch>" per close"""
    n = 0
    end = time.time() + secs
    while time.time() < end and not (stop and os.path.exists(stop)):
        ls = sock()
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        setp(ls, 1)
        setk(ls, key)
        ls.bind(('0.0.0.0', port))
        ls.listen(64)
        if n == 0:
            say(f'LISTENING port={port}')
        time.sleep(0.05)
        ls.close()
        n += 1
        say(f'CLOSE {time.time():.3f}')
    say(f'RELISTEN port={port} closes={n}')


def cmd_counters(tag):
    """the MPTcpExt counters of this namespace (/proc/net/netstat), one
    "COUNTERS TAG name=value..." line: nstat without a process"""
    vals = {}
    with open('/proc/net/netstat') as f:
        lines = f.read().splitlines()
    for names, values in zip(lines[::2], lines[1::2]):
        n, v = names.split(), values.split()
        if n and n[0] == 'MPTcpExt:':
            vals.update(zip(n[1:], v[1:]))
    say(f'COUNTERS {tag} ' + ' '.join(f'{k}={v}' for k, v in vals.items()))


# ---------------------------------------------------------------------
# client side

def exchange(s, want_state=2):
    """send the pattern, read the server's line; returns (fields, client
    info).  The client's state is read after the server's answer (a
    client reads secured only once the server proved its keys); waits up
    to 2 s for WANT_STATE."""
    fields = {}
    try:
        s.sendall(PATTERN)
        buf = b''
        while b'\n' not in buf:
            b = s.recv(256)
            if not b:
                break
            buf += b
        for kv in buf.decode(errors='replace').split():
            if '=' in kv:
                k, v = kv.split('=', 1)
                fields[k] = v
        if not buf:
            fields['reply'] = 'EOF'
    except OSError as e:
        fields['reply'] = ename(e.errno) if e.errno else repr(e)
    end = time.time() + 2
    i = info(s)
    while i['state'] != want_state and time.time() < end:
        time.sleep(0.1)
        i = info(s)
    return fields, i


def retry_case(name, mode, addr, key, first, second):
    t_start = time.time()
    r = []
    notes = []
    s = sock()
    timeouts(s, 20)
    if mode == 'direct':
        # one secured connection (is the machine still alive?)
        r.append(('set policy 2', err_of(lambda: setp(s, 2)), 'ok'))
        r.append(('set key', err_of(lambda: setk(s, key)), 'ok'))
        r.append(('connect', err_of(lambda: s.connect((addr, second))), 'ok'))
        f, i = exchange(s)
        r += [('client state', sname(i['state']), 'secured'),
              ('server state', f.get('state'), '2'),
              ('server got the pattern', f.get('match'), '1')]
        s.close()
        check(name, r)
        return
    if mode == 'plain':
        setp(s, 0)
        r.append(('connect plain', err_of(lambda: s.connect((addr, first))), 'ok'))
        f, i = exchange(s, 0)
        r.append(('server got the pattern', f.get('match'), '1'))
        s.close()
        check(name, r)
        return
    r.append(('set policy 2', err_of(lambda: setp(s, 2)), 'ok'))
    r.append(('set key', err_of(lambda: setk(s, key)), 'ok'))
    r.append(('set suites 23,21', err_of(lambda: sets(s, [0x23, 0x21])), 'ok'))
    old = None
    if mode == 'timeout':
        old = read_proc(SYN_RETRIES)
        write_proc(SYN_RETRIES, 1)
    t0 = time.time()
    e1 = err_of(lambda: s.connect((addr, first)))
    notes.append(f'first connect() {e1} after {time.time() - t0:.1f}s')
    if old is not None:
        write_proc(SYN_RETRIES, old)
    if mode == 'refused':
        r.append(('first connect', e1, 'ECONNREFUSED'))
    elif mode == 'timeout':
        r.append(('first connect', e1, 'ETIMEDOUT'))
    elif mode == 'v1':
        r.append(('first connect', e1, 'EPROTONOSUPPORT'))
    elif mode == 'reset':
        if e1 == 'ok':
            # connect() returns on the SYN/ACK; the server's reset of
            # the bad Finished value comes with the next call
            e2 = recv_err(s, 1)
            notes.append(f'connect() returned, recv() {e2}, then connect(AF_UNSPEC)')
            r.append(('next call after connect', e2,
                      ('EKEYREJECTED', 'ECONNRESET')))
            r.append(('connect(AF_UNSPEC)', connect_unspec(s), 'ok'))
        else:
            r.append(('first connect', e1, ('EKEYREJECTED', 'ECONNRESET')))
    elif mode == 'unspec':
        r.append(('first connect', e1, 'ok'))
        f, i = exchange(s)
        r += [('first: client state', sname(i['state']), 'secured'),
              ('first: server state', f.get('state'), '2'),
              ('first: server got the pattern', f.get('match'), '1')]
        r.append(('connect(AF_UNSPEC)', connect_unspec(s), 'ok'))
    r.append(('policy after the failure', getp(s), 2))
    r.append(('suites after the failure', gets(s), '2321'))
    t0 = time.time()
    e3 = err_of(lambda: s.connect((addr, second)))
    notes.append(f'second connect() {e3} after {time.time() - t0:.1f}s')
    r.append(('second connect', e3, 'ok'))
    if e3 == 'ok':
        f, i = exchange(s)
        r += [('second: client state', sname(i['state']), 'secured'),
              ('second: client suite', f'0x{i["suite"]:02x}', '0x23'),
              ('second: server state', f.get('state'), '2'),
              ('second: server got the pattern', f.get('match'), '1')]
        notes.append('server: ' + ' '.join(f'{k}={v}' for k, v in f.items()))
    s.close()
    notes.append(f'case took {time.time() - t_start:.1f}s')
    check(name, r, '; '.join(notes))


def cmd_retry(addr, key, cases):
    for c in cases:
        name, mode, first, second = c.split(':')
        run(name, retry_case, mode, addr, key, int(first), int(second))


def tfo(name, addr, port, policy, key):
    old = read_proc(TCP_FASTOPEN)
    write_proc(TCP_FASTOPEN, 5)         # client, data in SYN without cookie
    try:
        tfo_case(name, addr, port, policy, key)
    finally:
        write_proc(TCP_FASTOPEN, old)


def tfo_case(name, addr, port, policy, key):
    r = []
    notes = []
    s = sock()
    timeouts(s, 10)
    setp(s, policy)
    if policy:
        setk(s, key)
    e = err_of(lambda: s.setsockopt(socket.IPPROTO_TCP, TCP_FASTOPEN_CONNECT, 1))
    notes.append(f'setsockopt(TCP_FASTOPEN_CONNECT) {e}')
    if policy == 0:
        r.append(('TCP_FASTOPEN_CONNECT', e, 'ok'))
    t0 = time.time()
    e = err_of(lambda: s.connect((addr, port)))
    notes.append(f'connect() {e} in {time.time() - t0:.2f}s')
    r.append(('connect', e, 'ok'))
    f, i = exchange(s, 2 if policy else 0)
    notes.append('server: ' + ' '.join(f'{k}={v}' for k, v in f.items()))
    notes.append(f'client state {sname(i["state"])}')
    if policy:
        r += [('client state', sname(i['state']), 'secured'),
              ('server state', f.get('state'), '2'),
              ('server got the pattern', f.get('match'), '1')]
        # MSG_FASTOPEN on an MPTCP socket: refused (as upstream 6.1)
        s2 = sock()
        setp(s2, policy)
        setk(s2, key)
        e = err_of(lambda: s2.sendto(b'x', MSG_FASTOPEN, (addr, port)))
        r.append(('sendto(MSG_FASTOPEN)', e, 'EOPNOTSUPP'))
        s2.close()
    s.close()
    check(name, r, '; '.join(notes))


def pending(name, addr, port, key):
    """client of a fake server that never proves its keys"""
    r = []
    notes = []
    s = sock()
    timeouts(s, 30)
    setp(s, 2)
    setk(s, key)
    t = time.time()
    e = err_of(lambda: s.connect((addr, port)))
    # the client's timer runs from the SYN/ACK, that is connect()'s return
    t0 = time.time()
    notes.append(f'connect() {e} in {t0 - t:.1f}s')
    r.append(('connect', e, 'ok'))
    if e != 'ok':
        check(name, r, '; '.join(notes))
        return
    timeouts(s, 5)
    t1 = time.time()
    try:
        n = s.send(PATTERN)
    except OSError as ex:
        n = ename(ex.errno)
    notes.append(f'write() returned {n} in {time.time() - t1:.2f}s')
    r.append(('write() returned', n, len(PATTERN)))
    seen = []
    early_bad = None
    secured_at = failed_at = None
    while time.time() - t0 < 30:
        st = info(s)['state']
        dt = time.time() - t0
        if not seen or seen[-1][1] != st:
            seen.append((round(dt, 1), st))
        if dt < 5 and st != 1 and early_bad is None:
            early_bad = (round(dt, 1), sname(st))
        if st == 2 and secured_at is None:
            secured_at = dt
        if st == 4:
            failed_at = dt
            break
        if secured_at is not None and dt - secured_at > 3:
            break
        time.sleep(0.25)
    notes.append('states ' + ' '.join(f'{t}s:{sname(x)}' for t, x in seen))
    r.append(('state in the first 5 s', early_bad or 'pending', 'pending'))
    r.append(('ever secured', secured_at is not None, False))
    r.append(('failed within 20 s of connect()',
              failed_at is not None and failed_at <= 20, True))
    if failed_at is not None:
        notes.append(f'failed at {failed_at:.1f}s')
        timeouts(s, 2)
        e = recv_err(s)
        r.append(('read() after failed', e, 'ETIMEDOUT'))
        e = err_of(lambda: s.send(b'x'))
        notes.append(f'write() after failed: {e}')
        r.append(('write() after failed fails', e != 'ok', True))
    s.close()
    check(name, r, '; '.join(notes))


def plainconnect(name, addr, port, want):
    s = sock()
    timeouts(s, 10)
    setp(s, 0)
    t0 = time.time()
    e = err_of(lambda: s.connect((addr, port)))
    i = info(s)
    check(name, [('connect', e, want)],
          f'connect() {e} in {time.time() - t0:.2f}s, state {sname(i["state"])}')
    s.close()


def sysctl2(addr, port_nokey, port_ctrl):
    """net.mptcp.sec_enabled=2 in the client namespace, no key: connect()
    fails with ENOKEY (and sends no SYN: the test's capture); the policy
    is the namespace's at socket creation"""
    rb, rc, notes = [], [], []
    old = read_proc(SYSCTL)
    write_proc(SYSCTL, 2)
    a = sock()
    timeouts(a, 10)
    ctl = sock()
    timeouts(ctl, 10)
    c = sock()
    rc.append(('policy of a socket made under sysctl 2', getp(c), 2))
    t0 = time.time()
    e = err_of(lambda: a.connect((addr, port_nokey)))
    rb.append(('connect without a key', e, 'ENOKEY'))
    notes.append(f'connect() without a key: {e} in {time.time() - t0:.2f}s, '
                 f'state {sname(info(a)["state"])}')
    # control: a socket of the same namespace with policy 0 set: its SYN
    # leaves (the capture sees it)
    rb.append(('control: set policy 0', err_of(lambda: setp(ctl, 0)), 'ok'))
    rb.append(('control: connect with policy 0',
               err_of(lambda: ctl.connect((addr, port_ctrl))), 'ok'))
    write_proc(SYSCTL, 0)
    d = sock()
    rc.append(('its policy once the sysctl is back to 0', getp(c), 2))
    rc.append(('control: policy of a socket made under 0', getp(d), 0))
    write_proc(SYSCTL, old)
    for x in (a, ctl, c, d):
        x.close()
    check('sysctl2_client_nokey_enokey', rb, '; '.join(notes))
    check('sysctl2_policy_at_creation', rc)


def idle(name, addr, port, key):
    r = []
    s = sock()
    timeouts(s, 30)
    setp(s, 2)
    setk(s, key)
    e = err_of(lambda: s.connect((addr, port)))
    r.append(('connect', e, 'ok'))
    if e == 'ok':
        f, i = exchange(s)
        r += [('client state', sname(i['state']), 'secured'),
              ('server state', f.get('state'), '2'),
              ('server got the pattern', f.get('match'), '1')]
        say(f'IDLE lport={s.getsockname()[1]} state={sname(i["state"])}')
        t0 = time.time()
        e = recv_err(s)
        r.append(('recv() after the forged MP_TCPRST', e, 'ECONNRESET'))
        extra = f'recv() returned {e} after {time.time() - t0:.1f}s'
    else:
        extra = ''
    s.close()
    check(name, r, extra)


# ---------------------------------------------------------------------
# SYNs with MP_SEC offers, built by hand (raw IP socket, no scapy)

def inet_csum(b):
    if len(b) % 2:
        b += b'\0'
    t = sum(struct.unpack(f'!{len(b) // 2}H', b))
    while t >> 16:
        t = (t & 0xffff) + (t >> 16)
    return ~t & 0xffff


def offer_opt(kind):
    """MP_SEC offer: long = 1e 18 f0 00 + twelve 0x21 + Rc (24 bytes, the
    malformed one); valid = 1e 0f f0 00 21 22 23 + Rc (15 bytes)"""
    body = b'\xf0\x00' + (b'\x21' * 12 if kind == 'long' else b'\x21\x22\x23')
    body += os.urandom(8)
    return bytes([30, len(body) + 2]) + body


def syn_packet(src, dst, dport, kind):
    """IPv4 SYN: MSS, MP_CAPABLE v2 1e 04 02 01, an MP_SEC offer; random
    source port and ISN.  The kernel fills the IP checksum and length."""
    opts = bytes.fromhex('020405b4') + bytes.fromhex('1e040201') + offer_opt(kind)
    opts += b'\0' * (-len(opts) % 4)
    sport = random.randint(20000, 60000)
    tcp = struct.pack('!HHIIBBHHH', sport, dport, random.getrandbits(32), 0,
                      (20 + len(opts)) // 4 << 4, 0x02, 64240, 0, 0) + opts
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + \
        struct.pack('!BBH', 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack('!H', inet_csum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp), 0, 0x4000, 64,
                     6, 0, socket.inet_aton(src), socket.inet_aton(dst))
    return ip + tcp, sport, opts


def cmd_offer(src, dst, port, n, kind):
    rs = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    sports = []
    for _ in range(n):
        b, sp, opts = syn_packet(src, dst, port, kind)
        rs.sendto(b, (dst, 0))
        sports.append(sp)
        time.sleep(0.05)
    rs.close()
    say(f'OFFER port={port} sent={n} kind={kind} options={opts.hex()} '
        f'sports={",".join(map(str, sports))}')


def cmd_flood(src, dst, port, n, secs):
    """at least N valid offers, paced over at least SECS seconds"""
    rs = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    start = time.time()
    sent = errs = 0
    while sent < n or time.time() - start < secs:
        b, _, _ = syn_packet(src, dst, port, 'valid')
        try:
            rs.sendto(b, (dst, 0))
            sent += 1
        except OSError:
            errs += 1
        ahead = start + sent * secs / n - time.time()
        if ahead > 0:
            time.sleep(ahead)
    end = time.time()
    rs.close()
    say(f'FLOOD port={port} sent={sent} errors={errs} start={start:.3f} '
        f'end={end:.3f}')


# ---------------------------------------------------------------------
# captures

KNOWN_KINDS = {0, 1, 2, 3, 4, 5, 8, 30, 34}


def walk_options(raw):
    """(clean, [(kind, bytes)]): clean when every option is a known kind
    with a sane length and only EOL padding follows EOL"""
    out = []
    i = 0
    while i < len(raw):
        k = raw[i]
        if k == 0:
            return all(b == 0 for b in raw[i:]), out
        if k == 1:
            i += 1
            continue
        if i + 1 >= len(raw) or raw[i + 1] < 2 or i + raw[i + 1] > len(raw):
            return False, out + [(k, raw[i:])]
        out.append((k, raw[i:i + raw[i + 1]]))
        i += raw[i + 1]
    return all(k in KNOWN_KINDS for k, _ in out), out


def mptcp_of(opts):
    return [o for k, o in opts if k == 30 and len(o) >= 3]


def packets_with_flags(path):
    """(sport, dport, flags, options, payload) of the IPv4 TCP segments
    of a pcap file"""
    for (src, sport, _, dport), flags, opts, payload in segments(path):
        if len(src) == 4:
            yield sport, dport, flags, opts, payload


def settle(path, quiet=0.6, most=10):
    """wait until tcpdump stopped writing PATH (its size unchanged for
    QUIET seconds, at most MOST seconds)"""
    end = time.time() + most
    last, since = -1, time.time()
    while time.time() < end:
        try:
            size = os.stat(path).st_size
        except OSError:
            size = -1
        if size != last:
            last, since = size, time.time()
        elif time.time() - since >= quiet:
            return
        time.sleep(0.1)


def cmd_flow(pcap, ports, tag=''):
    settle(pcap)
    ports = [int(p) for p in ports]
    pat = PATTERN[:15]
    windows = {(pat * 2)[i:i + 8] for i in range(len(pat))}
    st = {p: dict(syns=0, syn_payload=0, syn_tfo=0, syn_hits=0, synacks=0,
                  synack_clean=0, synack_mpc_v1=0, synack_mpc_v2=0,
                  synack_mp_sec=0, synack_bad='', c_rst=0, c_mpc_ack=0,
                  c_mpc_ack_lens='', c_payload=0, c_payload_segs=0,
                  s_payload=0, s_dss_pure=0, hits=0) for p in ports}
    for sport, dport, fl, rawopts, payload in packets_with_flags(pcap):
        if dport in st:
            p, c2s = dport, True
        elif sport in st:
            p, c2s = sport, False
        else:
            continue
        d = st[p]
        hits = sum(payload.count(w) for w in windows)
        d['hits'] += hits
        clean, opts = walk_options(rawopts)
        mp = mptcp_of(opts)
        syn, ack, rst = fl & 0x02, fl & 0x10, fl & 0x04
        if c2s:
            d['c_payload'] += len(payload)
            d['c_payload_segs'] += bool(payload)
            if syn and not ack:
                d['syns'] += 1
                d['syn_payload'] += len(payload)
                d['syn_hits'] += hits
                d['syn_tfo'] += sum(1 for k, _ in opts if k == 34)
            if rst:
                d['c_rst'] += 1
            if not syn and not rst and any(o[2] >> 4 == 0 for o in mp):
                d['c_mpc_ack'] += 1
                lens = ','.join(str(len(o)) for o in mp if o[2] >> 4 == 0)
                if lens not in d['c_mpc_ack_lens'].split('/'):
                    d['c_mpc_ack_lens'] += ('/' if d['c_mpc_ack_lens'] else '') + lens
        else:
            d['s_payload'] += len(payload)
            if syn and ack:
                d['synacks'] += 1
                d['synack_clean'] += clean
                if not clean and len(d['synack_bad']) < 200:
                    d['synack_bad'] += ('/' if d['synack_bad'] else '') + rawopts.hex()
                for o in mp:
                    if o[2] >> 4 == 0 and len(o) == 12 and o[2] & 15 == 1:
                        d['synack_mpc_v1'] += 1
                    if o[2] >> 4 == 0 and len(o) == 4 and o[2] & 15 == 2:
                        d['synack_mpc_v2'] += 1
                    if o[2] >> 4 == 0xf:
                        d['synack_mp_sec'] += 1
            elif ack and not syn and not rst and not payload and \
                    any(o[2] >> 4 == 2 for o in mp):
                d['s_dss_pure'] += 1
    for p in ports:
        say(f'{tag}port={p} ' + ' '.join(f'{k}={v if v != "" else "-"}'
                                        for k, v in st[p].items()))


def dispatch(c, a, cid=None):
    """one command; True if known"""
    if c == 'retry':
        cmd_retry(a[0], a[1], a[2:])
    elif c == 'tfo':
        run(a[0], tfo, a[1], int(a[2]), int(a[3]), a[4])
    elif c == 'pending':
        run(a[0], pending, a[1], int(a[2]), a[3])
    elif c == 'plainconnect':
        run(a[0], plainconnect, a[1], int(a[2]), a[3])
    elif c == 'sysctl2':
        try:
            sysctl2(a[0], int(a[1]), int(a[2]))
        except Exception as e:  # noqa
            say(f'RESULT sysctl2_client_nokey_enokey fail exception {e!r}')
            say(f'RESULT sysctl2_policy_at_creation fail exception {e!r}')
    elif c == 'idle':
        run(a[0], idle, a[1], int(a[2]), a[3])
    elif c == 'offer':
        cmd_offer(a[0], a[1], int(a[2]), int(a[3]), a[4])
    elif c == 'flood':
        cmd_flood(a[0], a[1], int(a[2]), int(a[3]), float(a[4]))
    elif c == 'flow':
        cmd_flow(a[0], a[1:], f'FLOW {cid} ' if cid else '')
    elif c == 'relisten':
        cmd_relisten(int(a[0]), a[1], float(a[2]), *a[3:4])
    elif c == 'counters':
        cmd_counters(cid)
    else:
        return False
    return True


def drive(cid, c, a):
    rc = 0
    try:
        if not dispatch(c, a, cid):
            say(f'ERROR {cid} unknown command {c}')
            rc = 1
    except Exception as e:  # noqa: report it, keep driving
        say(f'ERROR {cid} {e!r}')
        rc = 1
    say(f'DONE {cid} rc={rc}')


def cmd_driver():
    """commands "ID CMD ARGS..." on stdin, each in its own thread (a
    Python start costs seconds in a TCG guest); "DONE ID rc=N" when one
    ends"""
    say('READY')
    for line in sys.stdin:
        w = line.split()
        if len(w) < 2:
            continue
        if w[1] == 'quit':
            say(f'DONE {w[0]} rc=0')
            break
        threading.Thread(target=drive, args=(w[0], w[1], w[2:]),
                         daemon=True).start()


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    c, a = argv[1], argv[2:]
    if c == 'serve':
        cmd_serve(a)
    elif c == 'driver':
        cmd_driver()
    elif not dispatch(c, a):
        sys.exit(__doc__)


if __name__ == '__main__':
    main(sys.argv)

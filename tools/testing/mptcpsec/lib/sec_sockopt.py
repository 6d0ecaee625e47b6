#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Errno matrix of the MPTCPsec socket options (tests/sec_sockopt.sh).

Run in a fresh network namespace with lo up and net.mptcp.sec_enabled=0;
PORT_DROP is a local TCP port whose SYNs are dropped (nftables).  Prints
one "RESULT <name> ok|fail <details>" line per check; every check also has
a positive control so that it cannot pass on a kernel without the option.
"""
import errno
import socket
import struct
import sys

SOL_MPTCP = 284
IPPROTO_MPTCP = 262
KEY, POLICY, INFO, SUITES = 64, 65, 66, 67
# struct mptcp_sec_info: 4 bytes, session id[48], reserved[4], 4 x u64
INFO_FMT = '=BBBB48s4xQQQQ'
PORT_DROP = int(sys.argv[1])


def sock():
    return socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_MPTCP)


def err_of(fn):
    """errno name of fn() or 'ok'"""
    try:
        fn()
        return 'ok'
    except OSError as e:
        if e.errno == errno.EOPNOTSUPP:   # errorcode says ENOTSUP
            return 'EOPNOTSUPP'
        return errno.errorcode.get(e.errno, str(e.errno))


def setk(s, n):
    return lambda: s.setsockopt(SOL_MPTCP, KEY, b'k' * n)


def setp(s, v):
    return lambda: s.setsockopt(SOL_MPTCP, POLICY, struct.pack('i', v))


def sets(s, lst):
    return lambda: s.setsockopt(SOL_MPTCP, SUITES, bytes(lst))


def getp(s):
    return struct.unpack('i', s.getsockopt(SOL_MPTCP, POLICY, 4))[0]


def info(s):
    raw = s.getsockopt(SOL_MPTCP, INFO, struct.calcsize(INFO_FMT))
    return struct.unpack(INFO_FMT, raw.ljust(struct.calcsize(INFO_FMT),
                                             b'\0'))


def check(name, pairs):
    """pairs: (what, got, want); ok when every got == want"""
    bad = [f'{w}: got {g}, want {x}' for w, g, x in pairs if g != x]
    allp = '; '.join(f'{w}={g}' for w, g, _ in pairs)
    print(f'RESULT {name} {"fail" if bad else "ok"} '
          f'{"; ".join(bad) if bad else allp}', flush=True)


def run(name, fn):
    try:
        check(name, fn())
    except Exception as e:  # noqa: a crash is one failed result
        print(f'RESULT {name} fail exception {e!r}', flush=True)


def key_lengths():
    s = sock()
    r = [('set policy 1', err_of(setp(s, 1)), 'ok'),
         ('key 15 bytes', err_of(setk(s, 15)), 'EINVAL'),
         ('key 65 bytes', err_of(setk(s, 65)), 'EINVAL'),
         ('key 0 bytes', err_of(setk(s, 0)), 'EINVAL'),
         ('key 16 bytes', err_of(setk(s, 16)), 'ok'),
         ('key 64 bytes', err_of(setk(s, 64)), 'ok')]
    s.close()
    return r


def key_policy_off():
    s = sock()
    r = [('key with sec_enabled=0', err_of(setk(s, 32)), 'EOPNOTSUPP')]
    r.append(('set policy 0', err_of(setp(s, 0)), 'ok'))
    r.append(('key with policy 0', err_of(setk(s, 32)), 'EOPNOTSUPP'))
    r.append(('set policy 1', err_of(setp(s, 1)), 'ok'))
    r.append(('key with policy 1', err_of(setk(s, 32)), 'ok'))
    r.append(('getsockopt key',
              err_of(lambda: s.getsockopt(SOL_MPTCP, KEY, 64)),
              'EOPNOTSUPP'))
    s.close()
    return r


def busy_in_syn_sent():
    s = sock()
    r = [('set policy 1', err_of(setp(s, 1)), 'ok')]
    s.setblocking(False)
    r.append(('connect to a dropping port',
              err_of(lambda: s.connect(('127.0.0.1', PORT_DROP))),
              'EINPROGRESS'))
    r.append(('key in SYN_SENT', err_of(setk(s, 32)), 'EBUSY'))
    r.append(('policy in SYN_SENT', err_of(setp(s, 1)), 'EBUSY'))
    r.append(('suites in SYN_SENT', err_of(sets(s, [0x21])), 'EBUSY'))
    s.close()
    return r


def isconn_after_connect():
    ls = sock()
    ls.bind(('127.0.0.1', 0))
    ls.listen(1)
    s = sock()
    r = [('set policy 0', err_of(setp(s, 0)), 'ok')]
    s.connect(ls.getsockname())
    a, _ = ls.accept()
    r.append(('key when connected', err_of(setk(s, 32)), 'EISCONN'))
    r.append(('policy when connected', err_of(setp(s, 1)), 'EISCONN'))
    r.append(('suites when connected', err_of(sets(s, [0x21])), 'EISCONN'))
    r.append(('key on accepted', err_of(setk(a, 32)), 'EISCONN'))
    for x in (a, s, ls):
        x.close()
    return r


def policy_values():
    s = sock()
    r = []
    for v in (0, 1, 2):
        r.append((f'set policy {v}', err_of(setp(s, v)), 'ok'))
        r.append((f'get policy after {v}', getp(s), v))
    for v in (3, -1, 255):
        r.append((f'set policy {v}', err_of(setp(s, v)), 'EINVAL'))
    r.append(('policy after bad values', getp(s), 2))
    s.close()
    return r


def suite_lists():
    s = sock()
    r = [('set policy 1', err_of(setp(s, 1)), 'ok')]
    for lst in ([], [0x22], [0x23, 0x22], [0x21, 0x21], [0x21, 0x24],
                [0x20, 0x21], [0x21, 0x22, 0x23, 0x21]):
        r.append((f'suites {bytes(lst).hex() or "empty"}',
                  err_of(sets(s, lst)), 'EINVAL'))
    for lst in ([0x23, 0x21], [0x21], [0x22, 0x23, 0x21]):
        r.append((f'suites {bytes(lst).hex()}', err_of(sets(s, lst)), 'ok'))
        r.append((f'get suites {bytes(lst).hex()}',
                  s.getsockopt(SOL_MPTCP, SUITES, 3).hex(), bytes(lst).hex()))
    s.close()
    return r


def info_plain():
    ls = sock()
    ls.bind(('127.0.0.1', 0))
    ls.listen(1)
    s = sock()
    r = [('state unconnected', info(s)[0], 0),
         ('policy unconnected', info(s)[1], 0)]
    s.connect(ls.getsockname())
    a, _ = ls.accept()
    s.sendall(b'x')
    a.recv(1)
    for who, x in (('client', s), ('server', a)):
        st, pol, suite, idlen = info(x)[:4]
        r += [(f'{who} state', st, 0), (f'{who} policy', pol, 0),
              (f'{who} suite', suite, 0), (f'{who} session id len', idlen, 0)]
    for x in (a, s, ls):
        x.close()
    return r


for n, f in (('key_length_einval', key_lengths),
             ('key_policy_off_eopnotsupp', key_policy_off),
             ('ebusy_during_connect', busy_in_syn_sent),
             ('eisconn_after_connect', isconn_after_connect),
             ('policy_values', policy_values),
             ('suite_lists', suite_lists),
             ('info_plain_socket_off', info_plain)):
    run(n, f)

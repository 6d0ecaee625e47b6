#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Both ends of tests/sec_listener_policy.sh.

  sec_listener_policy.py server PORT KEYHEX TRIGGER WAIT NEWPOLICY
      listener with policy 1 (opportunistic) and the key; once the file
      TRIGGER exists it sets MPTCP_SEC_POLICY NEWPOLICY (2: required; 1
      for the control) on the listener, reads it back, creates
      TRIGGER.done, then waits up to WAIT seconds for accept().  Prints "SERVER policy=P accepted=0|1 state=S".
  sec_listener_policy.py client ADDR PORT GO
      plain MPTCP socket (policy 0): connect(), then waits for the file GO,
      sends 100 bytes and reads.  Prints "CLIENT connect=E send=E recv=E"
      with the errno name of each step or ok / eof.
"""
import errno
import os
import socket
import struct
import sys
import time

SOL_MPTCP = 284
IPPROTO_MPTCP = 262
KEY, POLICY, INFO = 64, 65, 66
INFO_FMT = '=BBBB48sQQQQ'


def ename(e):
    if e.errno == errno.EOPNOTSUPP:
        return 'EOPNOTSUPP'
    return errno.errorcode.get(e.errno, str(e.errno))


def wait_file(path, secs):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        if os.path.exists(path):
            return True
        time.sleep(0.05)
    return False


def server(port, key, trigger, wait, newpol):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_MPTCP)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(SOL_MPTCP, POLICY, struct.pack('i', 1))
    s.setsockopt(SOL_MPTCP, KEY, bytes.fromhex(key))
    s.bind(('0.0.0.0', port))
    s.listen(8)
    print('READY', flush=True)
    if not wait_file(trigger, 60):
        print('SERVER no trigger', flush=True)
        return 1
    s.setsockopt(SOL_MPTCP, POLICY, struct.pack('i', newpol))
    pol = struct.unpack('i', s.getsockopt(SOL_MPTCP, POLICY, 4))[0]
    open(trigger + '.done', 'w').close()
    s.settimeout(wait)
    try:
        c, _ = s.accept()
    except socket.timeout:
        print(f'SERVER policy={pol} accepted=0 state=-', flush=True)
        return 0
    raw = c.getsockopt(SOL_MPTCP, INFO, struct.calcsize(INFO_FMT))
    st = struct.unpack(INFO_FMT, raw.ljust(struct.calcsize(INFO_FMT), b'\0'))
    print(f'SERVER policy={pol} accepted=1 state={st[0]}', flush=True)
    c.settimeout(5)
    try:
        c.recv(100)
    except OSError:
        pass
    return 0


def client(addr, port, go):
    res = {'connect': '-', 'send': '-', 'recv': '-'}
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_MPTCP)
    s.setsockopt(SOL_MPTCP, POLICY, struct.pack('i', 0))
    s.settimeout(10)
    try:
        s.connect((addr, port))
        res['connect'] = 'ok'
        wait_file(go, 30)
        time.sleep(0.2)
        try:
            s.send(b'x' * 100)
            res['send'] = 'ok'
        except OSError as e:
            res['send'] = ename(e)
        try:
            d = s.recv(100)
            res['recv'] = 'data' if d else 'eof'
        except socket.timeout:
            res['recv'] = 'timeout'
        except OSError as e:
            res['recv'] = ename(e)
    except OSError as e:
        res['connect'] = ename(e)
    print('CLIENT ' + ' '.join(f'{k}={v}' for k, v in res.items()),
          flush=True)
    return 0


if __name__ == '__main__':
    if sys.argv[1] == 'server':
        sys.exit(server(int(sys.argv[2]), sys.argv[3], sys.argv[4],
                        float(sys.argv[5]), int(sys.argv[6])))
    sys.exit(client(sys.argv[2], int(sys.argv[3]), sys.argv[4]))

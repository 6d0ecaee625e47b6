#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Independent reference implementation of the MPTCPsec cryptography.

Written from Documentation/networking/mptcpsec.rst alone (not from the
kernel code) so that the two implementations cross-check each other.

Library: import this file and use the functions below (HKDF, transcript,
key schedule, records, option tags, MP_JOIN/ADD_ADDR/FASTCLOSE HMACs,
MP_SEC option builders and parsers).  AEAD helpers take the suite first
(a suite byte, a name such as "aes128gcm" or a Suite).

CLI (outputs of check, compare-kunit and selftest are KTAP version 1,
exit status 1 on any failure):

  mptcpsec_ref.py vectors                  print the known-answer vectors
  mptcpsec_ref.py check FILE               recompute them, compare with FILE
  mptcpsec_ref.py compare-kunit LOG FILE   kernel "kat" lines against FILE
  mptcpsec_ref.py selftest [--with-vectors FILE]

Comments starting with "SPEC:" say how an ambiguity of the specification
was resolved.
"""

import ipaddress
import re
import struct
import sys
import time
from typing import NamedTuple

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers.aead import (AESGCM,
                                                         ChaCha20Poly1305)

HASH_LEN = 32
TAG_LEN = 16
NONCE_LEN = 12
MASK64 = (1 << 64) - 1

MPTCP_KIND = 30
MPSEC_SUBTYPE = 0xf
MPSEC_OFFER, MPSEC_SELECT, MPSEC_CONFIRM = 0, 1, 2
# MP_CAPABLE of all three segments: subtype 0 | version 2, flags H
MPC_V2 = bytes([0x1e, 0x04, 0x02, 0x01])
GLOBAL_APP_AWARE = 0x01

LABEL_PREFIX = b"mptcpsec2 "
REC_DATA, REC_CONTROL = 1, 2
DSS_DATA_ACK, DSS_MAPPING, DSS_DATA_FIN = 0x01, 0x02, 0x04
OPT_ADD_ADDR, OPT_REMOVE_ADDR, OPT_MP_PRIO = 3, 4, 5
MAX_RECORD = 16384
RECORD_OVERHEAD = 40            # Tdata (16) + ctr (8) + Topt (16)


class Suite(NamedTuple):
    byte: int
    name: str
    key_len: int
    aead: type


SUITES = {s.byte: s for s in (
    Suite(0x21, "aes128gcm", 16, AESGCM),
    Suite(0x22, "aes256gcm", 32, AESGCM),
    Suite(0x23, "chacha20poly1305", 32, ChaCha20Poly1305),
)}

# (label, length); None is Lk, the key length of the suite
LABELS = (
    ("c2s data key", None), ("c2s data iv", NONCE_LEN),
    ("s2c data key", None), ("s2c data iv", NONCE_LEN),
    ("c2s opt key", None), ("c2s opt iv", NONCE_LEN),
    ("s2c opt key", None), ("s2c opt iv", NONCE_LEN),
    ("c join key", 32), ("s join key", 32),
    ("c addr key", 32), ("s addr key", 32),
    ("c fastclose key", 32), ("s fastclose key", 32),
    ("c finished key", 32),
    ("session id", 32),
    ("keys", 16),
)


def suite_of(suite):
    """Suite from a suite byte, a suite name or a Suite."""
    if isinstance(suite, Suite):
        return suite
    for s in SUITES.values():
        if suite in (s.byte, s.name):
            return s
    raise ValueError(f"unknown suite {suite!r}")


# --- HKDF (RFC 5869) on top of HMAC-SHA256 -------------------------------

def hmac_sha256(key, msg):
    h = hmac.HMAC(key, hashes.SHA256())
    h.update(msg)
    return h.finalize()


def sha256(data):
    h = hashes.Hash(hashes.SHA256())
    h.update(data)
    return h.finalize()


def hkdf_extract(salt, ikm):
    """PRK = HMAC-Hash(salt, IKM); an empty salt is HashLen zero bytes."""
    return hmac_sha256(salt or bytes(HASH_LEN), ikm)


def hkdf_expand(prk, info, length):
    """OKM = first length bytes of T(1) || T(2) || ..., RFC 5869 2.3."""
    if not 0 <= length <= 255 * HASH_LEN:
        raise ValueError("HKDF-Expand length out of range")
    okm, t, i = b"", b"", 1
    while len(okm) < length:
        t = hmac_sha256(prk, t + info + bytes([i]))
        okm += t
        i += 1
    return okm[:length]


# --- Negotiation: MP_SEC options and transcript --------------------------

def _mpsec(msg_type, body):
    return bytes([MPTCP_KIND, 3 + len(body),
                  (MPSEC_SUBTYPE << 4) | msg_type]) + body


def build_mpsec_offer(glob, suites, rc):
    """t = 0, SYN: 1e len f0 global suite1 [suite2 [suite3]] Rc(8)."""
    if not 1 <= len(suites) <= 3 or len(rc) != 8:
        raise ValueError("offer: 1 to 3 suites and an 8-byte Rc")
    return _mpsec(MPSEC_OFFER, bytes([glob, *suites]) + rc)


def build_mpsec_select(glob, suite, rs):
    """t = 1, SYN/ACK: 1e 0d f1 global suite Rs(8)."""
    if len(rs) != 8:
        raise ValueError("select: 8-byte Rs")
    return _mpsec(MPSEC_SELECT, bytes([glob, suite_of(suite).byte]) + rs)


def build_mpsec_confirm(glob, suite, fc):
    """t = 2, third ACK: 1e 15 f2 global suite Fc(16)."""
    if len(fc) != 16:
        raise ValueError("confirm: 16-byte Fc")
    return _mpsec(MPSEC_CONFIRM, bytes([glob, suite_of(suite).byte]) + fc)


def parse_mpsec(opt):
    """Decode one MP_SEC option (kind to last byte) into a dict.

    Keys: type, global, app_aware, and suites + rc (offer), suite + rs
    (select) or suite + fc (confirm).  Raises ValueError if malformed.
    """
    opt = bytes(opt)
    if len(opt) < 4 or opt[0] != MPTCP_KIND or opt[1] != len(opt):
        raise ValueError("not a complete MPTCP option")
    if opt[2] >> 4 != MPSEC_SUBTYPE:
        raise ValueError("not MP_SEC")
    t, glob = opt[2] & 0xf, opt[3]
    out = {"type": t, "global": glob, "app_aware": bool(glob & 1)}
    if t == MPSEC_OFFER and 13 <= len(opt) <= 15:
        # unknown suite bytes are kept here; select_suite() ignores them
        out.update(suites=list(opt[4:-8]), rc=opt[-8:])
    elif t == MPSEC_SELECT and len(opt) == 13:
        out.update(suite=opt[4], rs=opt[5:])
    elif t == MPSEC_CONFIRM and len(opt) == 21:
        out.update(suite=opt[4], fc=opt[5:])
    else:
        raise ValueError(f"MP_SEC type {t} with length {len(opt)}")
    return out


def select_suite(offered, allowed):
    """The server's choice: the first offered suite it allows, or None."""
    for b in offered:
        if b in SUITES and b in allowed:
            return b
    return None


def tcp_options(raw):
    """Split a TCP options field into (kind, option bytes) pairs."""
    out, i = [], 0
    while i < len(raw):
        kind = raw[i]
        if kind == 0:
            break
        if kind == 1:
            i += 1
            continue
        if i + 1 >= len(raw) or raw[i + 1] < 2:
            raise ValueError("truncated TCP option")
        out.append((kind, bytes(raw[i:i + raw[i + 1]])))
        i += raw[i + 1]
    return out


def transcript(offer, select, mpc_syn=MPC_V2, mpc_synack=MPC_V2):
    """T = MPC(SYN) || MP_SEC(SYN) || MPC(SYN/ACK) || MP_SEC(SYN/ACK)."""
    # SPEC: the SYN/ACK's MP_CAPABLE is 1e 04 02 01 as well ("all three
    # segments"): version 2 and flag H, no key, also from the server.
    # SPEC: the MP_SEC confirm of the third ACK is not part of T (Fc
    # covers th, so it cannot be).
    return bytes(mpc_syn) + bytes(offer) + bytes(mpc_synack) + bytes(select)


# --- Key schedule ----------------------------------------------------------

def key_sha(key):
    """(token, idsn) of a 64-bit MPTCP key, as RFC 8684: from
    d = SHA-256(u64 key), token = u32 d[0:4] and idsn = u64 d[24:32]."""
    d = sha256(struct.pack("!Q", key))
    return struct.unpack("!I", d[:4])[0], struct.unpack("!Q", d[24:])[0]


def key_schedule(psk, T, suite):
    """All keys of a connection, keyed by the spec's label ("c2s data key",
    ..., "session id" = the 32 HKDF bytes, "keys") plus th, prk, fc,
    session_id (33 bytes), key_c, key_s, token_c, token_s, idsn_c and
    idsn_s (integers)."""
    s = suite_of(suite)
    if not 16 <= len(psk) <= 64:
        raise ValueError("the PSK has 16 to 64 bytes")
    th = sha256(T)
    prk = hkdf_extract(th, psk)
    ks = {"th": th, "prk": prk}
    for label, n in LABELS:
        # SPEC: info = "mptcpsec2 " || label, ASCII, one space, no NUL.
        ks[label] = hkdf_expand(prk, LABEL_PREFIX + label.encode("ascii"),
                                n or s.key_len)
    # SPEC: Fc is the HMAC of th (the 32-byte digest), not of T.
    ks["fc"] = hmac_sha256(ks["c finished key"], th)[:16]
    ks["session_id"] = bytes([s.byte]) + ks["session id"]
    # SPEC: "u64 [0:8]" read as network byte order (the Notation).
    ks["key_c"], ks["key_s"] = struct.unpack("!QQ", ks["keys"])
    ks["token_c"], ks["idsn_c"] = key_sha(ks["key_c"])
    ks["token_s"], ks["idsn_s"] = key_sha(ks["key_s"])
    return ks


def direction_keys(ks, sender, use):
    """(key, iv) of what sender ("c" or "s") sends, use "data" or "opt"."""
    d = {"c": "c2s", "s": "s2c"}[sender]
    return ks[f"{d} {use} key"], ks[f"{d} {use} iv"]


# --- Records and option tags -----------------------------------------------

def make_nonce(iv, counter):
    """iv XOR (00 00 00 00 || u64 counter)."""
    pad = bytes(4) + struct.pack("!Q", counter)
    return bytes(a ^ b for a, b in zip(iv, pad, strict=True))


def aead_seal(suite, key, nonce, aad, plaintext):
    return suite_of(suite).aead(key).encrypt(nonce, plaintext, aad)


def aead_open(suite, key, nonce, aad, sealed):
    """Plaintext, or InvalidTag."""
    if len(sealed) < TAG_LEN:
        raise InvalidTag()
    return suite_of(suite).aead(key).decrypt(nonce, sealed, aad)


def data_aad(dsn, p):
    # SPEC: p is the plaintext length, not the DSS length p + 40.
    return struct.pack("!QH", dsn, p)


def seal_record(suite, key, iv, dsn, plaintext):
    """C || Tdata of a record whose first byte has DSN dsn."""
    if not 1 <= len(plaintext) <= MAX_RECORD:
        raise ValueError("a record holds 1 to 16384 bytes")
    return aead_seal(suite, key, make_nonce(iv, dsn),
                     data_aad(dsn, len(plaintext)), plaintext)


def open_record(suite, key, iv, dsn, sealed):
    """Plaintext of C || Tdata; raises InvalidTag if it does not verify."""
    p = len(sealed) - TAG_LEN
    if not 1 <= p <= MAX_RECORD:
        raise InvalidTag()
    return aead_open(suite, key, make_nonce(iv, dsn), data_aad(dsn, p),
                     sealed)


def addr_bytes(addr):
    """(4 or 6, packed address) of a str, bytes or ipaddress object."""
    if isinstance(addr, (bytes, bytearray)):
        addr = bytes(addr)
    a = ipaddress.ip_address(addr)
    return a.version, a.packed


def opt_add_addr(addr_id, addr, port=0, echo=False):
    """(subtype, value) of ADD_ADDR for canonical_options()."""
    # SPEC: the "4 or 6" byte is the IP version, OR 0x80 for an echo; the
    # u16 port is always present, 0 for no port; ADD_ADDR travels inside
    # control records and has no HMAC of its own.
    ver, raw = addr_bytes(addr)
    return (OPT_ADD_ADDR,
            struct.pack("!BB", addr_id, ver | (0x80 if echo else 0)) + raw +
            struct.pack("!H", port))


def opt_remove_addr(addr_ids):
    return (OPT_REMOVE_ADDR, bytes(addr_ids))


def opt_mp_prio(backup, addr_id):
    return (OPT_MP_PRIO, bytes([backup, addr_id]))


def canonical_options(rtype, sfid, ssn, flags, data_ack=0, dsn=0,
                      data_len=0, options=(), tdata=None):
    """The AAD "A" of an option tag.

    options: (subtype, value) pairs, e.g. from opt_add_addr(); tdata: the
    record's Tdata, for data records (rtype 1) only.
    """
    # SPEC: "each u8 subtype || u8 vlen || value, by subtype" is read as
    # "the value's layout depends on the subtype"; several options are
    # encoded in the order given (option order), not sorted.
    other = b"".join(struct.pack("!BB", st, len(v)) + bytes(v)
                     for st, v in options)
    if (rtype == REC_DATA) != (tdata is not None):
        raise ValueError("Tdata is in A of data records only")
    if tdata is not None and len(tdata) != TAG_LEN:
        raise ValueError("Tdata has 16 bytes")
    if (not flags & DSS_DATA_ACK and data_ack) or \
            (not flags & DSS_MAPPING and (dsn or data_len)):
        raise ValueError("absent values are 0 in A")
    # SPEC: olen counts the other options only (subtype, vlen and value of
    # each), neither itself nor the Tdata that follows.
    return struct.pack("!BIIBQQHH", rtype, sfid, ssn, flags, data_ack, dsn,
                       data_len, len(other)) + other + (tdata or b"")


def option_tag(suite, key, iv, ctr, aad):
    """Topt = AEAD-Seal(opt key, opt iv XOR ctr, AAD = A, empty)."""
    return aead_seal(suite, key, make_nonce(iv, ctr), aad, b"")


def verify_option_tag(suite, key, iv, ctr, aad, topt):
    if len(topt) != TAG_LEN:
        return False
    try:
        aead_open(suite, key, make_nonce(iv, ctr), aad, topt)
    except InvalidTag:
        return False
    return True


def build_record_payload(sealed, ctr, topt):
    """Bytes of a record in data sequence (or, for a control record with
    sealed = b"", subflow sequence) space: C || Tdata || ctr || Topt."""
    return bytes(sealed) + struct.pack("!Q", ctr) + bytes(topt)


def parse_record_payload(payload):
    """(C || Tdata, ctr, Topt); C || Tdata is empty for control records."""
    if len(payload) < 24:
        raise ValueError("a record ends with ctr (8) and Topt (16)")
    ctr, = struct.unpack("!Q", payload[-24:-16])
    return bytes(payload[:-24]), ctr, bytes(payload[-16:])


# --- MP_JOIN, ADD_ADDR, MP_FASTCLOSE --------------------------------------

# SPEC: f_x is masked to the low nibble, so the whole byte 2 of MP_JOIN
# may be passed.

def join_hmac_synack(responder_join_key, r_r, r_i, f_syn, id_syn):
    msg = struct.pack("!IIBB", r_r, r_i, f_syn & 0xf, id_syn)
    return hmac_sha256(responder_join_key, msg)[:8]


def join_hmac_ack(initiator_join_key, r_i, r_r, f_synack, id_synack):
    msg = struct.pack("!IIBB", r_i, r_r, f_synack & 0xf, id_synack)
    return hmac_sha256(initiator_join_key, msg)[:20]


def sfid(c_join_key, r_i, r_r):
    """Subflow ID of a joined subflow (the initial subflow has 0)."""
    # SPEC: "sfid" is 4 ASCII bytes without NUL; u32 is big endian.
    h = hmac_sha256(c_join_key, b"sfid" + struct.pack("!II", r_i, r_r))
    return struct.unpack("!I", h[:4])[0] | 0x80000000


def addaddr_hmac(sender_addr_key, addr_id, addr, port=None):
    # SPEC: the port is in the message only when the option has one (port
    # None or 0: none), unlike A where a u16 0 stands for no port.
    # "Rightmost 8 bytes" = HMAC[24:32], as in RFC 8684.
    msg = bytes([addr_id]) + addr_bytes(addr)[1]
    if port:
        msg += struct.pack("!H", port)
    return hmac_sha256(sender_addr_key, msg)[-8:]


def fastclose(sender_fastclose_key, receiver_fastclose_key):
    """The 64-bit key field of MP_FASTCLOSE, in wire order."""
    return hmac_sha256(sender_fastclose_key, receiver_fastclose_key)[:8]


# --- Known-answer vectors ----------------------------------------------------

TV_PSK = bytes(range(0x20))
TV_RC = bytes(range(0xa0, 0xa8))
TV_RS = bytes(range(0xb0, 0xb8))
TV_GLOBAL = 0x00
TV_OFFER = (0x21, 0x22, 0x23)
TV_PLAIN = bytes(range(100))

RFC5869 = (  # name, IKM, salt, info, L, PRK, OKM (SHA-256 cases 1 to 3)
    ("tc1", bytes([0x0b] * 22), bytes(range(0x0d)), bytes(range(0xf0, 0xfa)),
     42, "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
     "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
     "34007208d5b887185865"),
    ("tc2", bytes(range(0x50)), bytes(range(0x60, 0xb0)),
     bytes(range(0xb0, 0x100)), 82,
     "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
     "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
     "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
     "cc30c58179ec3e87c14c01d5c1f3434f1d87"),
    ("tc3", bytes([0x0b] * 22), b"", b"", 42,
     "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
     "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
     "9d201395faa4b61a96c8"),
)


def tv_key_schedule(suite):
    """Key schedule of the spec's test-vector handshake for suite."""
    # SPEC: "the server selects each suite in turn": the offer stays
    # 21 22 23 and only the suite byte of the select changes (a server
    # that allows that suite alone); global is 0 in both options.
    offer = build_mpsec_offer(TV_GLOBAL, TV_OFFER, TV_RC)
    select = build_mpsec_select(TV_GLOBAL, suite, TV_RS)
    return key_schedule(TV_PSK, transcript(offer, select), suite)


def suite_vectors(suite):
    """[(name, bytes)] of one suite, in the order of vectors.txt."""
    s = suite_of(suite)
    ks = tv_key_schedule(s)
    out = [("th", ks["th"]), ("prk", ks["prk"])]
    for label, _ in LABELS:
        v = ks["session_id"] if label == "session id" else ks[label]
        out.append((label.replace(" ", "_"), v))
    out += [("fc", ks["fc"]),
            ("key_c", struct.pack("!Q", ks["key_c"])),
            ("key_s", struct.pack("!Q", ks["key_s"])),
            ("token_c", struct.pack("!I", ks["token_c"])),
            ("token_s", struct.pack("!I", ks["token_s"])),
            ("idsn_c", struct.pack("!Q", ks["idsn_c"])),
            ("idsn_s", struct.pack("!Q", ks["idsn_s"]))]

    # Data record, client to server; SPEC: idsn + n is taken mod 2^64.
    dsn = (ks["idsn_c"] + 1) & MASK64
    key, iv = direction_keys(ks, "c", "data")
    rec = seal_record(s, key, iv, dsn, TV_PLAIN)
    a_data = canonical_options(
        REC_DATA, 0, 1, DSS_DATA_ACK | DSS_MAPPING,
        data_ack=(ks["idsn_s"] + 1) & MASK64, dsn=dsn,
        data_len=len(TV_PLAIN) + RECORD_OVERHEAD, tdata=rec[-TAG_LEN:])
    key, iv = direction_keys(ks, "c", "opt")
    topt_data = option_tag(s, key, iv, 0, a_data)
    # Control record, server to client
    a_ctl = canonical_options(
        REC_CONTROL, 0x80000001, 141, DSS_DATA_ACK,
        data_ack=(ks["idsn_c"] + 141) & MASK64,
        options=[opt_add_addr(2, "10.0.2.2")])
    key, iv = direction_keys(ks, "s", "opt")
    topt_ctl = option_tag(s, key, iv, 7, a_ctl)
    out += [("record", rec), ("record_nonce", make_nonce(
                direction_keys(ks, "c", "data")[1], dsn)),
            ("topt_data", topt_data), ("topt_data_aad", a_data),
            ("topt_control", topt_ctl), ("topt_control_aad", a_ctl)]

    # MP_JOIN initiated by the client: the server responds
    r_i, r_r = 0x01020304, 0x05060708
    out += [("join_synack_hmac",
             join_hmac_synack(ks["s join key"], r_r, r_i, 0x01, 2)),
            ("join_ack_hmac",
             join_hmac_ack(ks["c join key"], r_i, r_r, 0x00, 0)),
            ("sfid", struct.pack("!I", sfid(ks["c join key"], r_i, r_r))),
            ("addaddr_hmac", addaddr_hmac(ks["s addr key"], 2, "10.0.2.2")),
            ("fastclose", fastclose(ks["c fastclose key"],
                                    ks["s fastclose key"]))]
    return out


def all_vectors():
    """[(suite, name, lowercase hex)] in the order of vectors.txt."""
    out = []
    for name, ikm, salt, info, n, _, _ in RFC5869:
        prk = hkdf_extract(salt, ikm)
        out.append(("rfc5869", name + "_prk", prk.hex()))
        out.append(("rfc5869", name + "_okm", hkdf_expand(prk, info, n).hex()))
    for s in SUITES.values():
        out += [(s.name, n, v.hex()) for n, v in suite_vectors(s)]
    return out


# --- KTAP and comparisons ----------------------------------------------------

class Ktap:
    def __init__(self):
        self.results = []
        self.notes = []

    def add(self, name, diag=None):
        """diag None: ok; else not ok with diag (str or list of str)."""
        self.results.append((name, diag))

    def emit(self):
        print("KTAP version 1")
        print(f"1..{len(self.results)}")
        for n, (name, diag) in enumerate(self.results, 1):
            print(f"{'not ok' if diag is not None else 'ok'} {n} - {name}")
            if diag is not None:
                for line in [diag] if isinstance(diag, str) else diag:
                    print(f"# {line}")
        for line in self.notes:
            print(f"# {line}")
        return int(any(d is not None for _, d in self.results))


LINE_RE = re.compile(r"^(\S+) (\S+) ([0-9a-f]+)$")
KAT_RE = re.compile(r"(?:^|[\s:])kat ([a-z0-9]+) ([a-z0-9_]+) "
                    r"([0-9a-fA-F]+)\s*$")


def read_vector_file(path, ktap):
    """{(suite, name): (lineno, hex)}; bad lines are not ok results."""
    out = {}
    with open(path, encoding="ascii", errors="replace") as f:
        for no, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            m = LINE_RE.match(line)
            if not m:
                ktap.add(f"line{no}_malformed", f"{path}: {line!r}")
            elif (m[1], m[2]) in out:
                ktap.add(f"{m[1]}_{m[2]}_duplicate",
                         f"line {no} repeats line {out[(m[1], m[2])][0]}")
            else:
                out[(m[1], m[2])] = (no, m[3])
    return out


def check_vectors(path, ktap):
    """One result per computed vector; extra lines of path fail too."""
    in_file = read_vector_file(path, ktap)
    for suite, name, got in all_vectors():
        exp = in_file.pop((suite, name), (0, None))[1]
        if exp is None:
            ktap.add(f"{suite}_{name}", f"missing in {path}; got {got}")
        elif exp != got:
            ktap.add(f"{suite}_{name}", f"expected {exp} got {got}")
        else:
            ktap.add(f"{suite}_{name}")
    for (suite, name), (no, _) in in_file.items():
        ktap.add(f"{suite}_{name}", f"extra line {no} in {path}")


def compare_kunit(log, path, ktap):
    """One result per vector of path, from the kat lines of the log."""
    seen = {}
    with open(log, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = KAT_RE.search(line.rstrip("\r\n"))
            if m:
                seen.setdefault((m[1], m[2]), []).append(m[3].lower())
    ref = {(s, n): v for s, n, v in all_vectors()}
    for (suite, name), (_, exp) in read_vector_file(path, ktap).items():
        got = seen.pop((suite, name), None)
        if got is None:
            ktap.add(f"{suite}_{name}", f"missing in {log}")
            continue
        bad = [g for g in got if g != exp]
        diag = [f"expected {exp} got {g}" for g in bad] or None
        if diag and ref.get((suite, name)) not in (None, exp):
            diag.append(f"the reference computes {ref[(suite, name)]}")
        ktap.add(f"{suite}_{name}", diag)
    for suite, name in seen:
        ktap.notes.append(f"{log} has kat {suite} {name}, not in {path}")


# --- Self test ---------------------------------------------------------------

def flips(data):
    """Every copy of data with exactly one bit flipped."""
    for i in range(len(data) * 8):
        b = bytearray(data)
        b[i // 8] ^= 0x80 >> (i % 8)
        yield bytes(b)


def _rejects(fn, what):
    """None if every call of fn in the iterable raises InvalidTag."""
    n = 0
    for call in fn:
        try:
            call()
        except InvalidTag:
            n += 1
            continue
        return f"{what} accepted (after {n} rejections)"
    return None if n else f"{what}: nothing tried"


def _st_suite(s):
    """[(test name, diag or None)] of one suite."""
    ks = tv_key_schedule(s)
    dk, di = direction_keys(ks, "c", "data")
    ok_, oi = direction_keys(ks, "c", "opt")
    dsn = (ks["idsn_c"] + 1) & MASK64
    plain = bytes(range(16))
    rec = seal_record(s, dk, di, dsn, plain)
    aad = data_aad(dsn, len(plain))
    nonce = make_nonce(di, dsn)
    a_d = canonical_options(REC_DATA, 0x80000002, 77, DSS_MAPPING, dsn=dsn,
                            data_len=56, tdata=rec[-16:])
    a_c = canonical_options(REC_CONTROL, 0, 9, DSS_DATA_ACK, data_ack=5,
                            options=[opt_add_addr(1, "2001:db8::1", 80),
                                     opt_remove_addr([3, 4]),
                                     opt_mp_prio(1, 2)])
    topt = option_tag(s, ok_, oi, 3, a_d)
    out = []

    diag = None
    for p in (1, 100, MAX_RECORD):
        for who in "cs":
            k, i = direction_keys(ks, who, "data")
            pt = bytes(range(256)) * (p // 256) + bytes(p % 256)
            d = (dsn + p) & MASK64
            r = seal_record(s, k, i, d, pt)
            if len(r) != p + 16 or open_record(s, k, i, d, r) != pt:
                diag = f"round trip of {p} bytes from {who} failed"
    for a, ctr in ((a_d, 0), (a_c, 2**64 - 1)):
        if not verify_option_tag(s, ok_, oi, ctr,
                                 a, option_tag(s, ok_, oi, ctr, a)):
            diag = "option tag round trip failed"
    for bad in (b"", bytes(MAX_RECORD + 1)):
        try:
            seal_record(s, dk, di, dsn, bad)
            diag = f"sealed a record of {len(bad)} bytes"
        except ValueError:
            pass
    out.append(("roundtrip", diag))

    out.append(("bitflip_record", _rejects(
        (lambda r=r: open_record(s, dk, di, dsn, r) for r in flips(rec)),
        "flipped C || Tdata")))
    out.append(("bitflip_data_aad", _rejects(
        (lambda a=a: aead_open(s, dk, nonce, a, rec) for a in flips(aad)),
        "flipped data AAD") or _rejects(
        (lambda b=b: open_record(s, dk, di, dsn ^ (1 << b), rec)
         for b in range(64)),
        "flipped DSN")))

    def vt(ctr, a, t, key=ok_, iv=oi):
        if not verify_option_tag(s, key, iv, ctr, a, t):
            raise InvalidTag()
    out.append(("bitflip_topt", _rejects(
        (lambda t=t: vt(3, a_d, t) for t in flips(topt)), "flipped Topt")
        or _rejects((lambda c=c: vt(3 ^ (1 << c), a_d, topt)
                     for c in range(64)), "flipped ctr")))
    tc = option_tag(s, ok_, oi, 4, a_c)
    out.append(("bitflip_opt_aad", _rejects(
        (lambda a=a: vt(3, a, topt) for a in flips(a_d)), "flipped A data")
        or _rejects((lambda a=a: vt(4, a, tc) for a in flips(a_c)),
                    "flipped A control")))

    sk, si = direction_keys(ks, "s", "data")
    sok, soi = direction_keys(ks, "s", "opt")
    out.append(("wrong_direction", _rejects((
        lambda: open_record(s, sk, si, dsn, rec),
        lambda: open_record(s, sk, di, dsn, rec),
        lambda: vt(3, a_d, topt, sok, soi),
        lambda: vt(3, a_d, topt, sok, oi)), "other direction's key")))
    out.append(("data_opt_key_swap", _rejects((
        lambda: open_record(s, ok_, oi, dsn, rec),
        lambda: open_record(s, ok_, di, dsn, rec),
        lambda: vt(3, a_d, topt, dk, di),
        lambda: vt(3, a_d, topt, dk, oi)), "data/opt key swap")))
    return [(f"{s.name}_{n}", d) for n, d in out]


def _st_options():
    offer = build_mpsec_offer(1, [0x21, 0x7e], TV_RC)
    p = parse_mpsec(offer)
    if offer.hex() != "1e0ef001217ea0a1a2a3a4a5a6a7" or p != {
            "type": 0, "global": 1, "app_aware": True,
            "suites": [0x21, 0x7e], "rc": TV_RC}:
        return f"offer parsed as {p}"
    if select_suite([0x7e, 0x23, 0x21], {0x21, 0x23}) != 0x23:
        return "select_suite"
    sel = build_mpsec_select(0, 0x22, TV_RS)
    conf = build_mpsec_confirm(0, 0x22, bytes(16))
    if sel[:3].hex() != "1e0df1" or conf[:3].hex() != "1e15f2" or \
            parse_mpsec(sel)["rs"] != TV_RS or \
            parse_mpsec(conf)["fc"] != bytes(16):
        return "select/confirm"
    opts = tcp_options(bytes([1, 1]) + MPC_V2 + sel + bytes([0]))
    if opts != [(30, MPC_V2), (30, sel)]:
        return f"tcp_options gave {opts}"
    for bad in (offer[:-1], sel + b"\0", bytes([30, 13, 0xe1]) + sel[3:],
                bytes([30, 12]) + sel[2:12], _mpsec(3, bytes(10))):
        try:
            parse_mpsec(bad)
            return f"accepted {bad.hex()}"
        except ValueError:
            pass
    return None


def _st_transcript():
    offer = build_mpsec_offer(TV_GLOBAL, TV_OFFER, TV_RC)
    select = build_mpsec_select(TV_GLOBAL, 0x21, TV_RS)
    T = transcript(offer, select)
    fc = key_schedule(TV_PSK, T, 0x21)["fc"]
    for t in flips(T):
        if key_schedule(TV_PSK, t, 0x21)["fc"] == fc:
            return f"Fc unchanged for T = {t.hex()}"
    return None


def _st_hkdf_lib():
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF
    for n in (1, 31, 32, 33, 64, 255 * HASH_LEN):
        lib = HKDF(hashes.SHA256(), n, TV_RS, b"x").derive(TV_PSK)
        if hkdf_expand(hkdf_extract(TV_RS, TV_PSK), b"x", n) != lib:
            return f"differs from cryptography's HKDF for L = {n}"
    try:
        hkdf_expand(bytes(32), b"", 255 * HASH_LEN + 1)
        return "accepted L > 255 * HashLen"
    except ValueError:
        return None


def _st_key_sha():
    """token and IDSN as RFC 8684: the key as 8 big-endian bytes."""
    import hashlib
    d = hashlib.sha256(bytes(range(1, 9))).digest()
    want = (int.from_bytes(d[:4], "big"), int.from_bytes(d[24:], "big"))
    got = key_sha(0x0102030405060708)
    if got != want:
        return f"key_sha gave {got}, expected {want}"
    ks = tv_key_schedule(0x21)
    if (ks["key_c"].to_bytes(8, "big") + ks["key_s"].to_bytes(8, "big")
            != ks["keys"]):
        return "key_c || key_s is not K(\"keys\", 16)"
    if (ks["token_c"], ks["idsn_c"]) != key_sha(ks["key_c"]) or \
            (ks["token_s"], ks["idsn_s"]) != key_sha(ks["key_s"]):
        return "token or IDSN not derived from key_c and key_s"
    return None


def selftest(ktap):
    start = time.monotonic()
    for name, ikm, salt, info, n, prk_hex, okm_hex in RFC5869:
        prk = hkdf_extract(salt, ikm)
        ktap.add(f"hkdf_rfc5869_{name}_prk", None if prk.hex() == prk_hex else
                 f"expected {prk_hex} got {prk.hex()}")
        okm = hkdf_expand(bytes.fromhex(prk_hex), info, n).hex()
        ktap.add(f"hkdf_rfc5869_{name}_okm", None if okm == okm_hex else
                 f"expected {okm_hex} got {okm}")
    ktap.add("hkdf_matches_cryptography_hkdf", _st_hkdf_lib())
    ktap.add("mpsec_options", _st_options())
    ktap.add("transcript_binds_fc", _st_transcript())
    ktap.add("key_sha_rfc8684", _st_key_sha())
    for s in SUITES.values():
        for name, diag in _st_suite(s):
            ktap.add(name, diag)
    ktap.notes.append(f"selftest ran in {time.monotonic() - start:.2f} s")


def main(argv):
    usage = ("usage: mptcpsec_ref.py vectors | check FILE | "
             "compare-kunit LOG FILE | selftest [--with-vectors FILE]")
    cmd, args = (argv[1], argv[2:]) if len(argv) > 1 else (None, [])
    ktap = Ktap()
    if cmd == "vectors" and not args:
        for suite, name, v in all_vectors():
            print(suite, name, v)
        return 0
    try:
        if cmd == "check" and len(args) == 1:
            check_vectors(args[0], ktap)
        elif cmd == "compare-kunit" and len(args) == 2:
            compare_kunit(args[0], args[1], ktap)
        elif cmd == "selftest" and (not args or (
                len(args) == 2 and args[0] == "--with-vectors")):
            selftest(ktap)
            if args:
                check_vectors(args[1], ktap)
        else:
            print(usage, file=sys.stderr)
            return 2
    except OSError as e:
        ktap.add(cmd, str(e))
    return ktap.emit()


if __name__ == "__main__":
    sys.exit(main(sys.argv))

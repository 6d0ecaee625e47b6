#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Figure 9: bytes received against time, one line per mode, from the
results tests/attack_fig9.sh left in RUNDIR/fig9/.

  fig9_plot.py RUNDIR/fig9 OUTDIR     -> OUTDIR/fig9.csv, OUTDIR/fig9.png

fig9.csv: mode,seconds,bytes_received (the receiver's timeline; seconds
since the connection started) followed by one "#"-line per mode with its
summary.  The plot marks the instant the attacker changed the byte (a
dotted line per mode, measured from the handshake's last ACK the
attacker saw, when the server accepts) and the end
of each run: an X where TLS/MPTCP aborted, a dot where a run completed.
"""
import os
import sys

import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

MODES = [('tls', 'TLS/MPTCP', 'tab:red'), ('plain', 'MPTCP', 'tab:orange'),
         ('sec', 'MPTCPsec', 'tab:green')]


def summary(path):
    kv = {}
    try:
        with open(path) as f:
            for tok in f.read().split():
                if '=' in tok:
                    k, v = tok.split('=', 1)
                    kv[k] = v
    except OSError:
        pass
    return kv


def timeline(path):
    pts = []
    try:
        with open(path) as f:
            for line in f:
                try:
                    t, b = line.strip().split(',')
                    pts.append((float(t), int(b)))
                except ValueError:
                    continue
    except OSError:
        pass
    return pts


def outcome_text(s):
    if s.get('skipped'):
        return 'not run (' + s['skipped'] + ')'
    if s.get('completed') == 'yes' and s.get('intact') == 'yes':
        txt = 'completed, data intact'
        if s.get('SecSubflowReset', '0') not in ('0', ''):
            txt += ', %s subflow reset' % s['SecSubflowReset']
        return txt
    if s.get('completed') == 'yes':
        return 'completed, data CORRUPTED (sha256 mismatch)'
    return 'ABORTED (%s)' % s.get('error', '?')


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    src, dst = sys.argv[1], sys.argv[2]
    os.makedirs(dst, exist_ok=True)
    fig, ax = plt.subplots(figsize=(9, 5.5))
    rows = []
    size = None
    for mode, label, color in MODES:
        s = summary(os.path.join(src, mode + '.summary'))
        if not s:
            continue
        pts = timeline(os.path.join(src, mode + '.timeline'))
        size = size or int(s.get('size', 0) or 0)
        rows.append('# mode=%s %s' % (mode, ' '.join(
            '%s=%s' % kv for kv in sorted(s.items()) if kv[0] != 'mode')))
        rows += ['%s,%.6f,%d' % (mode, t, b) for t, b in pts]
        pts = [(0.0, 0)] + pts
        xs = [t for t, _ in pts]
        ys = [b / 1024 for _, b in pts]
        ax.step(xs, ys, where='post', color=color, lw=2,
                label='%s: %s' % (label, outcome_text(s)))
        end = 'x' if s.get('completed') != 'yes' else 'o'
        ax.plot(xs[-1], ys[-1], end, color=color, ms=12 if end == 'x' else 7,
                mew=3)
        try:
            tt = float(s.get('tamper_t', ''))
            ax.axvline(tt, color=color, ls=':', lw=1.5)
            ax.annotate(' byte changed (%s)' % label, (tt, 1.0),
                        xycoords=('data', 'axes fraction'), color=color,
                        fontsize=8, rotation=90, ha='right', va='top')
        except ValueError:
            pass
    if size:
        ax.axhline(size / 1024, color='grey', lw=0.8, ls='--')
        ax.text(0, size / 1024, ' %d KB sent' % (size // 1024), color='grey',
                va='bottom', fontsize=8)
    ax.set_xlabel('time since the connection started (s)')
    ax.set_ylabel('KB received by the server')
    ax.set_title('One modified byte on path 1 (Figure 9): %s upload, '
                 'two subflows' % ('%d KB' % (size // 1024) if size else ''))
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(loc='lower right', fontsize=9)
    fig.tight_layout()
    fig.savefig(os.path.join(dst, 'fig9.png'), dpi=110)
    with open(os.path.join(dst, 'fig9.csv'), 'w') as f:
        f.write('mode,seconds,bytes_received\n')
        f.write('\n'.join(rows) + '\n')
    print('fig9: wrote %s and %s' % (os.path.join(dst, 'fig9.png'),
                                      os.path.join(dst, 'fig9.csv')))


if __name__ == '__main__':
    main()

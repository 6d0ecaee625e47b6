#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""KUnit results as parsed by the kernel's own tools/testing/kunit/kunit.py.

  kunit_results.py KUNIT_JSON OUTDIR

KUNIT_JSON is what `kunit.py parse --json=FILE` wrote.  For each suite
this writes OUTDIR/kunit-SUITE.ktap (one "ok"/"not ok" line per leaf
test case; a parameterised case gives one line per parameter, named
CASE/PARAM) and prints "ok SUITE" or "not ok SUITE" on stdout.
"""
import json
import sys


def leaves(group, prefix=''):
    for t in group.get('test_cases', []):
        yield prefix + t['name'], t['status']
    for g in group.get('sub_groups', []):
        yield from leaves(g, prefix + g['name'] + '/')


def main(path, out):
    with open(path) as f:
        top = json.load(f)
    for suite in top.get('sub_groups', []):
        lines, bad = [], False
        for i, (name, status) in enumerate(leaves(suite), 1):
            if status == 'PASS':
                lines.append('ok %d - %s' % (i, name))
            elif status == 'SKIP':
                lines.append('ok %d - %s # SKIP' % (i, name))
            else:
                bad = True
                lines.append('not ok %d - %s # %s' % (i, name, status))
        if not lines:
            bad = True
        with open('%s/kunit-%s.ktap' % (out, suite['name']), 'w') as f:
            f.write('1..%d\n' % len(lines) + ''.join(l + '\n' for l in lines))
        print('%s %s' % ('not ok' if bad else 'ok', suite['name']))


if __name__ == '__main__':
    main(*sys.argv[1:3])

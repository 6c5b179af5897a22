#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""tocsv.py REC.txt PREFIX: the output of record.sh as PREFIX-storm.csv and
PREFIX-steady.csv ("ts_ns,value" rows).  The steady dumps overlap and are
merged; each dump but the last loaded the CPU for a moment right after its
last sample, so a "cut" row marks it there (no replay window crosses it)
and the 4 s after it are left out."""
import re
import sys

sec = None
data = {}
for line in open(sys.argv[1]):
    line = line.strip()
    if line.startswith('=== '):
        f = line.split()
        sec = f[1] if f[2:] == ['cpu.util'] else None
        if sec:
            data.setdefault(sec, [])
        continue
    f = line.split()
    if sec and len(f) == 2 and f[0].isdigit() and f[1].lstrip('-').isdigit():
        data[sec].append((int(f[0]), int(f[1])))
storm = data['storm']
with open(sys.argv[2] + '-storm.csv', 'w') as out:
    out.write('ts_ns,value\n')
    for t, v in storm:
        out.write('%d,%d\n' % (t, v))
dumps = [data[k] for k in sorted(data) if re.fullmatch(r'steady\d*', k)]
merged = {t: v for d in dumps for t, v in d}
cuts = [d[-1][0] for d in dumps[:-1]]
with open(sys.argv[2] + '-steady.csv', 'w') as out:
    out.write('ts_ns,value\n')
    nxt = 0
    for t in sorted(merged):
        if t <= storm[-1][0] + 5000000000:
            continue
        if nxt < len(cuts) and t > cuts[nxt]:
            out.write('cut\n')
            while nxt < len(cuts) and t > cuts[nxt]:
                nxt += 1
        if any(c < t <= c + 4000000000 for c in cuts):
            continue
        out.write('%d,%d\n' % (t, merged[t]))

#!/usr/bin/env python3
"""Fits bench/policy-cost/measure.sh's CSV: per configuration (backend, kind, set type, set size) the least-squares
slope of the median round trip against the rule count, halved (each round trip crosses the router's FORWARD twice),
is the per-packet cost of one rule of that kind. ipset.lookup = set-rule slope - plain-rule slope (same backend)."""
import csv, statistics, sys
from collections import defaultdict

rows = defaultdict(lambda: defaultdict(list))
for r in csv.DictReader(open(sys.argv[1])):
    if r["rtt_p50_us"]:
        rows[(r["backend"], r["kind"], r["set_type"], r["set_size"])][int(r["rules"])].append(float(r["rtt_p50_us"]))

def slope(points):
    xs = sorted(points); ys = [statistics.median(points[x]) for x in xs]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    res = [y - (my + b * (x - mx)) for x, y in zip(xs, ys)]
    return b, ys, max(abs(e) for e in res)

print("backend,kind,set_type,set_size,points,ns_per_rule_per_packet,max_residual_us,medians_us")
fits = {}
for key in sorted(rows):
    b, ys, res = slope(rows[key])
    fits[key] = b * 1000 / 2
    print(f"{','.join(key)},{len(ys)},{fits[key]:.2f},{res:.2f},{' '.join(f'{y:.2f}' for y in ys)}")
plain = fits.get(("iptables-legacy", "plain", "-", "0"))
if plain is not None:
    for key, ns in sorted(fits.items()):
        if key[1] == "set" and key[0] == "iptables-legacy":
            print(f"# {key[2]} size {key[3]}: ipset test = {ns:.2f} - {plain:.2f} = {ns - plain:.2f} ns per packet")

#!/usr/bin/env bash
# One BGP session hop as Calico runs it: two BIRD 2 daemons in two network namespaces, an iBGP session configured
# like Calico's node-to-node mesh (confd's bird.cfg: AS 64512, multihop, gateway recursive, add paths, graceful
# restart, connect delay 2, connect retry 5, error wait 5,30). Node A's kernel protocol learns a blackhole route for a
# /26 block (as Calico's IPAM blocks are announced) and exports it over the session; node B's kernel protocol installs
# it. bgp_hop.c adds the route in A over netlink and waits on a netlink socket in B for B's kernel to have it, then
# deletes it and waits for B's removal, timing both on one monotonic clock. Prints one CSV row per event: kind,us.
# Usage (root; addresses only from 198.18.0.0/15): bench/control-cost/bgp-update.sh [repetitions] > results.csv
set -euo pipefail
N=${1:-300}
A=ctlbgpA B=ctlbgpB
W=$(mktemp -d /tmp/ctl-bgp.XXXXXX)
cleanup() {
  for p in "$W"/*.pid; do [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null || true; done
  ip netns del $A 2>/dev/null || true
  ip netns del $B 2>/dev/null || true
  rm -rf "$W"
}
trap cleanup EXIT

ip netns add $A; ip netns add $B
ip link add vA netns $A type veth peer name vB netns $B
ip -n $A addr add 198.18.0.1/30 dev vA; ip -n $B addr add 198.18.0.2/30 dev vB
for n in $A $B; do ip -n $n link set lo up; done
ip -n $A link set vA up; ip -n $B link set vB up

conf() { # $1 own address, $2 peer, $3 kernel export filter, $4 bgp export filter
cat <<EOF
router id $1;
protocol device { scan time 2; }
protocol direct { ipv4; interface "v*"; }
protocol kernel {
  learn; persist; scan time 2; graceful restart; merge paths on;
  ipv4 { import all; export $3; };
}
protocol bgp peer {
  local as 64512; neighbor $2 as 64512; source address $1;
  multihop; ttl security off; graceful restart;
  connect delay time 2; connect retry time 5; error wait time 5,30;
  ipv4 { gateway recursive; add paths on; import all; export $4; };
}
EOF
}
only_blocks='filter { if net ~ [ 198.19.0.0/16+ ] then accept; reject; }'
conf 198.18.0.1 198.18.0.2 none "$only_blocks" > "$W/a.conf"
conf 198.18.0.2 198.18.0.1 "$only_blocks" none > "$W/b.conf"
ip netns exec $A bird -c "$W/a.conf" -s "$W/a.ctl" -P "$W/bird-a.pid"
ip netns exec $B bird -c "$W/b.conf" -s "$W/b.ctl" -P "$W/bird-b.pid"
for _ in $(seq 1 100); do
  birdc -s "$W/b.ctl" show protocols peer 2>/dev/null | grep -q Established && break
  sleep 0.2
done
birdc -s "$W/b.ctl" show protocols peer | grep -q Established || { echo "session did not come up" >&2; exit 1; }

gcc -O2 -Wall -o "$W/bgp_hop" "$(dirname "$0")/bgp_hop.c"
"$W/bgp_hop" $A $B "$N"

#!/usr/bin/env bash
# Per-packet cost of a non-matching iptables rule and of an ipset test on the forward path, on this machine's kernel.
# Client and server namespaces talk through a router namespace; the router's filter FORWARD chain holds K rules that
# every packet walks (no conntrack shortcut in front of them). sockperf UDP ping-pong (32-byte messages, full round
# trip) gives the median RTT; each round trip crosses FORWARD twice, so the per-rule cost is slope(RTT, K) / 2.
#   plain:      K rules "-d 198.18.210.x/32 -p udp --dport 80 -j DROP" (never match)
#   hash:ip:    K rules "-m set --match-set S src -j DROP", S a hash:ip set of M members not holding either end
#   hash:net:   the same with S a hash:net set whose members use P distinct prefix lengths, /32 down to /17, all inside
#               198.19.0.0/16 so neither end matches (a miss tests each length the set holds)
# ipset.lookup = slope(set rules) - slope(plain rules), per packet. Everything runs pinned to one core at nice -20.
# Addresses from 198.18.0.0/15 only; every namespace made here is removed on exit, also on failure.
# Usage: [SERIES="legacy-plain nft-plain legacy-set nft-set net"] bench/policy-cost/measure.sh OUT.csv [seconds per point] [repetitions]
# (rows are appended to OUT.csv; its header is written when it does not exist yet)
set -euo pipefail
out=${1:?usage: measure.sh OUT.csv [seconds] [reps]}; secs=${2:-3}; reps=${3:-3}; core=${CORE:-1}
series=${SERIES:-legacy-plain nft-plain legacy-set nft-set net}
C=nspol-c; R=nspol-r; S=nspol-s
cleanup() { for n in $C $R $S; do ip netns del $n 2>/dev/null || true; done; }
trap cleanup EXIT
if ip netns list | grep -q '^nstb-'; then echo "a testbed is running (nstb-* namespaces): not measuring" >&2; exit 1; fi
cleanup
for n in $C $R $S; do ip netns add $n; ip -n $n link set lo up; done
ip -n $C link add eth0 type veth peer name c0 netns $R
ip -n $S link add eth0 type veth peer name s0 netns $R
ip -n $C addr add 198.18.200.1/30 dev eth0; ip -n $R addr add 198.18.200.2/30 dev c0
ip -n $S addr add 198.18.200.6/30 dev eth0; ip -n $R addr add 198.18.200.5/30 dev s0
for l in "$C eth0" "$S eth0" "$R c0" "$R s0"; do set -- $l; ip -n $1 link set $2 up; done
ip -n $C route add default via 198.18.200.2; ip -n $S route add default via 198.18.200.5
ip netns exec $R sysctl -qw net.ipv4.ip_forward=1
pin() { local ns=$1; shift; ip netns exec $ns nice -n -20 taskset -c $core "$@"; }
# Started directly (ip netns exec, nice and taskset each exec the next), so $! is sockperf itself: a process left
# running would keep its namespace alive after ip netns del.
ip netns exec $S nice -n -20 taskset -c $core sockperf server -i 198.18.200.6 -p 11111 >/dev/null 2>&1 & srv=$!
trap 'kill $srv 2>/dev/null || true; wait $srv 2>/dev/null || true; cleanup' EXIT
sleep 0.5
# restore BACKEND KIND K M_OR_P: writes the router's filter table.
ruleset() {
  local kind=$1 k=$2 i
  echo "*filter"; echo ":INPUT ACCEPT [0:0]"; echo ":FORWARD ACCEPT [0:0]"; echo ":OUTPUT ACCEPT [0:0]"
  for ((i = 0; i < k; i++)); do
    if [ "$kind" = plain ]; then echo "-A FORWARD -d 198.18.$((210 + i / 250)).$((i % 250 + 1))/32 -p udp -m udp --dport 80 -j DROP"
    else echo "-A FORWARD -m set --match-set polset src -j DROP"; fi
  done
  echo "COMMIT"
}
# makeset TYPE SIZE: hash:ip of SIZE members, or hash:net whose members take SIZE distinct prefix lengths (/32 down).
makeset() {
  ip netns exec $R ipset destroy polset 2>/dev/null || true
  { echo "create polset $1 family inet hashsize 1024 maxelem 65536"
    if [ "$1" = hash:ip ]; then for ((i = 0; i < $2; i++)); do echo "add polset 198.19.$((i / 250)).$((i % 250 + 1))"; done
    else for ((p = 0; p < $2; p++)); do echo "add polset 198.19.$((p * 4)).0/$((32 - p))"; done; fi  # /17 at most: inside 198.19.0.0/16
  } | ip netns exec $R ipset restore
}
measure() { # BACKEND KIND K SETTYPE SETSIZE
  local backend=$1 kind=$2 k=$3 st=$4 sz=$5 rep med
  ip netns exec $R iptables-legacy -F FORWARD 2>/dev/null || true; ip netns exec $R iptables-nft -F FORWARD 2>/dev/null || true
  [ "$kind" = set ] && makeset $st $sz
  ruleset $kind $k | ip netns exec $R ${backend}-restore
  for ((rep = 1; rep <= reps; rep++)); do
    med=$(pin $C sockperf ping-pong -i 198.18.200.6 -p 11111 -t $secs -m 32 --full-rtt 2>&1 | sed -n 's/.*percentile 50.000 = *\([0-9.]*\).*/\1/p')
    echo "$backend,$kind,$k,$st,$sz,$rep,$med" | tee -a "$out"
  done
}
[ -s "$out" ] || echo "backend,kind,rules,set_type,set_size,rep,rtt_p50_us" > "$out"
for one in $series; do case $one in
  legacy-plain) for k in 0 1000 2000 4000; do measure iptables-legacy plain $k - 0; done ;;
  nft-plain)    for k in 0 1000 2000 4000; do measure iptables-nft plain $k - 0; done ;;
  legacy-set)   for m in 10 10000; do for k in 0 500 1000 2000; do measure iptables-legacy set $k hash:ip $m; done; done ;;
  nft-set)      for k in 0 250 500 1000; do measure iptables-nft set $k hash:ip 10; done ;;
  net)          for p in 1 8 16; do for k in 0 250 500 1000; do measure iptables-legacy set $k hash:net $p; done; done ;;
  *) echo "unknown series '$one'" >&2; exit 2 ;;
esac; done

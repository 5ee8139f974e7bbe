#!/usr/bin/env bash
# Per-packet cost of a Linux bridge hop against a routed hop, on this machine's kernel.
# A client and a server namespace talk through K hop namespaces in a chain. A bridged hop holds a bridge (br0) with
# two veth ports: the frame crosses a veth pair into it, br_handle_frame looks the destination MAC up in the FDB and
# br_forward sends it out of the other port. A routed hop holds the two veth ends with addresses and ip_forward on:
# ip_rcv, the FIB lookup, ip_forward, ip_output and the neighbour output. No iptables rules anywhere (no netfilter
# hooks registered), no conntrack. sockperf UDP ping-pong (32-byte messages, full round trip) gives the median RTT;
# each round trip crosses every hop twice, so the per-hop one-way cost is slope(RTT, K) / 2.
# Modes: bridge (br_netfilter on, the kernel's and Kubernetes' default), bridge-nonf (bridge-nf-call-iptables=0), route.
# Everything runs pinned to one core at nice -20. Addresses from 198.18.0.0/15 only; every namespace made here is
# removed on exit, also on failure.
# Usage: bench/bridge-cost/measure.sh OUT.csv [seconds per point] [repetitions]
set -euo pipefail
out=${1:?usage: measure.sh OUT.csv [seconds] [reps]}; secs=${2:-3}; reps=${3:-3}; core=${CORE:-1}
P=nsbrc
made=()
srv=
cleanup() {
  if [ -n "$srv" ]; then kill "$srv" 2>/dev/null || true; wait "$srv" 2>/dev/null || true; srv=; fi
  for n in "${made[@]}"; do ip netns del "$n" 2>/dev/null || true; done
  made=()
}
trap cleanup EXIT
if ip netns list | grep -q -E '^(nstb-|nspol-)'; then echo "another measurement is running: not measuring" >&2; exit 1; fi
ns() { ip netns add "$1"; made+=("$1"); ip -n "$1" link set lo up; }

# chain MODE K: client $P-c (eth0), hops $P-h1..hK, server $P-s (eth0). Server address printed.
chain() {
  local mode=$1 k=$2 i prev cur
  ns $P-c; ns $P-s
  for ((i = 1; i <= k; i++)); do ns $P-h$i; done
  # link i joins node i-1 (client when i = 1) to node i (server when i = k + 1) with a veth pair: a$i on the left, b$i on the right
  for ((i = 1; i <= k + 1; i++)); do
    prev=$([ $i -eq 1 ] && echo $P-c || echo $P-h$((i - 1)))
    cur=$([ $i -eq $((k + 1)) ] && echo $P-s || echo $P-h$i)
    ip -n "$prev" link add a$i type veth peer name b$i netns "$cur"
    ip -n "$prev" link set a$i up; ip -n "$cur" link set b$i up
  done
  ip -n $P-c link set a1 name eth0; ip -n $P-s link set b$((k + 1)) name eth0
  if [ "$mode" != route ]; then
    ip -n $P-c addr add 198.18.220.1/24 dev eth0; ip -n $P-s addr add 198.18.220.2/24 dev eth0
    for ((i = 1; i <= k; i++)); do
      ip -n $P-h$i link add br0 type bridge; ip -n $P-h$i link set br0 up
      ip -n $P-h$i link set b$i master br0; ip -n $P-h$i link set a$((i + 1)) master br0
      # bridge-nonf: br_netfilter's hooks off in the hop (net.bridge.bridge-nf-call-iptables=0); "bridge" keeps the
      # default 1, which Kubernetes requires (kubeadm's preflight check), so bridged IPv4 frames also cross the inet hooks
      if [ "$mode" = bridge-nonf ]; then ip netns exec $P-h$i sysctl -qw net.bridge.bridge-nf-call-iptables=0; fi
    done
  else
    # link i is the /30 198.18.221.(4i).0: left .1, right .2
    for ((i = 1; i <= k + 1; i++)); do
      local l=$([ $i -eq 1 ] && echo "$P-c eth0" || echo "$P-h$((i - 1)) a$i")
      local r=$([ $i -eq $((k + 1)) ] && echo "$P-s eth0" || echo "$P-h$i b$i")
      set -- $l; ip -n $1 addr add 198.18.$((221 + i / 64)).$(((i % 64) * 4 + 1))/30 dev $2
      set -- $r; ip -n $1 addr add 198.18.$((221 + i / 64)).$(((i % 64) * 4 + 2))/30 dev $2
    done
    ip -n $P-c route add default via 198.18.221.6 2>/dev/null || true
    for ((i = 1; i <= k; i++)); do
      ip netns exec $P-h$i sysctl -qw net.ipv4.ip_forward=1
      ip -n $P-h$i route add default via 198.18.$((221 + (i + 1) / 64)).$((((i + 1) % 64) * 4 + 2)) 2>/dev/null || true
      ip -n $P-h$i route add 198.18.221.4/30 via 198.18.$((221 + i / 64)).$(((i % 64) * 4 + 1)) 2>/dev/null || true
    done
    ip -n $P-s route add default via 198.18.$((221 + (k + 1) / 64)).$((((k + 1) % 64) * 4 + 1))
    ip -n $P-c route replace default via 198.18.221.6
  fi
}
server_ip() { ip -n $P-s -4 -o addr show dev eth0 | awk '{print $4}' | cut -d/ -f1; }

[ -s "$out" ] || echo "mode,hops,rep,rtt_p50_us" > "$out"
for mode in ${MODES:-bridge bridge-nonf route}; do
  for k in 0 1 2 4; do
    chain $mode $k
    sip=$(server_ip)
    ip netns exec $P-s nice -n -20 taskset -c $core sockperf server -i "$sip" -p 11111 >/dev/null 2>&1 & srv=$!
    sleep 0.5
    for ((rep = 1; rep <= reps; rep++)); do
      med=$(ip netns exec $P-c nice -n -20 taskset -c $core sockperf ping-pong -i "$sip" -p 11111 -t $secs -m 32 --full-rtt 2>&1 \
        | sed -n 's/.*percentile 50.000 = *\([0-9.]*\).*/\1/p')
      echo "$mode,$k,$rep,$med" | tee -a "$out"
    done
    cleanup
  done
done

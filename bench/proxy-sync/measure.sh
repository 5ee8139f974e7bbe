#!/usr/bin/env bash
# Times what a kube-proxy sync asks of the kernel, on this machine, in a fresh network namespace each time:
#   iptables: iptables-restore --noflush of a whole nat table with N ClusterIP Services (kube-proxy's rule shape:
#             a KUBE-SERVICES jump, a KUBE-SVC chain with a masquerade mark rule and a jump, a KUBE-SEP chain with the
#             hairpin mark rule and the DNAT: 5 rules and 2 chains per Service with one endpoint)
#   nftables: one nft -f transaction adding one Service (its chains, rules and verdict-map element) to a table that
#             already has N, the way kube-proxy's nftables mode adds a Service (incremental), and `nft list table`
#             of that table (kube-proxy lists its table on every sync)
# Usage: bench/proxy-sync/measure.sh [N ...]   (root; prints CSV: mode,services,rules,seconds)
set -euo pipefail
sizes=("${@:-1000 2000 5000 10000}")
[[ $# -gt 0 ]] && sizes=("$@") || sizes=(1000 2000 5000 10000)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
ip4() { printf '10.96.%d.%d' $(( ($1 + 11) / 256 )) $(( ($1 + 11) % 256 )); }
pod4() { printf '10.244.%d.%d' $(( $1 / 250 % 250 )) $(( $1 % 250 + 2 )); }
iptables_table() {
  local n=$1
  echo '*nat'
  echo ':KUBE-SERVICES - [0:0]'; echo ':KUBE-MARK-MASQ - [0:0]'
  for ((i = 0; i < n; i++)); do echo ":KUBE-SVC-$(printf %016X $i) - [0:0]"; echo ":KUBE-SEP-$(printf %016X $i) - [0:0]"; done
  echo '-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000'
  for ((i = 0; i < n; i++)); do
    local s=$(printf %016X $i) vip=$(ip4 $i) pod=$(pod4 $i)
    echo "-A KUBE-SERVICES -d $vip/32 -p tcp -m tcp --dport 80 -j KUBE-SVC-$s"
    echo "-A KUBE-SVC-$s ! -s 10.244.0.0/16 -d $vip/32 -p tcp -m tcp --dport 80 -j KUBE-MARK-MASQ"
    echo "-A KUBE-SVC-$s -j KUBE-SEP-$s"
    echo "-A KUBE-SEP-$s -s $pod/32 -j KUBE-MARK-MASQ"
    echo "-A KUBE-SEP-$s -p tcp -m tcp -j DNAT --to-destination $pod:8080"
  done
  echo COMMIT
}
nft_service() { # one Service's objects, as kube-proxy's nftables mode names them
  local i=$1 vip=$(ip4 $1) pod=$(pod4 $1)
  echo "add chain ip kube-proxy service-$i"
  echo "add chain ip kube-proxy endpoint-$i"
  echo "add rule ip kube-proxy service-$i ip daddr $vip tcp dport 80 ip saddr != 10.244.0.0/16 jump mark-for-masquerade"
  echo "add rule ip kube-proxy service-$i numgen random mod 1 vmap { 0 : goto endpoint-$i }"
  echo "add rule ip kube-proxy endpoint-$i ip saddr $pod jump mark-for-masquerade"
  echo "add rule ip kube-proxy endpoint-$i meta l4proto tcp dnat to $pod:8080"
  echo "add element ip kube-proxy service-ips { $vip . tcp . 80 : goto service-$i }"
}
nft_base() {
  echo 'add table ip kube-proxy'
  echo 'add chain ip kube-proxy mark-for-masquerade'
  echo 'add rule ip kube-proxy mark-for-masquerade mark set mark or 0x4000'
  echo 'add map ip kube-proxy service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; }'
  echo 'add chain ip kube-proxy services'
  echo 'add rule ip kube-proxy services ip daddr . meta l4proto . th dport vmap @service-ips'
}
secs() { local t0=$(date +%s%N); "$@" >/dev/null; echo "scale=6; ($(date +%s%N) - t0) / 1000000000" | bc; }
echo "mode,services,rules,seconds"
for n in "${sizes[@]}"; do
  iptables_table "$n" > "$work/ipt"
  for rep in 1 2 3; do
    t=$(unshare -n bash -c "t0=\$(date +%s%N); iptables-restore --noflush < $work/ipt; echo \$(( \$(date +%s%N) - t0 ))")
    echo "iptables-restore,$n,$((5 * n + 1)),$(echo "scale=6; $t / 1000000000" | bc)"
  done
  { nft_base; for ((i = 0; i < n; i++)); do nft_service $i; done; } > "$work/nft-base"
  nft_service "$n" > "$work/nft-one"
  for rep in 1 2 3; do
    out=$(unshare -n bash -c "nft -f $work/nft-base; t0=\$(date +%s%N); nft -f $work/nft-one; t1=\$(date +%s%N); nft list table ip kube-proxy >/dev/null; t2=\$(date +%s%N); echo \$(( t1 - t0 )) \$(( t2 - t1 ))")
    read -r add list <<<"$out"
    echo "nft-add-one,$n,$((4 * n + 1)),$(echo "scale=6; $add / 1000000000" | bc)"
    echo "nft-list-table,$n,$((4 * n + 1)),$(echo "scale=6; $list / 1000000000" | bc)"
  done
done

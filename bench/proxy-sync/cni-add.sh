#!/usr/bin/env bash
# Times the bridge CNI plugin's kernel work for one pod (netns, veth into cni0, address, route) with ip(8),
# 20 times in a fresh network namespace; prints microseconds per pod. Usage (root): bench/proxy-sync/cni-add.sh | sort -n
# the bridge plugin's kernel work for one pod, as ip(8) commands in one batch per namespace
unshare -n bash -c '
ip link add cni0 type bridge; ip addr add 10.244.0.1/24 dev cni0; ip link set cni0 up
for i in $(seq 1 20); do
  t0=$(date +%s%N)
  ip netns add p$i
  ip link add veth$i type veth peer name eth0 netns p$i
  ip link set veth$i master cni0 up
  ip -n p$i addr add 10.244.0.$((i+1))/24 dev eth0
  ip -n p$i link set eth0 up
  ip -n p$i link set lo up
  ip -n p$i route add default via 10.244.0.1
  echo $(( ($(date +%s%N) - t0) / 1000 ))
  ip netns del p$i
done'

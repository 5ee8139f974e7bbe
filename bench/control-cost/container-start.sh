#!/usr/bin/env bash
# What containerd and runc take to start a pod's two containers, with no image pull and no network plugin:
#   sandbox:   `ctr run -d --rootfs` of a pause-like process (pause.c, static) in a new network namespace: containerd
#              creates the container and its task, starts containerd-shim-runc-v2, runc creates the namespaces and
#              cgroup and starts the process (what CRI's RunPodSandbox asks of the runtime, less its CNI call);
#   container: `ctr run -d --rootfs --with-ns network:...` of a process that listens on TCP 8080 (listener.c, static),
#              joining the sandbox's network namespace (CRI's CreateContainer + StartContainer of the application).
#   client:    `ctr version`, the ctr process's own start and one gRPC round trip; kubelet calls containerd over
#              an open connection, so the figures quoted subtract it.
#   cpu:       the CPU time (user + system, clock ticks of 10 ms) containerd, the two shims and their runc children
#              used for both starts, which the other processes of a busy machine cannot inflate.
# It starts its own containerd (CRI plugin off) on a socket under /tmp and stops it at the end. Prints CSV rows
# rep,sandbox_us,container_us,client_us,cpu_ms. Usage (root): bench/control-cost/container-start.sh [repetitions] > results.csv
set -euo pipefail
N=${1:-30}
HERE=$(cd "$(dirname "$0")" && pwd)
C=$(mktemp -d /tmp/ctl-ctd.XXXXXX)
S=$C/containerd.sock
export CONTAINERD_NAMESPACE=ctlbench$$ # runc keeps its state under /run/containerd/runc/<namespace>, shared by every containerd
cleanup() {
  for id in $(ctr -a "$S" task ls -q 2>/dev/null); do
    ctr -a "$S" task kill -s KILL "$id" > /dev/null 2>&1 || true; sleep 0.2
    ctr -a "$S" task delete "$id" > /dev/null 2>&1 || true
  done
  [ -f "$C/pid" ] && kill "$(cat "$C/pid")" 2>/dev/null || true
  sleep 0.5
  umount -R "$C/state" 2>/dev/null || true
  rm -rf "$C"
}
trap cleanup EXIT

mkdir -p "$C/rootfs-pause" "$C/rootfs-app"
gcc -O2 -static -o "$C/rootfs-pause/pause" "$HERE/pause.c"
gcc -O2 -static -o "$C/rootfs-app/app" "$HERE/listener.c"
cat > "$C/config.toml" <<EOF
version = 2
root = "$C/root"
state = "$C/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$S"
EOF
containerd --config "$C/config.toml" > "$C/log" 2>&1 & echo $! > "$C/pid"
for _ in $(seq 1 50); do ctr -a "$S" version > /dev/null 2>&1 && break; sleep 0.2; done

us() { echo $(( ($(date +%s%N) - $1) / 1000 )); }
# utime + stime (+ cutime + cstime with $2 = all: the reaped runc children) of a process, in clock ticks
ticks() { awk -v all="${2:-}" '{ t = $14 + $15; if (all != "") t += $16 + $17; print t }' "/proc/$1/stat"; }
ppid() { awk '{ print $4 }' "/proc/$1/stat"; }
daemon=$(cat "$C/pid")
echo "rep,sandbox_us,container_us,client_us,cpu_ms"
for i in $(seq 1 "$N"); do
  t=$(date +%s%N); ctr -a "$S" version > /dev/null; client=$(us "$t")
  d0=$(ticks "$daemon")
  t=$(date +%s%N); ctr -a "$S" run -d --rootfs "$C/rootfs-pause" "sb$i" /pause > /dev/null; sandbox=$(us "$t")
  pid=$(ctr -a "$S" task ls | awk -v id="sb$i" '$1 == id { print $2 }')
  t=$(date +%s%N); ctr -a "$S" run -d --rootfs --with-ns "network:/proc/$pid/ns/net" "$C/rootfs-app" "app$i" /app > /dev/null; container=$(us "$t")
  apid=$(ctr -a "$S" task ls | awk -v id="app$i" '$1 == id { print $2 }')
  cpu=$(( $(ticks "$daemon") - d0 + $(ticks "$(ppid "$pid")" all) + $(ticks "$(ppid "$apid")" all) ))
  for _ in $(seq 1 50); do nsenter -t "$pid" -n ss -ltnH | grep -q ':8080 ' && break; sleep 0.05; done
  nsenter -t "$pid" -n ss -ltnH | grep -q ':8080 ' || { echo "rep $i: the application is not listening" >&2; exit 1; }
  echo "$i,$sandbox,$container,$client,$((cpu * 1000 / $(getconf CLK_TCK)))"
  for id in "app$i" "sb$i"; do
    ctr -a "$S" task kill -s KILL "$id" > /dev/null 2>&1 || true
    for _ in $(seq 1 50); do ctr -a "$S" task delete "$id" > /dev/null 2>&1 && break; sleep 0.1; done
    ctr -a "$S" container delete "$id" > /dev/null
  done
done

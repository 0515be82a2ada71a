#!/usr/bin/env bash
# Packet data plane side by side on the namespace lab (lab/up.sh): plain kernel routing, nftables DNAT,
# jlvs NAT and jlvs DR. Prints new TCP connections/s (wrk with `Connection: close`), keep-alive req/s
# (1 KiB body), iperf3 Gbit/s, and each one's ratio to kernel routing. Root; not part of CI.
# Usage: bench/packet.sh [seconds-per-run (default 10)] [wrk connections (default 32)]
set -uo pipefail
top="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
secs="${1:-10}"; conns="${2:-32}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
need=()
for c in nginx wrk iperf3 nft ethtool; do command -v "$c" >/dev/null || need+=("$c"); done
((${#need[@]})) && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]/nginx/nginx-light}" >/dev/null
(cd "$top" && mvn -B -q -o install -pl jlvs-packet -am -DskipTests \
  && mvn -B -q -o dependency:build-classpath -pl jlvs-packet -Dmdep.outputFile=target/lab-classpath.txt) || exit 1
trap '"$top/lab/down.sh"' EXIT INT TERM
declare -A close keep iperf
for mode in route dnat nat dr; do
  "$top/lab/down.sh"
  "$top/lab/up.sh" "$mode" >/dev/null || { echo "lab up $mode failed"; continue; }
  target=10.77.0.100; [[ "$mode" == route ]] && target=10.77.1.11
  c() { ip netns exec jlab-cl "$@"; }
  c wrk -t1 -c"$conns" -d2s "http://$target/1k" >/dev/null 2>&1    # warm-up (JIT, ARP)
  close[$mode]=$(c wrk -t2 -c"$conns" -d"${secs}s" -H 'Connection: close' "http://$target/1k" 2>/dev/null \
    | awk '/Requests\/sec/ {print $2}')
  keep[$mode]=$(c wrk -t2 -c"$conns" -d"${secs}s" "http://$target/1k" 2>/dev/null | awk '/Requests\/sec/ {print $2}')
  iperf[$mode]=$(c iperf3 -c "$target" -p 5201 -t "$secs" -J 2>/dev/null \
    | awk -F: '/"bits_per_second"/ {v=$2} END {gsub(/[ ,]/,"",v); printf "%.2f", v/1e9}')
  echo "$mode: close ${close[$mode]} req/s, keep-alive ${keep[$mode]} req/s, iperf3 ${iperf[$mode]} Gbit/s"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
printf '\n%-6s %14s %14s %10s %8s %8s %8s\n' mode close-req/s keepalive-req/s Gbit/s r-close r-keep r-iperf
for mode in route dnat nat dr; do
  printf '%-6s %14s %14s %10s %8s %8s %8s\n' "$mode" "${close[$mode]:-}" "${keep[$mode]:-}" "${iperf[$mode]:-}" \
    "$(ratio "${close[$mode]:-0}" "${close[route]:-0}")" "$(ratio "${keep[$mode]:-0}" "${keep[route]:-0}")" \
    "$(ratio "${iperf[$mode]:-0}" "${iperf[route]:-0}")"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)  cores: $(nproc)"

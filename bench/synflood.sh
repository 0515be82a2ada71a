#!/usr/bin/env bash
# A spoofed-source SYN flood against jlvs NAT (the daemon, `jlvs run`, on the namespace lab: lab/up.sh nat with
# JLVS_LAB_DAEMON=1), with and without IPVS's defences against a full table (docs/packet-dataplane.md), while
# legitimate clients keep asking. Root; not part of CI. Hold the lab lock around it:
#   flock /tmp/jlvs-bench.lock bench/synflood.sh
# Per scenario, on a fresh lab: 2 s of warm-up requests; then bench/synflood.c (compiled into /tmp) sends SYNs
# from random addresses of 198.18.0.0/15 and random ports to VIP:80 from the client namespace, at FLOOD_RATE
# frames/s (default 60000; 0 = as fast as it goes), at most FLOOD_FRAMES (3000000) frames and FLOOD_SECS (60) s.
# Once the table holds 95 % of its capacity (or after FLOOD_SECS - LEGIT_SECS - 2 s), the legitimate load runs for LEGIT_SECS (20) s:
#   wrk -c16 -t1 -d20s --latency -H 'Connection: close' http://VIP/1k   (req/s; its latency starts after connect)
#   and beside it a probe: one curl at a time, --max-time 5, whose time_total includes the TCP handshake and
#   its SYN retransmissions (success %, p50, p99).
# /metrics (127.0.0.1:9900 in jlab-dir) is read every second: jlvs_connection_entries (peak, never above
# jlvs_connection_table_capacity?), jlvs_drops_total by reason over the scenario, and after the flood the time
# until the table is back to its size before the flood plus the legitimate connections made during it (they
# stay in TIME_WAIT for 120 s), i.e. until the flood's entries are gone (at most RECOVER_SECS, 100).
# Usage: bench/synflood.sh [scenarios]   default: "noflood none entry entry+packet secure+entry"
#   noflood: no flood (the legitimate figures alone); none: defaults (amemthresh 1024, no defence);
#   entry: drop_entry=1; entry+packet: drop_entry=1 drop_packet=1; secure+entry: secure_tcp=1 drop_entry=1;
#   packet: drop_packet=1; entry3: drop_entry=3 (always on).
# Output: one summary line per scenario, the per-second samples in /tmp/synflood-SCENARIO.log, then a table.
set -uo pipefail
top="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
read -r -a scenarios <<< "${1:-noflood none entry entry+packet secure+entry}"
rate="${FLOOD_RATE:-60000}"; frames="${FLOOD_FRAMES:-3000000}"; fsecs="${FLOOD_SECS:-60}"
lsecs="${LEGIT_SECS:-20}"; rsecs="${RECOVER_SECS:-100}"
VIP=10.77.0.100
gcc -O2 -Wall -o /tmp/synflood "$top/bench/synflood.c" || exit 1
"$top/jlvs" --version >/dev/null || exit 1   # builds the clone's jars on first use
trap '"$top/lab/down.sh"' EXIT
trap 'exit 130' INT TERM
c() { ip netns exec jlab-cl "$@"; }
metrics() { ip netns exec jlab-dir curl -s --max-time 2 http://127.0.0.1:9900/metrics; }
entries() { metrics | awk '/^jlvs_connection_entries/ {s += $NF} END {printf "%d", s}'; }
# "reason=count" lines of jlvs_drops_total
drops() { metrics | sed -n 's/^jlvs_drops_total{.*reason="\([^"]*\)".*} \([0-9.eE+]*\)$/\1 \2/p' \
  | awk '{printf "%s=%d\n", $1, $2}'; }
declare -A R
for sc in "${scenarios[@]}"; do
  args=""
  case "$sc" in
    noflood|none) ;;
    entry) args="--sysctl net.ipv4.vs.drop_entry=1" ;;
    entry3) args="--sysctl net.ipv4.vs.drop_entry=3" ;;
    packet) args="--sysctl net.ipv4.vs.drop_packet=1" ;;
    entry+packet) args="--sysctl net.ipv4.vs.drop_entry=1 --sysctl net.ipv4.vs.drop_packet=1" ;;
    secure+entry) args="--sysctl net.ipv4.vs.secure_tcp=1 --sysctl net.ipv4.vs.drop_entry=1" ;;
    *) echo "unknown scenario $sc"; exit 2 ;;
  esac
  log=/tmp/synflood-$sc.log; : > "$log"
  "$top/lab/down.sh"
  JLVS_LAB_DAEMON=1 JLVS_LAB_RUN_ARGS="$args" "$top/lab/up.sh" nat >/dev/null || { echo "lab up $sc failed"; continue; }
  for _ in $(seq 50); do metrics | grep -q '^jlvs_connection_table_capacity' && break; sleep 0.2; done
  cap=$(metrics | awk '/^jlvs_connection_table_capacity/ {print int($NF)}')
  dmac=$(ip -n jlab-dir -br link show eth0 | awk '{print $3}')
  c wrk -t1 -c16 -d2s -H 'Connection: close' "http://$VIP/1k" >/dev/null 2>&1   # warm-up (JIT, ARP)
  sleep 1
  pre=$(entries); drops > /tmp/synflood-drops0
  t0=$(date +%s.%N)
  # sampler: every second "t entries" (bounded; stopped by pid)
  ( for _ in $(seq $((fsecs + lsecs + rsecs + 60))); do
      printf '%.1f %s\n' "$(echo "$(date +%s.%N) - $t0" | bc)" "$(entries)"; sleep 1
    done ) >> "$log" &
  sampler=$!
  fpid=""
  if [[ "$sc" != noflood ]]; then
    c /tmp/synflood eth0 "$dmac" $VIP 80 198.18.0.0/15 "$rate" "$frames" "$fsecs" > /tmp/synflood-$sc.gen &
    fpid=$!
    for _ in $(seq $((fsecs - lsecs - 2))); do (( $(entries) * 100 >= cap * 95 )) && break; sleep 1; done
  fi
  tl=$(echo "$(date +%s.%N) - $t0" | bc | xargs printf '%.0f')
  c wrk -t1 -c16 -d"${lsecs}s" --latency -H 'Connection: close' "http://$VIP/1k" > /tmp/synflood-$sc.wrk 2>&1 &
  wpid=$!
  # probe: sequential curls with the handshake in the time, for as long as wrk runs (bounded count)
  pend=$(( $(date +%s) + lsecs ))
  : > /tmp/synflood-$sc.probe
  for _ in $(seq 2000); do
    (( $(date +%s) < pend )) || break
    c curl -s -o /dev/null --max-time 5 -w '%{http_code} %{time_total}\n' "http://$VIP/1k" >> /tmp/synflood-$sc.probe
  done
  wait $wpid
  legit=$(awk '/requests in/ {print $1}' /tmp/synflood-$sc.wrk); legit=${legit:-0}
  probes=$(wc -l < /tmp/synflood-$sc.probe)
  if [[ -n "$fpid" ]]; then wait "$fpid"; fi
  tend=$(echo "$(date +%s.%N) - $t0" | bc)
  # back to baseline: the flood's entries gone
  base=$((pre + legit + probes)); back="-"
  if [[ "$sc" != noflood ]]; then
    back=">$rsecs"
    for ((i = 0; i < rsecs; i++)); do
      if (( $(entries) <= base )); then back=$(echo "$(date +%s.%N) - $t0 - $tend" | bc | xargs printf '%.0f'); break; fi
      sleep 1
    done
  fi
  kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null
  drops > /tmp/synflood-drops1
  dd=$(join -t= -a2 -e0 -o 0,1.2,2.2 <(sort /tmp/synflood-drops0) <(sort /tmp/synflood-drops1) \
    | awk -F= '$3 - $2 > 0 {printf "%s%s=%d", sep, $1, $3 - $2; sep=" "}')
  peak=$(awk '{if ($2 > m) m = $2} END {print m + 0}' "$log")
  gen=$(tail -n1 /tmp/synflood-$sc.gen 2>/dev/null | sed -n 's/.*: \([0-9]*\) frames\/s.*/\1/p')
  wrkrps=$(awk '/Requests\/sec/ {printf "%d", $2}' /tmp/synflood-$sc.wrk)
  wrkp99=$(awk '$1 == "99%" {print $2}' /tmp/synflood-$sc.wrk)
  wrkerr=$(awk '/Socket errors/ {gsub(/,/, ""); print "c" $4 "/r" $6 "/w" $8 "/t" $10}' /tmp/synflood-$sc.wrk)
  read -r ok p50 p99 < <(sort -k2 -g /tmp/synflood-$sc.probe | awk '{t[NR] = $2; if ($1 == 200) ok++}
    END {if (NR == 0) {print "0 - -"; exit}; printf "%.1f %.0f %.0f\n", 100 * ok / NR, 1000 * t[int((NR + 1) / 2)], 1000 * t[int(NR * 0.99 + 0.999)]}')
  alive=yes; kill -0 "$(cat /tmp/jlab/director.pid)" 2>/dev/null || alive=no
  R[$sc]="$(printf '%-13s %8s %9s %9s %7s %9s %6s %8s %6s %6s %6s %7s' "$sc" "${gen:--}" "$peak" "$cap" \
    "$tl" "$wrkrps" "${wrkp99:--}" "$probes" "$ok" "$p50" "$p99" "$back")|$dd|$wrkerr|$alive"
  echo "$sc: flood ${gen:-0} frames/s, peak entries $peak / $cap, legit from t=${tl}s: wrk ${wrkrps} req/s" \
    "(p99 after connect ${wrkp99:--}, socket errors ${wrkerr:-none}), probe $probes requests ${ok}% ok p50 ${p50} ms" \
    "p99 ${p99} ms, back to baseline ${back} s after the flood, drops: ${dd:-none}, daemon alive: $alive" \
    "(load $(cut -d' ' -f1 /proc/loadavg))"
done
printf '\n%-13s %8s %9s %9s %7s %9s %6s %8s %6s %6s %6s %7s\n' scenario flood/s peak-ent capacity legit@s \
  wrk-req/s wrkp99 probes ok-% p50ms p99ms back-s
for sc in "${scenarios[@]}"; do [[ -n "${R[$sc]:-}" ]] && echo "${R[$sc]%%|*}"; done
echo; for sc in "${scenarios[@]}"; do [[ -n "${R[$sc]:-}" ]] && { IFS='|' read -r _ d e a <<< "${R[$sc]}"
  echo "$sc drops: ${d:-none}; wrk socket errors: ${e:-none}; daemon alive: $a"; }; done
echo "flood: 198.18.0.0/15 random sources, rate $rate/s, at most $frames frames / $fsecs s;" \
  "load average: $(cut -d' ' -f1-3 /proc/loadavg)  cores: $(nproc)"

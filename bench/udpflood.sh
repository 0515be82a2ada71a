#!/usr/bin/env bash
# A spoofed-source UDP flood against a jlvs NAT UDP service (the daemon, `jlvs run`, on the namespace lab:
# lab/up.sh nat with JLVS_LAB_DAEMON=1), with and without IPVS's defences against a full table
# (docs/packet-dataplane.md) and with shorter UDP timeouts, while legitimate UDP clients keep asking
# (reliability test #26). Root; not part of CI. Hold the lab lock around it (at most ~15 min a hold: a
# scenario takes about 100 s plus its RECOVER_SECS):
#   flock /tmp/jlvs-bench.lock bench/udpflood.sh [scenarios]
# Per scenario, on a fresh lab: a UDP service VIP:7 (`jlvsadm -A -u 10.77.0.100:7 -s rr`, three real servers
# -m), a UDP echo server (bench/udpflood.py echo, 0.0.0.0:7) on each real server; 2 s of warm-up requests;
# then the legitimate clients (bench/udpflood.py client, in the client namespace) for WARM_SECS (3) +
# FLOOD_SECS + POST_SECS (3) s: (a) "steady", one socket (one source port) sending STEADY_RATE (100) requests/s, whose
# entry exists before the flood; (b) "fresh", a new socket (new source port, new entry) per request,
# FRESH_RATE (50) requests/s; a request succeeds when its echo is back within TIMEOUT (1) s. WARM_SECS after
# they start, bench/synflood.c (compiled into /tmp, udp mode) sends UDP datagrams of FLOOD_PAYLOAD (32)
# bytes from random addresses of 198.18.0.0/15 and random ports to VIP:7 from the client namespace, at
# FLOOD_RATE (50000) frames/s, at most FLOOD_FRAMES (3500000) frames and FLOOD_SECS (60) s. The director
# has no route to 198.18.0.0/15, so the real servers' echoes to the spoofed sources are dropped there
# (drop_no_neighbour).
# /metrics (127.0.0.1:9900 in jlab-dir) and the daemon's VmRSS are read every second: jlvs_connection_entries
# (peak, time to full; never above jlvs_connection_table_capacity?), jlvs_drops_total by reason over the
# scenario; VmHWM of the daemon at the end; the daemon alive and no OutOfMemoryError in its log. After the
# flood, the time until the table is back to its size before the flood plus the legitimate entries made
# since (the flood's entries gone), at most RECOVER_SECS (40; the default UDP timeout is 300 s).
# Scenarios (words joined by +): none: defaults (amemthresh 1024, no defence); noflood: no flood;
# entry: drop_entry=1; entry3: drop_entry=3; packet: drop_packet=1; udpN: `jlvsadm --set 0 0 N` (UDP
# timeout N s) before the flood; udpN@full: the same once the table is full (an SRE reacting).
# Default: "noflood none entry entry+packet udp30 udp15".
# xdp: `--packet-io af_xdp`.
# Output: one summary line per scenario (with the daemon's and its worker's CPU and the machine's during the
# flood), the per-second samples in /tmp/udpflood-SCENARIO.log, the requests in /tmp/udpflood-SCENARIO.req,
# the daemon's output in /tmp/udpflood-SCENARIO.daemon, then a table. With a long POST_SECS the fresh
# clients show when new clients get in again after the flood ("after the flood").
set -uo pipefail
top="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
read -r -a scenarios <<< "${1:-noflood none entry entry+packet udp30 udp15}"
rate="${FLOOD_RATE:-50000}"; frames="${FLOOD_FRAMES:-3500000}"; fsecs="${FLOOD_SECS:-60}"
payload="${FLOOD_PAYLOAD:-32}"; rsecs="${RECOVER_SECS:-40}"; wsecs="${WARM_SECS:-3}"; psecs="${POST_SECS:-3}"
srate="${STEADY_RATE:-100}"; frate="${FRESH_RATE:-50}"; tmo="${TIMEOUT:-1}"
VIP=10.77.0.100; PORT=7
(( fsecs > 0 && fsecs <= 600 && rsecs >= 0 && rsecs <= 900 && wsecs >= 1 && wsecs <= 60 && psecs >= 1 \
  && psecs <= 900 )) || { echo "bounds: 0 < FLOOD_SECS <= 600, 0 <= RECOVER_SECS <= 900, 1 <= WARM_SECS <= 60," \
  "1 <= POST_SECS <= 900"; exit 2; }
after=$(( rsecs > psecs ? rsecs : psecs ))
gcc -O2 -Wall -o /tmp/synflood "$top/bench/synflood.c" || exit 1
py="$(python3 -c 'import sys; print(sys.executable)')" || exit 1
"$top/jlvs" --version >/dev/null || exit 1   # builds the clone's jars on first use
export JLVS_SOCKET=/tmp/jlab/jlvs.sock
mine=()   # background processes started here (killed by pid on every exit path, before lab/down.sh)
cleanup() {
  for p in "${mine[@]}"; do kill "$p" 2>/dev/null; done
  "$top/lab/down.sh"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
metrics() { ip netns exec jlab-dir curl -s --max-time 2 http://127.0.0.1:9900/metrics; }
entries() { metrics | awk '/^jlvs_connection_entries/ {s += $NF} END {printf "%d", s}'; }
# "reason=count" lines of jlvs_drops_total
drops() { metrics | sed -n 's/^jlvs_drops_total{.*reason="\([^"]*\)".*} \([0-9.eE+]*\)$/\1 \2/p' \
  | awk '{printf "%s=%d\n", $1, $2}'; }
kib() { awk -v k="$2" '$1 == k ":" {print $2}' "/proc/$1/status" 2>/dev/null; }
# utime + stime (clock ticks) of a /proc/.../stat file, 0 when gone (fields counted after the ") ")
ticks() { sed 's/.*) //' "$1" 2>/dev/null | awk '{printf "%d", $12 + $13} END {if (!NR) printf "0"}'; }
# "mean max" over the samples in [$2, $3) of the per-second rate of column $4 of file $1, divided by the
# rate of column $5 (or by the clock, 100 ticks/s, when $5 is 0), in %
cpu() {
  awk -v a="$2" -v b="$3" -v c="$4" -v d="$5" 'NR > 1 && $1 >= a && $1 < b && p1 != "" {
      den = d ? $d - pd : 100 * ($1 - p1); if (den > 0) {x = 100 * ($c - pc) / den; s += x; n++; if (x > m) m = x}}
    {p1 = $1; pc = $c; pd = d ? $d : 0}
    END {if (n) printf "%.0f %.0f\n", s / n, m; else print "- -"}' "$1"
}
# "n ok% p50 p99" of the requests of kind $1 sent in [$2, $3) (epoch s) of file $4; a lost request counts
# as slower than any answer, so a p99 that falls on one is "lost"
stats() {
  awk -v k="$1" -v a="$2" -v b="$3" '$1 == k && $2 >= a && $2 < b {print ($3 ? $4 : 1e12), $3}' "$4" \
    | sort -g | awk '{t[NR] = $1; ok += $2}
      function q(x) { return x >= 1e12 ? "lost" : sprintf("%.1f", x) }
      END {if (NR == 0) {print "0 - - -"; exit}
        printf "%d %.2f %s %s\n", NR, 100 * ok / NR, q(t[int((NR + 1) / 2)]), q(t[int(NR * 0.99 + 0.999)])}'
}
echo "uptime before: $(uptime)"
declare -A R
for sc in "${scenarios[@]}"; do
  args=(); settimeout=""; late=""; flood=1
  IFS=+ read -r -a words <<< "$sc"
  for w in "${words[@]}"; do
    case "$w" in
      none) ;;
      noflood) flood=0 ;;
      entry) args+=(--sysctl net.ipv4.vs.drop_entry=1) ;;
      entry3) args+=(--sysctl net.ipv4.vs.drop_entry=3) ;;
      packet) args+=(--sysctl net.ipv4.vs.drop_packet=1) ;;
      xdp) args+=(--packet-io af_xdp) ;;
      udp[0-9]*@full) late="${w#udp}"; late="${late%@full}" ;;
      udp[0-9]*) settimeout="${w#udp}" ;;
      *) echo "unknown scenario word $w"; exit 2 ;;
    esac
  done
  log=/tmp/udpflood-$sc.log; req=/tmp/udpflood-$sc.req; : > "$log"; : > "$req"; rm -f /tmp/udpflood-echo[123]
  for p in "${mine[@]}"; do kill "$p" 2>/dev/null; done; mine=()
  "$top/lab/down.sh"
  JLVS_LAB_DAEMON=1 JLVS_LAB_RUN_ARGS="${args[*]}" "$top/lab/up.sh" nat >/dev/null || { echo "lab up $sc failed"; continue; }
  dpid=$(cat /tmp/jlab/jlvs.pid)
  for _ in $(seq 50); do metrics | grep -q '^jlvs_connection_table_capacity' && break; sleep 0.2; done
  cap=$(metrics | awk '/^jlvs_connection_table_capacity/ {print int($NF)}')
  "$top/jlvsadm" -A -u $VIP:$PORT -s rr || { echo "UDP service $sc failed"; continue; }
  for i in 1 2 3; do "$top/jlvsadm" -a -u $VIP:$PORT -r 10.77.1.1$i:$PORT -m; done
  [[ -n "$settimeout" ]] && "$top/jlvsadm" --set 0 0 "$settimeout"
  for i in 1 2 3; do
    ip netns exec "jlab-rs$i" "$py" "$top/bench/udpflood.py" echo $PORT "/tmp/udpflood-echo$i" \
      $((wsecs + fsecs + after + 120)) &
    mine+=($!)
  done
  sleep 0.5
  dmac=$(ip -n jlab-dir -br link show eth0 | awk '{print $3}')
  ip netns exec jlab-cl "$py" "$top/bench/udpflood.py" client $VIP $PORT 2 "$srate" "$frate" "$tmo" /tmp/udpflood-warm
  sleep 1
  pre=$(entries); drops > /tmp/udpflood-drops0
  rss0=$(kib "$dpid" VmRSS)
  wtid=""; for t in /proc/"$dpid"/task/*; do [[ "$(cat "$t/comm" 2>/dev/null)" == jlvs-packet-0 ]] && wtid=${t##*/}; done
  # sampler: every second "epoch entries VmRSS-KiB ring_drops daemon-ticks worker-ticks busy-ticks all-ticks"
  # (CPU in clock ticks: the daemon's and its worker thread's utime+stime, the machine's non-idle and all
  # time from /proc/stat); bounded; stopped by pid
  ( for _ in $(seq $((wsecs + fsecs + after + 60))); do
      m=$(metrics)
      echo "$(date +%s.%N) $(awk '/^jlvs_connection_entries/ {s += $NF} END {printf "%d", s}' <<< "$m")" \
        "$(kib "$dpid" VmRSS) $(sed -n 's/^jlvs_drops_total{.*reason="ring_drops".*} \([0-9.eE+]*\)$/\1/p' <<< "$m" \
          | awk '{printf "%d", $1} END {if (!NR) printf "0"}')" \
        "$(ticks "/proc/$dpid/stat") $(ticks "/proc/$dpid/task/${wtid:-none}/stat")" \
        "$(awk '$1 == "cpu" {print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat)"
      sleep 1
    done ) >> "$log" &
  sampler=$!; mine+=($sampler)
  ip netns exec jlab-cl "$py" "$top/bench/udpflood.py" client $VIP $PORT $((wsecs + fsecs + psecs)) \
    "$srate" "$frate" "$tmo" "$req" &
  cpid=$!; mine+=($cpid)
  sleep "$wsecs"
  tf0=$(date +%s.%N)
  fpid=""
  if (( flood )); then
    ip netns exec jlab-cl /tmp/synflood eth0 "$dmac" $VIP $PORT 198.18.0.0/15 "$rate" "$frames" "$fsecs" \
      udp "$payload" > "/tmp/udpflood-$sc.gen" &
    fpid=$!; mine+=($fpid)
  fi
  if [[ -n "$late" ]]; then   # the SRE: once the table is full, a shorter UDP timeout
    for _ in $(seq "$fsecs"); do (( $(entries) * 100 >= cap * 99 )) && break; sleep 1; done
    "$top/jlvsadm" --set 0 0 "$late"
    echo "$sc: UDP timeout set to $late s at t=$(echo "$(date +%s.%N) - $tf0" | bc | xargs printf '%.0f') s"
  fi
  if [[ -n "$fpid" ]]; then wait "$fpid"; else sleep "$fsecs"; fi
  tf1=$(date +%s.%N)
  # back to baseline: the flood's entries gone (the legitimate clients' stay for the UDP timeout; their
  # requests so far, a slight overcount of their entries, as those refused make none)
  back="-"
  if (( flood )); then
    back=">$rsecs"
    for ((i = 0; i < rsecs; i++)); do
      if (( $(entries) <= pre + $(wc -l < "$req") )); then
        back=$(echo "$(date +%s.%N) - $tf1" | bc | xargs printf '%.0f'); break
      fi
      sleep 1
    done
  fi
  wait "$cpid"
  kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null
  drops > /tmp/udpflood-drops1
  dd=$(join -t= -a2 -e0 -o 0,1.2,2.2 <(sort /tmp/udpflood-drops0) <(sort /tmp/udpflood-drops1) \
    | awk -F= '$3 - $2 > 0 {printf "%s%s=%d", sep, $1, $3 - $2; sep=" "}')
  peak=$(awk '{if ($2 > m) m = $2} END {print m + 0}' "$log")
  # first sample at >= 99 % of the capacity, seconds after the flood's start (- never)
  full=$(awk -v c="$cap" -v t0="$tf0" '$2 * 100 >= c * 99 {printf "%.0f", $1 - t0; exit}' "$log")
  tfull=$(awk -v c="$cap" '$2 * 100 >= c * 99 {print $1; exit}' "$log")
  rsspeak=$(awk '{if ($3 > m) m = $3} END {print m + 0}' "$log")
  hwm=$(kib "$dpid" VmHWM)
  gen=$(tail -n1 "/tmp/udpflood-$sc.gen" 2>/dev/null | sed -n 's/.*: \([0-9]*\) frames\/s.*/\1/p')
  read -r sn sok sp50 sp99 < <(stats steady "$tf0" "$tf1" "$req")
  read -r fn fok fp50 fp99 < <(stats fresh "$tf0" "$tf1" "$req")
  fpost=$(stats fresh "$tf1" 9999999999 "$req" | awk '{print $2 " of " $1}')
  ffull="-"; [[ -n "$tfull" ]] && ffull=$(stats fresh "$tfull" "$tf1" "$req" | awk '{print $2 " of " $1}')
  read -r dcpu dcpumax < <(cpu "$log" "$tf0" "$tf1" 5 0)
  read -r wcpu wcpumax < <(cpu "$log" "$tf0" "$tf1" 6 0)
  read -r mbusy _ < <(cpu "$log" "$tf0" "$tf1" 7 8)
  ringmax=$(awk -v a="$tf0" -v b="$tf1" 'NR > 1 && $1 >= a && $1 < b {x = $4 - p; if (x > m) m = x} {p = $4}
    END {print m + 0}' "$log")
  echoes=$(cat /tmp/udpflood-echo[123] 2>/dev/null | awk '{r += $1} END {print r + 0}')
  alive=yes; kill -0 "$dpid" 2>/dev/null || alive=no
  oom=no; grep -qi 'OutOfMemoryError' /tmp/jlab/director.err /tmp/jlab/director.out 2>/dev/null && oom=YES
  cat /tmp/jlab/director.out /tmp/jlab/director.err > "/tmp/udpflood-$sc.daemon" 2>/dev/null
  R[$sc]="$(printf '%-16s %7s %8s %8s %5s %5s %7s %6s %6s %5s %7s %6s %6s %9s %5s %5s %5s' "$sc" "${gen:--}" \
    "$peak" "$cap" "${full:--}" "$sn" "$sok" "$sp50" "$sp99" "$fn" "$fok" "$fp50" "$fp99" "$ffull" \
    "$((rss0 / 1024))" "$((rsspeak / 1024))" "$back")|$dd|$alive|$oom|$((${hwm:-0} / 1024))|$echoes|$dcpu/$dcpumax|$wcpu/$wcpumax|$mbusy|$ringmax"
  echo "$sc: flood ${gen:-0} frames/s, peak entries $peak / $cap (99 % full at ${full:--} s), steady $sn requests" \
    "${sok}% ok p50 $sp50 ms p99 $sp99 ms, fresh $fn ${fok}% ok p50 $fp50 ms p99 $fp99 ms (while full: $ffull ok; after the flood: $fpost ok)," \
    "RSS $((rss0 / 1024)) -> peak $((rsspeak / 1024)) MiB (VmHWM $((${hwm:-0} / 1024)) MiB), back ${back} s after the" \
    "flood, drops: ${dd:-none}, echo servers received $echoes, daemon alive: $alive, OOM: $oom; during the" \
    "flood: daemon CPU mean/max $dcpu/$dcpumax %, worker thread $wcpu/$wcpumax %, machine busy $mbusy % of" \
    "$(nproc) cores, ring drops at most $ringmax in a second" \
    "(load $(cut -d' ' -f1 /proc/loadavg))"
done
printf '\n%-16s %7s %8s %8s %5s %5s %7s %6s %6s %5s %7s %6s %6s %9s %5s %5s %5s\n' scenario flood/s peak-ent \
  capacity full@ st-n st-ok% st-p50 st-p99 fr-n fr-ok% fr-p50 fr-p99 fr-ok@full rss0M rssM back-s
for sc in "${scenarios[@]}"; do [[ -n "${R[$sc]:-}" ]] && echo "${R[$sc]%%|*}"; done
echo; for sc in "${scenarios[@]}"; do [[ -n "${R[$sc]:-}" ]] && { IFS='|' read -r _ d a o h e dc wc mb rm <<< "${R[$sc]}"
  echo "$sc drops: ${d:-none}; daemon alive: $a; OOM: $o; VmHWM ${h} MiB; echo servers received $e;" \
    "CPU % mean/max daemon $dc, worker $wc; machine busy $mb %; ring drops <= $rm/s"; }; done
echo "flood: 198.18.0.0/15 random sources, UDP $payload-byte payload, rate $rate/s, at most $frames frames / $fsecs s;" \
  "legit: steady $srate/s, fresh $frate/s, timeout $tmo s; cores: $(nproc)"
echo "uptime after: $(uptime)"

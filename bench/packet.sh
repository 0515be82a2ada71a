#!/usr/bin/env bash
# Packet data plane side by side on the namespace lab (lab/up.sh): plain kernel routing, nftables DNAT,
# jlvs NAT and jlvs DR. Prints new TCP connections/s (wrk with `Connection: close`), keep-alive req/s
# (1 KiB body), keep-alive req/s over ONE connection (round-trip latency bound), iperf3 Gbit/s, the highest
# rate of 64-byte UDP datagrams (iperf3 -u -l 64) received with < 1 % loss, and each one's ratio to kernel
# routing and to nftables DNAT. Root; not part of CI.
# JLVS_LAB_PEER_NAPI=1 runs every mode with GRO on the switch ports facing the director (lab/up.sh).
# Usage: bench/packet.sh [seconds-per-run (default 10)] [wrk connections (default 32)] [modes] [rounds (default 1)]
#   rounds > 1 measures the whole list of modes that many times, round by round (so that every mode sees the
#   machine's slow and fast minutes alike), and reports each figure's median over the rounds.
#   Before measuring, each mode gets 2 s of keep-alive and JLVS_BENCH_WARMUP (default 6) s of
#   `Connection: close` requests, so that the JIT has compiled the connection set-up path too.
#   modes (default "route dnat nat dr"): route, dnat, nat, dr; a jlvs mode may carry variants after '+':
#   v3 (TPACKET_V3 receive ring), v2, txring (TX_RING transmit), sendto, qdisc (transmit through the qdisc,
#   no PACKET_QDISC_BYPASS), bypass, niceN (workers at nice -N), w2 (2 workers), xdp (AF_XDP sockets behind an
#   XDP steering program instead of AF_PACKET rings), offN (the XDP fast path takes a connection after N
#   of its packets: with xdp in the steering program, else in a program of its own beside the AF_PACKET
#   rings), generic / native (XDP programs in that mode; default: native, generic with the fast path on
#   veth), spinN (workers busy-poll their rings for N us after the last frame before they sleep),
#   e.g. "nat nat+v3 nat+off16 nat+xdp nat+xdp+off0 nat+spin50".
set -uo pipefail
top="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
secs="${1:-10}"; conns="${2:-32}"; read -r -a modes <<< "${3:-route dnat nat dr}"; rounds="${4:-1}"
warmup="${JLVS_BENCH_WARMUP:-6}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
need=()
for c in nginx wrk iperf3 nft ethtool python3; do command -v "$c" >/dev/null || need+=("$c"); done
need=("${need[@]/nginx/nginx-light}")
((${#need[@]})) && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]/python3/python3-minimal}" >/dev/null
(cd "$top" && mvn -B -q -o install -pl jlvs-packet -am -DskipTests \
  && mvn -B -q -o dependency:build-classpath -pl jlvs-packet -Dmdep.outputFile=target/lab-classpath.txt) || exit 1
trap '"$top/lab/down.sh"' EXIT
trap 'exit 130' INT TERM
# per mode and round ("MODE#R"), then per mode the median over the rounds
declare -A close keep one iperf udp udpnote
# One iperf3 UDP run of 64-byte datagrams at $2 pps (0: as fast as the sender can) to $1 for $secs s;
# prints "sent-pps received-pps loss-%" (received = datagrams that arrived, from the receiver's report).
udp_run() {
  local rate=$(( $2 * 64 * 8 ))
  # bounded: an iperf3 client whose UDP handshake is never answered waits forever
  timeout $((secs + 10)) ip netns exec jlab-cl iperf3 -c "$1" -p 5201 -u -l 64 -b "$rate" -w 2M -t "$secs" -J \
    2>/dev/null | python3 -c '
import json, sys
try:
    e = json.load(sys.stdin)["end"]
    s, r = e["sum_sent"], e["sum_received"]
    got = r["packets"] - r["lost_packets"]
    print("%d %d %.3f" % (s["packets"] / s["seconds"], got / r["seconds"], 100.0 * r["lost_packets"] / max(r["packets"], 1)))
except Exception:
    print("0 0 100")'
}
# The highest received packets/s with < 1 % loss: first unlimited (the sender's own ceiling S; if that loses
# < 1 %, the figure is the sender's limit and is marked "s"), then 5 halvings of [0, S]. Prints "PPS NOTE".
udp_search() {
  local sent got loss lo=0 hi mid best=0 note="" i
  read -r sent got loss < <(udp_run "$1" 0)
  if awk -v l="$loss" 'BEGIN { exit !(l < 1) }'; then echo "$got s"; return; fi
  hi=$sent
  for i in 1 2 3 4 5; do
    mid=$(( (lo + hi) / 2 ))
    read -r sent got loss < <(udp_run "$1" "$mid")
    if awk -v l="$loss" 'BEGIN { exit !(l < 1) }'; then
      lo=$mid; (( got > best )) && best=$got
      # the sender could not keep up with the rate asked for
      (( sent * 10 < mid * 9 )) && note=s
    else
      hi=$mid
    fi
  done
  echo "$best $note"
}
for ((round = 1; round <= rounds; round++)); do
for mode in "${modes[@]}"; do
  base="${mode%%+*}"; opts=""; k="$mode#$round"
  IFS=+ read -r -a variants <<< "${mode#"$base"}"
  for v in "${variants[@]}"; do
    case "$v" in
      "") ;;
      v2) opts+=" -Djlvs.lab.ring=TPACKET_V2" ;;
      v3) opts+=" -Djlvs.lab.ring=TPACKET_V3" ;;
      txring) opts+=" -Djlvs.lab.tx=TX_RING" ;;
      sendto) opts+=" -Djlvs.lab.tx=SENDTO" ;;
      qdisc) opts+=" -Djlvs.lab.qdiscBypass=false" ;;
      bypass) opts+=" -Djlvs.lab.qdiscBypass=true" ;;
      nice*) opts+=" -Djlvs.lab.nice=-${v#nice}" ;;
      w[0-9]*) opts+=" -Djlvs.lab.workers=${v#w}" ;;
      xdp) opts+=" -Djlvs.lab.xdp=true" ;;
      spin[0-9]*) opts+=" -Djlvs.lab.busyPoll=${v#spin}" ;;
      off[0-9]*) opts+=" -Djlvs.lab.offload=${v#off}" ;;
      generic) opts+=" -Djlvs.lab.xdpMode=GENERIC" ;;
      native) opts+=" -Djlvs.lab.xdpMode=NATIVE" ;;
      *) echo "unknown variant $v"; exit 2 ;;
    esac
  done
  "$top/lab/down.sh"
  JLVS_LAB_OPTS="$opts" "$top/lab/up.sh" "$base" >/dev/null || { echo "lab up $mode failed"; continue; }
  target=10.77.0.100; [[ "$base" == route ]] && target=10.77.1.11
  c() { ip netns exec jlab-cl "$@"; }
  c wrk -t1 -c"$conns" -d2s "http://$target/1k" >/dev/null 2>&1    # warm-up (JIT, ARP)
  c wrk -t1 -c"$conns" -d"${warmup}s" -H 'Connection: close' "http://$target/1k" >/dev/null 2>&1
  close[$k]=$(c wrk -t2 -c"$conns" -d"${secs}s" -H 'Connection: close' "http://$target/1k" 2>/dev/null \
    | awk '/Requests\/sec/ {print $2}')
  keep[$k]=$(c wrk -t2 -c"$conns" -d"${secs}s" "http://$target/1k" 2>/dev/null | awk '/Requests\/sec/ {print $2}')
  one[$k]=$(c wrk -t1 -c1 -d"${secs}s" "http://$target/1k" 2>/dev/null | awk '/Requests\/sec/ {print $2}')
  iperf[$k]=$(c iperf3 -c "$target" -p 5201 -t "$secs" -J 2>/dev/null \
    | awk -F: '/"bits_per_second"/ {v=$2} END {gsub(/[ ,]/,"",v); printf "%.2f", v/1e9}')
  read -r udp[$k] udpnote[$k] < <(udp_search "$target")
  echo "$mode$( ((rounds > 1)) && echo " (round $round)"): close ${close[$k]} req/s, keep-alive ${keep[$k]} req/s," \
    "one connection ${one[$k]} req/s, iperf3 ${iperf[$k]} Gbit/s," \
    "UDP 64 B ${udp[$k]} pkt/s with < 1% loss${udpnote[$k]:+ (sender-limited)}  (load $(cut -d' ' -f1 /proc/loadavg))"
done
done
# the median of the arguments (empty ones count as 0)
median() { printf '%s\n' "${@/#/0}" | sort -g | awk '{a[NR] = $1} END {m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; print m + 0}'; }
for mode in "${modes[@]}"; do
  for fig in close keep one iperf udp; do
    declare -n f="$fig"; vals=(); for ((r = 1; r <= rounds; r++)); do vals+=("${f[$mode#$r]:-}"); done
    f[$mode]=$(median "${vals[@]}"); unset -n f
  done
  # sender-limited when it was so in at least half the rounds
  n=0; for ((r = 1; r <= rounds; r++)); do [[ -n "${udpnote[$mode#$r]:-}" ]] && n=$((n + 1)); done
  ((2 * n >= rounds)) && udpnote[$mode]=s
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
if ((rounds > 1)) && [[ -n "${close[dnat#1]+x}" ]]; then
  printf '\nper round, ratios to dnat (close/keep/1conn/iperf/udp)\n'
  for mode in "${modes[@]}"; do
    line=$(printf '%-14s' "$mode")
    for ((r = 1; r <= rounds; r++)); do
      line+="  $(for fig in close keep one iperf udp; do declare -n f="$fig"
        printf '%s/' "$(ratio "${f[$mode#$r]:-0}" "${f[dnat#$r]:-0}")"; unset -n f; done)"
      line="${line%/}"
    done
    echo "$line"
  done
  echo "below: each figure's median over the $rounds rounds, each ratio the median of the rounds' ratios"
fi
# a figure's ratio to the reference mode: the median over the rounds of the same-round ratios
rratio() { # figure mode ref
  local -n f="$1"; local r vals=()
  for ((r = 1; r <= rounds; r++)); do vals+=("$(ratio "${f[$2#$r]:-0}" "${f[$3#$r]:-0}")"); done
  [[ " ${vals[*]} " == *" - "* ]] && { echo -; return; }
  printf '%.2f' "$(median "${vals[@]}")"
}
for ref in route dnat; do
  [[ -n "${close[$ref#1]+x}" ]] || continue
  printf '\nratios to %s\n%-14s %12s %12s %12s %8s %10s %7s %7s %7s %7s %7s\n' "$ref" mode close-req/s keep-req/s \
    1conn-req/s Gbit/s udp-pkt/s close keep 1conn iperf udp
  for mode in "${modes[@]}"; do
    printf '%-14s %12s %12s %12s %8s %10s %7s %7s %7s %7s %7s\n' "$mode" "${close[$mode]:-}" "${keep[$mode]:-}" \
      "${one[$mode]:-}" "${iperf[$mode]:-}" "${udp[$mode]:-}${udpnote[$mode]:+*}" \
      "$(rratio close "$mode" "$ref")" "$(rratio keep "$mode" "$ref")" "$(rratio one "$mode" "$ref")" \
      "$(rratio iperf "$mode" "$ref")" "$(rratio udp "$mode" "$ref")"
  done
done
echo "udp: 64-byte iperf3 datagrams received per second with < 1% loss; * = the iperf3 sender was the limit"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)  cores: $(nproc)"

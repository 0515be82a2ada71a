#!/usr/bin/env bash
# VRRP advert jitter under JVM allocation pressure. A jlvs VrrpRouter (priority 200, VRRPv3, advert_int 1 s) is
# MASTER in one namespace, keepalived 2.2.7 (priority 100) is BACKUP in another, on one bridge. The jlvs JVM also
# runs STORM threads allocating flat out while keeping RETAIN_MB MiB alive. tcpdump in keepalived's namespace
# timestamps every advert jlvs sends; the script prints the inter-advert gap's p50/p99/max, its jitter
# (|gap - 1 s|), the JVM's GC pauses, and whether keepalived ever became MASTER (a spurious failover needs a gap
# above 3 + (256-100)/256 = 3.61 s). Root; needs keepalived and tcpdump; not part of CI.
# Usage: bench/vrrp-jitter.sh [seconds (60)] [storm threads (2)] [retain MiB (512)]
#        bench/vrrp-jitter.sh --report /tmp/vrrp-jitter.XXXXXX   (the figures again, from a run's logs)
#   JITTER_JAVA_OPTS: JVM options for the jlvs side (default: the launcher's -XX:+UseG1GC -XX:MaxGCPauseMillis=50 -Xss512k)
set -uo pipefail
top="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
secs="${1:-60}"; storm="${2:-2}"; retain="${3:-512}"
opts="${JITTER_JAVA_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=50 -Xss512k}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
report() {
  # gaps between jlvs's adverts that end while keepalived ran (the one spanning its start counts; jlvs's
  # priority-0 advert at stop is left out)
  awk -v from="$(cat "$work/ka.start")" -v to="$(cat "$work/ka.stop")" '/ IP / && !/prio 0,/ && $1 <= to {
    if (seen && $1 >= from) printf "%.6f\n", $1 - prev; prev = $1; seen = 1 }' "$work/adverts.txt" \
    | sort -n >"$work/gaps.txt"
  n=$(wc -l <"$work/gaps.txt")
  pct() { awk -v p="$1" -v n="$n" 'NR == int((n - 1) * p) + 1 { printf "%.4f", $1 }' "$work/gaps.txt"; }
  jit=$(awk '{ d = $1 - 1; if (d < 0) d = -d; printf "%.6f\n", d }' "$work/gaps.txt" | sort -n)
  jpct() { echo "$jit" | awk -v p="$1" -v n="$n" 'NR == int((n - 1) * p) + 1 { printf "%.1f", $1 * 1000 }'; }
  kamaster=$(grep -c "Entering MASTER STATE" "$work/keepalived.log")
  pauses=$(grep -oE 'Pause[^)]*\) [0-9.]+M->[0-9.]+M\([0-9.]+M\) [0-9.]+ms' "$work/gc.log" | awk '{print $NF}' | tr -d ms | sort -n)
  echo "jvm: $(cat "$work/opts"); storm $(cat "$work/storm"); $(grep ALLOCATED "$work/jlvs.out" | cut -d' ' -f2) MiB allocated"
  echo "adverts: $n gaps; gap p50 $(pct 0.5) s, p99 $(pct 0.99) s, max $(tail -1 "$work/gaps.txt") s"
  echo "jitter |gap-1s|: p50 $(jpct 0.5) ms, p99 $(jpct 0.99) ms, max $(jpct 1.0) ms"
  echo "gc pauses: $(echo "$pauses" | grep -c .), total $(echo "$pauses" | awk '{ s += $1 } END { printf "%.0f", s }') ms, max $(echo "$pauses" | tail -1) ms"
  echo "jlvs transitions: $(grep -c TRANSITION "$work/jlvs.out"); keepalived Entering MASTER STATE: $kamaster"
  echo "logs: $work"
}
if [[ "$secs" == --report ]]; then work="$2"; report; exit; fi   # re-read a finished run's logs
for c in keepalived tcpdump; do command -v "$c" >/dev/null || { echo "needs $c"; exit 1; }; done
(cd "$top" && mvn -B -q -o install -pl jlvs-vrrp -am -DskipTests \
  && mvn -B -q -o test-compile -pl jlvs-vrrp \
  && mvn -B -q -o dependency:build-classpath -pl jlvs-vrrp -Dmdep.outputFile=target/jitter-classpath.txt) || exit 1
cp="$top/jlvs-vrrp/target/test-classes:$top/jlvs-vrrp/target/classes:$(cat "$top/jlvs-vrrp/target/jitter-classpath.txt")"
work="$(mktemp -d /tmp/vrrp-jitter.XXXXXX)"
echo "$opts" >"$work/opts"; echo "$storm threads retaining $retain MiB" >"$work/storm"
pfx="vj$$"; br="$pfx-br"; j="$pfx-j"; k="$pfx-k"
cleanup() {
  [[ -n "${tcpd:-}" ]] && kill "$tcpd" 2>/dev/null
  [[ -f "$work/ka.pid" ]] && kill "$(cat "$work/ka.pid")" 2>/dev/null
  sleep 0.5
  for n in "$j" "$k" "$br"; do ip netns del "$n" 2>/dev/null; done
}
trap cleanup EXIT INT TERM
ip netns add "$br"; ip -n "$br" link add br0 type bridge; ip -n "$br" link set br0 up
i=2
for n in "$j" "$k"; do
  ip netns add "$n"
  ip -n "$br" link add "p$i" type veth peer name eth0 netns "$n"
  ip -n "$br" link set "p$i" master br0; ip -n "$br" link set "p$i" up
  ip -n "$n" addr add "10.204.0.$i/24" dev eth0; ip -n "$n" link set eth0 up; ip -n "$n" link set lo up
  i=$((i + 1))
done
cat > "$work/jlvs.properties" <<P
interface=eth0
vrid=77
priority=200
version=3
vips=10.204.0.100/24
P
cat > "$work/keepalived.conf" <<K
global_defs {
  router_id jitter_backup
}
vrrp_instance VI_1 {
  interface eth0
  state BACKUP
  version 3
  virtual_router_id 77
  priority 100
  advert_int 1
  virtual_ipaddress {
    10.204.0.100/24
  }
}
K
ip netns exec "$k" tcpdump -i eth0 -n -tt -l 'ip proto 112 and src 10.204.0.2' >"$work/adverts.txt" 2>/dev/null &
tcpd=$!
# shellcheck disable=SC2086
ip netns exec "$j" "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED $opts -Xlog:gc:file="$work/gc.log" \
  -cp "$cp" io.jlvs.vrrp.lab.VrrpJitterMain "$work/jlvs.properties" "$storm" "$retain" "$secs" >"$work/jlvs.out" 2>&1 &
jpid=$!
sleep 5   # jlvs is MASTER after 3.2 s (master-down interval at priority 200)
date +%s.%N >"$work/ka.start"
ip netns exec "$k" keepalived -n -l -D -P -f "$work/keepalived.conf" -p "$work/ka.pid" -r "$work/vrrp.pid" \
  >"$work/keepalived.log" 2>&1 &
# keepalived leaves before jlvs's graceful stop (whose priority 0 would rightly make it MASTER)
sleep $((secs - 7))
date +%s.%N >"$work/ka.stop"
kill "$(cat "$work/ka.pid" 2>/dev/null)" 2>/dev/null
wait "$jpid"
sleep 1
kill "$tcpd" 2>/dev/null; tcpd=""
sleep 1
report
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)  cores: $(nproc)"

#!/usr/bin/env bash
# Profiles the jlvs FULLNAT proxy under wrk with JFR: nginx real servers on 127.0.0.1, ProxyBenchMain,
# a warm-up, then a recorded run. Prints JFR's hot methods and, with STACKS=1, the top stacks.
# Usage: bench/proxy-profile.sh [ka|close] [seconds (default 15)] [wrk connections (default 64)]
# Environment: JLVS_OPTS (JVM flags; default the launcher's), KEEP=1 keeps the .jfr in /tmp,
#   STRACE=1 counts system calls (strace -c), PERF=1 adds a perf record of the jlvs process (kernel and native self time).
set -euo pipefail
top="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
mode="${1:-close}" secs="${2:-15}" conns="${3:-64}"
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
opts=(${JLVS_OPTS:---enable-native-access=ALL-UNNAMED -XX:+UseG1GC -XX:MaxGCPauseMillis=50 -Xss512k})
work="$(mktemp -d /tmp/jlvs-profile-proxy.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [[ -f "$work/nginx-rs.pid" ]] && kill "$(cat "$work/nginx-rs.pid")" 2>/dev/null || true
  [[ "${KEEP:-0}" == 1 ]] && cp "$work/rec.jfr" "/tmp/jlvs-proxy-$mode.jfr" 2>/dev/null && echo "kept /tmp/jlvs-proxy-$mode.jfr"
  [[ "${KEEP:-0}" == 1 ]] && cp "$work/perf.data" "/tmp/jlvs-proxy-$mode.perf" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
RS=(18181 18182 18183) VIP=28180
mkdir -p "$work/rs"
cat > "$work/nginx-rs.conf" <<CONF
worker_processes 1;
pid $work/nginx-rs.pid;
error_log $work/rs/error.log;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path $work/rs; proxy_temp_path $work/rs; fastcgi_temp_path $work/rs;
  uwsgi_temp_path $work/rs; scgi_temp_path $work/rs;
  keepalive_requests 1000000;
  $(for p in "${RS[@]}"; do echo "server { listen 127.0.0.1:$p; location / { return 200 'hello from $p\n'; } }"; done)
}
CONF
nginx -c "$work/nginx-rs.conf" -p "$work/rs" -e "$work/rs/error.log"
(cd "$top" && JAVA_HOME="$JAVA_HOME" mvn -B -q -o test-compile dependency:build-classpath -pl jlvs-proxy -am \
    -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test >/dev/null)
cp="$top/jlvs-proxy/target/test-classes:$top/jlvs-proxy/target/classes:$(cat "$work/cp.txt")"
"$JAVA_HOME/bin/java" "${opts[@]}" -cp "$cp" io.jlvs.proxy.bench.ProxyBenchMain "$VIP" "${RS[@]}" \
  >"$work/jlvs.log" 2>&1 & jpid=$!; pids+=($jpid)
for i in $(seq 1 150); do grep -q '^ready' "$work/jlvs.log" && break; sleep 0.2; done
grep -q '^ready' "$work/jlvs.log" || { cat "$work/jlvs.log"; exit 1; }
head -1 "$work/jlvs.log"
hdr=(); [[ $mode == close ]] && hdr=(-H "Connection: close")
timeout 40 wrk -t2 -c"$conns" -d5s "${hdr[@]}" "http://127.0.0.1:$VIP/" >/dev/null
"$JAVA_HOME/bin/jcmd" "$jpid" JFR.start name=p settings=profile filename="$work/rec.jfr" >/dev/null
cpu() { awk '{print $14 + $15}' "/proc/$jpid/stat"; }   # user+system clock ticks
c0=$(cpu)
[[ "${STRACE:-0}" == 1 ]] && { timeout -s INT $((secs / 2)) strace -c -f -o "$work/strace.txt" -p "$jpid" >/dev/null 2>&1 & pids+=($!); }
[[ "${PERF:-0}" == 1 ]] && { perf record -q -e cpu-clock -F 999 -g -p "$jpid" -o "$work/perf.data" -- sleep "$secs" >/dev/null 2>&1 & pids+=($!); }
out=$(timeout $((secs + 30)) wrk -t2 -c"$conns" -d"${secs}s" --latency "${hdr[@]}" "http://127.0.0.1:$VIP/")
c1=$(cpu)
grep -E 'Requests/sec|50%|99%|Socket errors' <<<"$out"
reqs=$(awk '/requests in/ {print $1}' <<<"$out")
awk -v c=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" -v r="$reqs" -v s="$secs" \
  'BEGIN { printf "jlvs CPU: %.2f s in %d s (%.0f%% of one core), %.1f us per request\n", c/hz, s, 100*c/hz/s, 1e6*c/hz/r }'
"$JAVA_HOME/bin/jcmd" "$jpid" JFR.stop name=p >/dev/null
"$JAVA_HOME/bin/jfr" view --width 200 hot-methods "$work/rec.jfr" | head -40
"$JAVA_HOME/bin/jfr" view --width 200 gc-pauses "$work/rec.jfr" 2>/dev/null | head -12 || true
"$JAVA_HOME/bin/jfr" view --width 200 allocation-by-class "$work/rec.jfr" 2>/dev/null | head -20 || true
if [[ "${STACKS:-0}" == 1 ]]; then
  "$JAVA_HOME/bin/jfr" print --events jdk.ExecutionSample --stack-depth 12 "$work/rec.jfr" |
    awk '/stackTrace = \[/ {s=""; inst=1; next} inst && /^\s*\]/ {c[s]++; inst=0; next} inst {sub(/line:.*/, ""); gsub(/^ +/, ""); s = s " <- " $0}
         END {for (k in c) print c[k], k}' | sort -rn | head -25
fi
if [[ "${STRACE:-0}" == 1 ]]; then
  sleep 1; echo "strace -c (first $((secs / 2)) s; strace slows the process, count calls, not times)"; head -30 "$work/strace.txt"
fi
if [[ "${PERF:-0}" == 1 ]]; then
  wait "${pids[-1]}" 2>/dev/null || true
  echo "perf: self time by object (JIT = compiled Java, libjvm = JIT compiler, GC, JFR)"
  perf report -i "$work/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null | grep '%' | head -8
  echo "perf: kernel and native symbols by self time (Java frames are unresolved)"
  perf report -i "$work/perf.data" --no-children --sort dso,sym --stdio 2>/dev/null | grep -v '^#' | grep '%' | head -40
fi
echo "load: $(uptime)"

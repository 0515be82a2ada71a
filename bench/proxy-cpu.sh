#!/usr/bin/env bash
# CPU per proxied `Connection: close` request, same run: HAProxy 2.6 `mode tcp` (nbthread 2), jlvs's relay
# (the default transport) and jlvs on Netty epoll, each in front of the same three nginx servers on
# 127.0.0.1. For each target: a warm-up, then wrk -t2 -c64 with `Connection: close`; the proxy process's
# user+system CPU time (/proc/PID/stat) divided by the requests served. Loopback only; not part of CI.
# Usage: bench/proxy-cpu.sh [seconds (default 8)] [rounds (default 2)]
set -euo pipefail
top="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
secs="${1:-8}" rounds="${2:-2}"
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
work="$(mktemp -d /tmp/jlvs-proxy-cpu.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [[ -f "$work/nginx.pid" ]] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
RS=(18291 18292 18293)
cat > "$work/nginx.conf" <<CONF
worker_processes 1; pid $work/nginx.pid; error_log $work/error.log;
events { worker_connections 8192; }
http { access_log off; keepalive_requests 1000000; client_body_temp_path $work; proxy_temp_path $work;
  fastcgi_temp_path $work; uwsgi_temp_path $work; scgi_temp_path $work;
  $(for p in "${RS[@]}"; do echo "server { listen 127.0.0.1:$p; location / { return 200 'hello\n'; } }"; done) }
CONF
nginx -c "$work/nginx.conf" -p "$work" -e "$work/error.log"
cat > "$work/haproxy.cfg" <<CONF
global
  nbthread 2
defaults
  mode tcp
  timeout connect 5s
  timeout client 30s
  timeout server 30s
listen l
  bind 127.0.0.1:38290
  balance roundrobin
$(i=0; for p in "${RS[@]}"; do i=$((i+1)); echo "  server s$i 127.0.0.1:$p"; done)
CONF
haproxy -f "$work/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 & pids+=($!); hp=$!
(cd "$top" && JAVA_HOME="$JAVA_HOME" mvn -B -q -o test-compile dependency:build-classpath -pl jlvs-proxy -am \
    -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test >/dev/null)
cp="$top/jlvs-proxy/target/test-classes:$top/jlvs-proxy/target/classes:$(cat "$work/cp.txt")"
jvm=(--enable-native-access=ALL-UNNAMED -XX:+UseG1GC -XX:MaxGCPauseMillis=50 -Xss512k)
"$JAVA_HOME/bin/java" "${jvm[@]}" -cp "$cp" io.jlvs.proxy.bench.ProxyBenchMain 28290 "${RS[@]}" >"$work/relay.log" 2>&1 &
pids+=($!); rp=$!
"$JAVA_HOME/bin/java" "${jvm[@]}" -Djlvs.bench.transport=epoll -cp "$cp" io.jlvs.proxy.bench.ProxyBenchMain 28390 \
    "${RS[@]}" >"$work/netty.log" 2>&1 & pids+=($!); np=$!
for f in relay netty; do
  for i in $(seq 1 150); do grep -q '^ready' "$work/$f.log" && break; sleep 0.2; done
  grep -q '^ready' "$work/$f.log" || { cat "$work/$f.log"; exit 1; }
done
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
for round in $(seq 1 "$rounds"); do
  for t in "haproxy $hp 38290" "jlvs-relay $rp 28290" "jlvs-netty $np 28390"; do
    set -- $t
    timeout 30 wrk -t2 -c64 -d3s -H 'Connection: close' "http://127.0.0.1:$3/" >/dev/null 2>&1
    c0=$(cpu "$2")
    out=$(timeout $((secs + 30)) wrk -t2 -c64 -d"${secs}s" -H 'Connection: close' "http://127.0.0.1:$3/" 2>&1)
    c1=$(cpu "$2")
    awk -v n="$1" -v c=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" -v round="$round" \
      -v r="$(awk '/requests in/ {print $1}' <<<"$out")" -v rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
      'BEGIN { printf "round %d  %-11s %9.0f req/s  %7.1f us CPU per request\n", round, n, rps, 1e6 * c / hz / r }'
  done
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"

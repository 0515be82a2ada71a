#!/usr/bin/env bash
# FULLNAT side by side: jlvs (Netty proxy) vs HAProxy `mode tcp` vs nginx `stream`, same machine, same run.
# Three nginx real servers (and one iperf3 server) on 127.0.0.1; loopback addresses only. For each target:
# a warm-up of the same loads (not counted), then wrk keep-alive req/s with p50/p99, wrk `Connection: close`
# req/s and iperf3 Gbit/s. Prints one table per round, the median over the rounds, and jlvs/other ratios.
# Not part of CI. Every load is bounded in time; everything started here is stopped by pid on exit.
#
# Usage: bench/proxy.sh [seconds-per-run (default 10)] [wrk connections (default 64)]
# Environment:
#   ROUNDS=N          measurement rounds (default 1); the summary takes each figure's median
#   WARM=S            warm-up seconds per load and target (default 5; 0: none)
#   TARGETS="..."     subset of: direct jlvs jlvs-base jlvs-netty jlvs-uring jlvs-tuned haproxy nginx
#                     (default: all but jlvs-netty and jlvs-uring; direct: wrk straight to nginx, no proxy;
#                     jlvs: the default transport, jlvs's own epoll relay; jlvs-netty: Netty epoll;
#                     jlvs-uring: Netty io_uring; jlvs-base: the default transport built from another
#                     checkout, JLVS_BASE=/path (its jlvs-proxy classes, compiled there: a before/after
#                     comparison in one run))
#   JLVS_TUNED_OPTS   JVM flags of the "jlvs-tuned" target on top of the launcher's minus its collector
#                     (default below; they can be given to ./jlvs as JLVS_JAVA_OPTS, a collector flag included:
#                     it replaces the launcher's G1). "jlvs" runs with the launcher's flags only.
set -euo pipefail
top="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
secs="${1:-10}"
conns="${2:-64}"
rounds="${ROUNDS:-1}"
warm="${WARM:-5}"
targets=(${TARGETS:-direct jlvs jlvs-tuned haproxy nginx})
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
# The launcher's (./jlvs) JVM flags; the tuned run keeps them but the collector, which TUNED_OPTS chooses.
LAUNCHER_OPTS=(--enable-native-access=ALL-UNNAMED -XX:+UseG1GC -XX:MaxGCPauseMillis=50 -Xss512k)
TUNED_BASE=(--enable-native-access=ALL-UNNAMED -Xss512k)
TUNED_OPTS=(${JLVS_TUNED_OPTS:--Dio.netty.noUnsafe=false --sun-misc-unsafe-memory-access=allow -XX:+UseParallelGC})

need=()
command -v nginx >/dev/null || need+=(nginx)
command -v haproxy >/dev/null || need+=(haproxy)
command -v wrk >/dev/null || need+=(wrk)
command -v iperf3 >/dev/null || need+=(iperf3)
ls /usr/lib/nginx/modules/ngx_stream_module.so >/dev/null 2>&1 || need+=(libnginx-mod-stream)
if ((${#need[@]})); then
  echo "installing: ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null
fi

work="$(mktemp -d /tmp/jlvs-bench-proxy.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [[ -f "$work/nginx-rs.pid" ]] && kill "$(cat "$work/nginx-rs.pid")" 2>/dev/null || true
  [[ -f "$work/nginx-lb.pid" ]] && kill "$(cat "$work/nginx-lb.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# every port below 32768: above it the kernel hands out ephemeral ports, and a client socket on one makes bind fail
RS=(18081 18082 18083) IPERF=15201
declare -A HTTP=([direct]=18081 [jlvs]=28080 [jlvs-base]=28180 [jlvs-uring]=27080 [jlvs-netty]=27180 [jlvs-tuned]=29080 [haproxy]=30080 [nginx]=31080)
declare -A IPRF=([direct]=$IPERF [jlvs]=25201 [jlvs-base]=25301 [jlvs-uring]=24201 [jlvs-netty]=24301 [jlvs-tuned]=26201 [haproxy]=30201 [nginx]=31201)
has() { local t; for t in "${targets[@]}"; do [[ $t == "$1" ]] && return 0; done; return 1; }

echo "load before: $(uptime)"

# ---- real servers: nginx (3 http ports, tiny body) and iperf3 ----
mkdir -p "$work/rs" "$work/lb"
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
iperf3 -s -B 127.0.0.1 -p "$IPERF" >/dev/null 2>&1 & pids+=($!)

# ---- jlvs FULLNAT (built from this checkout): io.jlvs.proxy.bench.ProxyBenchMain, one wlc service ----
start_jlvs() { # name, JVM flags...
  local name=$1 cp=$cp_jlvs; shift
  if [ "$name" = jlvs-base ]; then
    cp="${JLVS_BASE:?jlvs-base needs JLVS_BASE=/path/to/a/checkout}/jlvs-proxy/target/test-classes:$JLVS_BASE/jlvs-proxy/target/classes:$(cat "$work/cp.txt")"
  fi
  "$JAVA_HOME/bin/java" "$@" -Xlog:gc:file="$work/$name-gc.log" -cp "$cp" \
    io.jlvs.proxy.bench.ProxyBenchMain "${HTTP[$name]}" "${RS[@]}" -- "${IPRF[$name]}" "$IPERF" \
    >"$work/$name.log" 2>&1 & pids+=($!)
}
if has jlvs || has jlvs-base || has jlvs-netty || has jlvs-uring || has jlvs-tuned; then
  # one reactor run, nothing installed: the classpath points at this checkout's module classes
  (cd "$top" && JAVA_HOME="$JAVA_HOME" mvn -B -q -o test-compile dependency:build-classpath -pl jlvs-proxy -am \
      -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test >/dev/null)
  cp_jlvs="$top/jlvs-proxy/target/test-classes:$top/jlvs-proxy/target/classes:$(cat "$work/cp.txt")"
  has jlvs && start_jlvs jlvs "${LAUNCHER_OPTS[@]}"
  has jlvs-base && start_jlvs jlvs-base "${LAUNCHER_OPTS[@]}"
  has jlvs-uring && start_jlvs jlvs-uring "${LAUNCHER_OPTS[@]}" -Djlvs.bench.transport=io_uring
  has jlvs-netty && start_jlvs jlvs-netty "${LAUNCHER_OPTS[@]}" -Djlvs.bench.transport=epoll
  has jlvs-tuned && start_jlvs jlvs-tuned "${TUNED_BASE[@]}" "${TUNED_OPTS[@]}"
fi

# ---- HAProxy mode tcp ----
if has haproxy; then
cat > "$work/haproxy.cfg" <<CONF
global
  maxconn 8000
  nbthread 2
defaults
  mode tcp
  timeout connect 5s
  timeout client 60s
  timeout server 60s
frontend http
  bind 127.0.0.1:${HTTP[haproxy]}
  default_backend rs
backend rs
  balance leastconn
$(i=0; for p in "${RS[@]}"; do i=$((i+1)); echo "  server rs$i 127.0.0.1:$p"; done)
frontend iperf
  bind 127.0.0.1:${IPRF[haproxy]}
  default_backend iperf
backend iperf
  server i1 127.0.0.1:$IPERF
CONF
haproxy -f "$work/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 & pids+=($!)
fi

# ---- nginx stream ----
if has nginx; then
cat > "$work/nginx-lb.conf" <<CONF
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
worker_processes 2;
pid $work/nginx-lb.pid;
error_log $work/lb/error.log;
events { worker_connections 8000; }
stream {
  upstream rs { least_conn; $(for p in "${RS[@]}"; do echo "server 127.0.0.1:$p;"; done) }
  upstream iperf { server 127.0.0.1:$IPERF; }
  server { listen 127.0.0.1:${HTTP[nginx]}; proxy_pass rs; }
  server { listen 127.0.0.1:${IPRF[nginx]}; proxy_pass iperf; }
}
CONF
nginx -c "$work/nginx-lb.conf" -p "$work/lb" -e "$work/lb/error.log"
fi

for name in jlvs jlvs-base jlvs-netty jlvs-uring jlvs-tuned; do
  has "$name" || continue
  for i in $(seq 1 150); do grep -q '^ready' "$work/$name.log" && break; sleep 0.2; done
  grep -q '^ready' "$work/$name.log" || { echo "$name did not start:"; cat "$work/$name.log"; exit 1; }
done
has jlvs && echo "jlvs:       $(grep '^ready' "$work/jlvs.log" | cut -d' ' -f2-); JVM flags: ${LAUNCHER_OPTS[*]} (the launcher's)"
has jlvs-base && echo "jlvs-base:  $(grep '^ready' "$work/jlvs-base.log" | cut -d' ' -f2-); built from $JLVS_BASE ($(git -C "$JLVS_BASE" log --oneline -1 | cut -c1-60))"
has jlvs-netty && echo "jlvs-netty: $(grep '^ready' "$work/jlvs-netty.log" | cut -d' ' -f2-)"
has jlvs-uring && echo "jlvs-uring: $(grep '^ready' "$work/jlvs-uring.log" | cut -d' ' -f2-); JVM flags: ${LAUNCHER_OPTS[*]}"
has jlvs-tuned && echo "jlvs-tuned: $(grep '^ready' "$work/jlvs-tuned.log" | cut -d' ' -f2-); JVM flags: ${TUNED_BASE[*]} ${TUNED_OPTS[*]}"
echo "${secs}s per run after ${warm}s warm-up per load, $conns connections, 2 wrk threads, $rounds round(s)"

# ---- measurements ----
declare -A rps p50 p99 rpsc gbit   # key: target,round
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; printf "%.3f", v}'; }
bounded() { timeout -k 5 $(( $1 + 30 )) "${@:2}"; }
wrk_ka() { bounded "$1" wrk -t2 -c"$conns" -d"$1s" --latency "http://127.0.0.1:$2/"; }
wrk_close() { bounded "$1" wrk -t2 -c"$conns" -d"$1s" -H "Connection: close" "http://127.0.0.1:$2/"; }
iperf() { bounded "$1" iperf3 -c 127.0.0.1 -p "$2" -t "$1" -f g; }
measure() {
  local name=$1 r=$2 http=${HTTP[$1]} ip=${IPRF[$1]} out
  if ((warm > 0)); then
    wrk_ka "$warm" "$http" >/dev/null; wrk_close "$warm" "$http" >/dev/null; iperf "$warm" "$ip" >/dev/null
  fi
  out=$(wrk_ka "$secs" "$http")
  rps[$name,$r]=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50[$name,$r]=$(awk '$1=="50%" {print $2}' <<<"$out" | to_ms)
  p99[$name,$r]=$(awk '$1=="99%" {print $2}' <<<"$out" | to_ms)
  out=$(wrk_close "$secs" "$http")
  rpsc[$name,$r]=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  gbit[$name,$r]=$(iperf "$secs" "$ip" | awk '/receiver/ {print $7}')
}
row() { printf '%-11s %12s %9s %9s %14s %9s\n' "$@"; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {if (NR==0) print "-"; else if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }
declare -A M_rps M_p50 M_p99 M_rpsc M_gbit
for r in $(seq 1 "$rounds"); do
  for n in "${targets[@]}"; do measure "$n" "$r"; done
  echo; echo "round $r (load: $(uptime | sed 's/.*load average: //'))"
  row target "ka req/s" "p50 ms" "p99 ms" "close req/s" "Gbit/s"
  for n in "${targets[@]}"; do
    row "$n" "${rps[$n,$r]}" "${p50[$n,$r]}" "${p99[$n,$r]}" "${rpsc[$n,$r]}" "${gbit[$n,$r]}"
  done
done
for n in "${targets[@]}"; do
  for f in rps p50 p99 rpsc gbit; do
    vals=""
    for r in $(seq 1 "$rounds"); do eval "vals+=\" \${$f[\$n,\$r]}\""; done
    eval "M_$f[\$n]=\$(median <<<\"\$vals\")"
  done
done
if ((rounds > 1)); then
  echo; echo "median of $rounds rounds"
  row target "ka req/s" "p50 ms" "p99 ms" "close req/s" "Gbit/s"
  for n in "${targets[@]}"; do
    row "$n" "${M_rps[$n]}" "${M_p50[$n]}" "${M_p99[$n]}" "${M_rpsc[$n]}" "${M_gbit[$n]}"
  done
fi
echo
echo "ratios jlvs / other (>1: jlvs better; throughput: jlvs/other; p99: other/jlvs)"
printf '%-11s %-9s %11s %11s %11s %11s\n' jlvs vs keep-alive close iperf3 p99
for j in jlvs jlvs-base jlvs-netty jlvs-uring jlvs-tuned; do
  has "$j" || continue
  for n in haproxy nginx direct; do
    has "$n" || continue
    awk -v a="${M_rps[$j]}" -v b="${M_rps[$n]}" -v c="${M_rpsc[$j]}" -v d="${M_rpsc[$n]}" \
        -v e="${M_gbit[$j]}" -v f="${M_gbit[$n]}" -v l1="${M_p99[$j]}" -v l2="${M_p99[$n]}" -v j="$j" -v n="$n" \
        'function q(x, y) { return (x + 0 > 0 && y + 0 > 0) ? sprintf("%.2f", x / y) : "-" }
         BEGIN { printf "%-11s %-9s %11s %11s %11s %11s\n", j, n, q(a, b), q(c, d), q(e, f), q(l2, l1) }'
  done
done
for j in jlvs jlvs-base jlvs-netty jlvs-uring jlvs-tuned; do
  has "$j" || continue
  awk -v j="$j" '/Pause/ { n++; v=$NF; sub(/ms/,"",v); t+=v; if (v+0 > m) m=v+0 }
       END { printf "%s GC: %d pauses, %.1f ms total, max %.2f ms\n", j, n, t, m }' "$work/$j-gc.log"
  grep Pause "$work/$j-gc.log" | head -5 | sed 's/^/    /' || true
done
echo "load after: $(uptime)"

#!/usr/bin/env bash
# Memory of idle proxied connections, same machine, same run: jlvs FULLNAT (relay; Netty epoll as jlvs-netty)
# against HAProxy `mode tcp` and nginx `stream`, each in front of the same three nginx real servers on
# 127.0.0.1. For each target: N client connections opened and closed once (warm-up: the allocator, the
# JVM's young generation and the kernel's tables reach their working size), the resident set read, N
# connections opened again and held idle until the real servers have accepted every one, the resident set
# read again. Prints RSS before/after and the growth per connection (bytes). Not part of CI. Each wait is
# bounded; everything started here is stopped by pid on exit.
#
# Usage: bench/proxy-idle.sh [connections (default 10000)]
# Environment: TARGETS="..." subset of: jlvs jlvs-netty haproxy nginx (default: jlvs haproxy nginx)
set -euo pipefail
n="${1:-10000}"
targets=(${TARGETS:-jlvs haproxy nginx})
top="$(cd "$(dirname "$0")/.." && pwd)"
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
LAUNCHER_OPTS=(--enable-native-access=ALL-UNNAMED -XX:+UseG1GC -XX:MaxGCPauseMillis=50 -Xss512k)

need=()
command -v nginx >/dev/null || need+=(nginx)
command -v haproxy >/dev/null || need+=(haproxy)
ls /usr/lib/nginx/modules/ngx_stream_module.so >/dev/null 2>&1 || need+=(libnginx-mod-stream)
if ((${#need[@]})); then
  echo "installing: ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null
fi
# a proxy holds two descriptors per connection; raise the soft limit as far as the hard limit allows
hard=$(ulimit -Hn)
[[ $hard == unlimited ]] && hard=$((4 * n + 4096))
if ((hard < 2 * n + 1024)); then
  echo "the open-files hard limit ($hard) is too low for $n proxied connections: at most $(( (hard - 1024) / 2 ))" >&2
  exit 2
fi
ulimit -n "$(( hard < 4 * n + 4096 ? hard : 4 * n + 4096 ))"

work="$(mktemp -d /tmp/jlvs-bench-idle.XXXXXX)"
pids=()
client=
cleanup() {
  [[ -n "$client" ]] && kill "$client" 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [[ -f "$work/nginx-rs.pid" ]] && kill "$(cat "$work/nginx-rs.pid")" 2>/dev/null || true
  [[ -f "$work/nginx-lb.pid" ]] && kill "$(cat "$work/nginx-lb.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# ports below 32768 (the ephemeral range starts there)
RS=(19081 19082 19083)
declare -A PORT=([jlvs]=29180 [jlvs-netty]=29280 [haproxy]=30180 [nginx]=31180)
has() { local t; for t in "${targets[@]}"; do [[ $t == "$1" ]] && return 0; done; return 1; }
echo "load before: $(uptime)"

# ---- real servers: nginx holding idle connections (no request ever comes) ----
mkdir -p "$work/rs" "$work/lb"
cat > "$work/nginx-rs.conf" <<CONF
worker_processes 1;
worker_rlimit_nofile $((2 * n + 1024));
pid $work/nginx-rs.pid;
error_log $work/rs/error.log;
events { worker_connections $((2 * n + 512)); }
http {
  access_log off;
  client_header_timeout 600s;
  client_body_temp_path $work/rs; proxy_temp_path $work/rs; fastcgi_temp_path $work/rs;
  uwsgi_temp_path $work/rs; scgi_temp_path $work/rs;
  $(for p in "${RS[@]}"; do echo "server { listen 127.0.0.1:$p backlog=4096; location / { return 200 'hello from $p\n'; } }"; done)
}
CONF
nginx -c "$work/nginx-rs.conf" -p "$work/rs" -e "$work/rs/error.log"

# ---- jlvs: io.jlvs.proxy.bench.ProxyBenchMain, one wlc service ----
start_jlvs() { # name, JVM flags...
  local name=$1; shift
  "$JAVA_HOME/bin/java" "$@" -cp "$cp_jlvs" io.jlvs.proxy.bench.ProxyBenchMain "${PORT[$name]}" "${RS[@]}" \
    >"$work/$name.log" 2>&1 & pids+=($!)
  eval "pid_${name//-/_}=$!"
}
if has jlvs || has jlvs-netty; then
  (cd "$top" && JAVA_HOME="$JAVA_HOME" mvn -B -q -o test-compile dependency:build-classpath -pl jlvs-proxy -am \
      -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test >/dev/null)
  cp_jlvs="$top/jlvs-proxy/target/test-classes:$top/jlvs-proxy/target/classes:$(cat "$work/cp.txt")"
  has jlvs && start_jlvs jlvs "${LAUNCHER_OPTS[@]}"
  has jlvs-netty && start_jlvs jlvs-netty "${LAUNCHER_OPTS[@]}" -Djlvs.bench.transport=epoll
fi

if has haproxy; then
cat > "$work/haproxy.cfg" <<CONF
global
  maxconn $((n + 200))
  nbthread 2
defaults
  mode tcp
  timeout connect 5s
  timeout client 600s
  timeout server 600s
frontend idle
  bind 127.0.0.1:${PORT[haproxy]}
  default_backend rs
backend rs
  balance leastconn
$(i=0; for p in "${RS[@]}"; do i=$((i+1)); echo "  server rs$i 127.0.0.1:$p"; done)
CONF
haproxy -f "$work/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 & pids+=($!)
pid_haproxy=$!
fi

if has nginx; then
cat > "$work/nginx-lb.conf" <<CONF
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
worker_processes 2;
worker_rlimit_nofile $((2 * n + 1024));
pid $work/nginx-lb.pid;
error_log $work/lb/error.log;
events { worker_connections $((2 * n + 512)); }
stream {
  upstream rs { least_conn; $(for p in "${RS[@]}"; do echo "server 127.0.0.1:$p;"; done) }
  server { listen 127.0.0.1:${PORT[nginx]} backlog=4096; proxy_pass rs; proxy_timeout 600s; }
}
CONF
nginx -c "$work/nginx-lb.conf" -p "$work/lb" -e "$work/lb/error.log"
fi

for name in jlvs jlvs-netty; do
  has "$name" || continue
  for i in $(seq 1 150); do grep -q '^ready' "$work/$name.log" && break; sleep 0.2; done
  grep -q '^ready' "$work/$name.log" || { echo "$name did not start:"; cat "$work/$name.log"; exit 1; }
done
sleep 1

# the processes whose resident sets count: the proxy (nginx: master and workers)
procs() {
  case "$1" in
    jlvs) echo "$pid_jlvs" ;;
    jlvs-netty) echo "$pid_jlvs_netty" ;;
    haproxy) echo "$pid_haproxy" ;;
    nginx) local m; m=$(cat "$work/nginx-lb.pid"); echo "$m $(pgrep -P "$m" | tr '\n' ' ')" ;;
  esac
}
rss_kib() { local sum=0 p; for p in $(procs "$1"); do sum=$((sum + $(awk '/^VmRSS/ {print $2}' "/proc/$p/status"))); done; echo "$sum"; }
rs_established() {
  ss -Htn state established "( sport = :${RS[0]} or sport = :${RS[1]} or sport = :${RS[2]} )" | wc -l
}

# The client: opens $n connections to the port (blocking connects, one after the other), prints "open",
# holds them until its stdin closes.
cat > "$work/client.py" <<'PY'
import socket, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
held = []
for _ in range(n):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    held.append(s)
print("open", flush=True)
sys.stdin.read()
for s in held:
    s.close()
PY

# opens $n idle connections through $1 and waits (bounded) until the real servers hold them all
hold() {
  coproc CLIENT { python3 "$work/client.py" "${PORT[$1]}" "$n"; }
  client=$CLIENT_PID
  local line
  read -r -t 120 line <&"${CLIENT[0]}" || { echo "$1: the client could not open $n connections"; exit 1; }
  for i in $(seq 1 300); do (($(rs_established) >= n)) && return 0; sleep 0.2; done
  echo "$1: the real servers hold only $(rs_established) of $n connections"; exit 1
}
release() {
  exec {CLIENT[1]}>&-
  wait "$client" 2>/dev/null || true
  client=
  for i in $(seq 1 300); do (($(rs_established) == 0)) && break; sleep 0.2; done
}

printf '%-11s %14s %14s %16s\n' target "RSS before KiB" "RSS held KiB" "bytes/connection"
for t in "${targets[@]}"; do
  hold "$t"; release; sleep 2
  before=$(rss_kib "$t")
  hold "$t"; after=$(rss_kib "$t"); release
  printf '%-11s %14d %14d %16d\n' "$t" "$before" "$after" $(( (after - before) * 1024 / n ))
done
echo "$n idle connections per target; load after: $(uptime)"

#!/usr/bin/env bash
# FULLNAT side by side: jlvs (Netty proxy) vs HAProxy `mode tcp` vs nginx `stream`, same machine, same run.
# nginx real servers on 127.0.0.1; loopback addresses only. Prints wrk keep-alive req/s with p50/p99,
# wrk `Connection: close` req/s, iperf3 Gbit/s, and each proxy's ratio to jlvs. Not part of CI.
# Usage: bench/proxy.sh [seconds-per-run (default 10)] [wrk connections (default 64)]
set -euo pipefail
top="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
secs="${1:-10}"
conns="${2:-64}"
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"

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

RS=(18081 18082 18083) IPERF=15201
JLVS_HTTP=28080 JLVS_IPERF=25201 HAP_HTTP=38080 HAP_IPERF=35201 NGX_HTTP=48080 NGX_IPERF=45201

# ---- real servers: nginx (3 http ports, tiny body) and iperf3 ----
mkdir -p "$work/rs" "$work/lb"
cat > "$work/nginx-rs.conf" <<CONF
worker_processes 1;
pid $work/nginx-rs.pid;
error_log $work/rs/error.log;
events { worker_connections 4096; }
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

# ---- jlvs FULLNAT (built from this checkout), driven by a small launcher ----
(cd "$top" && JAVA_HOME="$JAVA_HOME" mvn -B -q -o install -pl jlvs-cli -am -DskipTests >/dev/null)
cp_jlvs="$top/jlvs-cli/target/classes:$(ls "$top"/jlvs-cli/target/lib/*.jar | tr '\n' ':')"
cat > "$work/FullNatBench.java" <<'JAVA'
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.sched.*;
import io.jlvs.engine.*;
import io.jlvs.proxy.*;
import java.util.*;

/** args: vip-port rs-port... -- vip-port rs-port (one rr service per group). Runs until killed. */
public class FullNatBench {
    public static void main(String[] args) throws Exception {
        List<SchedulerFactory> f = new ArrayList<>(ServiceLoader.load(SchedulerFactory.class).stream().map(ServiceLoader.Provider::get).toList());
        if (f.stream().noneMatch(x -> x.name().equals("rr"))) {
            f.add(new SchedulerFactory() {
                public String name() { return "rr"; }
                public Scheduler create(SchedulerOptions o) {
                    return new Scheduler() {
                        int last = -1;
                        public String name() { return "rr"; }
                        public int select(Destinations d, FlowKey k) {
                            for (int s = 1; s <= d.size(); s++) { int i = (last + s) % d.size(); if (d.available(i)) { last = i; return i; } }
                            return NO_DESTINATION;
                        }
                    };
                }
            });
        }
        IpvsEngine engine = new IpvsEngine(EngineSettings.defaults(), f);
        IpAddress lo = IpAddress.parse("127.0.0.1");
        InetServiceKey key = null;
        List<InetServiceKey> keys = new ArrayList<>();
        for (String a : args) {
            if (a.equals("--")) { key = null; continue; }
            if (key == null) {
                key = new InetServiceKey(Protocol.TCP, lo, Integer.parseInt(a));
                engine.execute(new IpvsCommand.AddService(VirtualService.of(key, "rr")));
                keys.add(key);
            } else {
                engine.execute(new IpvsCommand.AddServer(key, RealServer.of(lo, Integer.parseInt(a), ForwardingMethod.FULLNAT, 1)));
            }
        }
        FullNatProxy proxy = new FullNatProxy(engine, ProxySettings.defaults());
        for (InetServiceKey k : keys) { proxy.listening(k).get(); }
        System.out.println("ready " + proxy.transportName());
        Thread.currentThread().join();
    }
}
JAVA
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC -Xmx512m -cp "$cp_jlvs" \
  "$work/FullNatBench.java" "$JLVS_HTTP" "${RS[@]}" -- "$JLVS_IPERF" "$IPERF" >"$work/jlvs.log" 2>&1 & pids+=($!)

# ---- HAProxy mode tcp ----
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
  bind 127.0.0.1:$HAP_HTTP
  default_backend rs
backend rs
  balance roundrobin
$(i=0; for p in "${RS[@]}"; do i=$((i+1)); echo "  server rs$i 127.0.0.1:$p"; done)
frontend iperf
  bind 127.0.0.1:$HAP_IPERF
  default_backend iperf
backend iperf
  server i1 127.0.0.1:$IPERF
CONF
haproxy -f "$work/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 & pids+=($!)

# ---- nginx stream ----
cat > "$work/nginx-lb.conf" <<CONF
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
worker_processes 2;
pid $work/nginx-lb.pid;
error_log $work/lb/error.log;
events { worker_connections 8000; }
stream {
  upstream rs { $(for p in "${RS[@]}"; do echo "server 127.0.0.1:$p;"; done) }
  upstream iperf { server 127.0.0.1:$IPERF; }
  server { listen 127.0.0.1:$NGX_HTTP; proxy_pass rs; }
  server { listen 127.0.0.1:$NGX_IPERF; proxy_pass iperf; }
}
CONF
nginx -c "$work/nginx-lb.conf" -p "$work/lb" -e "$work/lb/error.log"

for i in $(seq 1 100); do
  grep -q '^ready' "$work/jlvs.log" && break
  sleep 0.2
done
grep -q '^ready' "$work/jlvs.log" || { echo "jlvs did not start:"; cat "$work/jlvs.log"; exit 1; }
echo "jlvs transport: $(grep '^ready' "$work/jlvs.log" | cut -d' ' -f2); ${secs}s per run, $conns connections, 2 wrk threads"

# ---- measurements ----
declare -A rps p50 p99 rpsc gbit
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; printf "%.3f", v}'; }
measure() {
  local name=$1 http=$2 iperf=$3 out
  out=$(wrk -t2 -c"$conns" -d"${secs}s" --latency "http://127.0.0.1:$http/")
  rps[$name]=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50[$name]=$(awk '$1=="50%" {print $2}' <<<"$out" | to_ms)
  p99[$name]=$(awk '$1=="99%" {print $2}' <<<"$out" | to_ms)
  out=$(wrk -t2 -c"$conns" -d"${secs}s" -H "Connection: close" "http://127.0.0.1:$http/")
  rpsc[$name]=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  gbit[$name]=$(iperf3 -c 127.0.0.1 -p "$iperf" -t "$secs" -f g | awk '/receiver/ {print $7}')
}
measure direct "${RS[0]}" "$IPERF"
measure jlvs "$JLVS_HTTP" "$JLVS_IPERF"
measure haproxy "$HAP_HTTP" "$HAP_IPERF"
measure nginx "$NGX_HTTP" "$NGX_IPERF"

printf '\n%-8s %12s %9s %9s %14s %9s\n' target "ka req/s" "p50 ms" "p99 ms" "close req/s" "Gbit/s"
for n in direct jlvs haproxy nginx; do
  printf '%-8s %12s %9s %9s %14s %9s\n' "$n" "${rps[$n]}" "${p50[$n]}" "${p99[$n]}" "${rpsc[$n]}" "${gbit[$n]}"
done
echo
echo "ratios jlvs / other (>1: jlvs better; latency: other/jlvs):"
for n in haproxy nginx; do
  awk -v a="${rps[jlvs]}" -v b="${rps[$n]}" -v c="${rpsc[jlvs]}" -v d="${rpsc[$n]}" -v e="${gbit[jlvs]}" -v f="${gbit[$n]}" \
      -v l1="${p99[jlvs]}" -v l2="${p99[$n]}" -v n="$n" \
      'BEGIN { printf "  vs %-8s keep-alive %.2f  close %.2f  iperf3 %.2f  p99 %.2f\n", n, a/b, c/d, e/f, l2/l1 }'
done

#!/usr/bin/env bash
# Where the packet worker's time goes while it carries new connections: builds the lab (lab/up.sh nat)
# with the given JLVS_LAB_OPTS, warms it (2 s keep-alive, 8 s `Connection: close`), then runs SECS seconds
# of `Connection: close` (wrk, 16 connections) and prints the worker thread's user and system CPU time,
# its time waiting for a CPU (schedstat) and its voluntary and involuntary context switches over that
# window. Root; not part of CI.
# Usage: bench/worker-cpu.sh [SECS (default 5)]
#   e.g. JLVS_LAB_OPTS="-Djlvs.lab.xdp=true -Djlvs.lab.offload=16" bench/worker-cpu.sh 5
set -uo pipefail
top="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
secs="${1:-5}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export JLVS_LAB_OPTS="${JLVS_LAB_OPTS:-}"
(cd "$top" && mvn -B -q -o install -pl jlvs-packet -am -DskipTests \
  && mvn -B -q -o dependency:build-classpath -pl jlvs-packet -Dmdep.outputFile=target/lab-classpath.txt) || exit 1
trap '"$top/lab/down.sh" >/dev/null 2>&1' EXIT
"$top/lab/up.sh" nat >/dev/null || { echo "lab up failed"; exit 1; }
c() { timeout $((secs + 20)) ip netns exec jlab-cl "$@"; }
pid=$(pgrep -f LabDirectorMain | head -1)
task=""
for t in /proc/"$pid"/task/*; do [[ "$(cat "$t/comm")" == jlvs-packet-0 ]] && task=$t; done
[[ -n "$task" ]] || { echo "no worker thread jlvs-packet-0 in $pid"; exit 1; }
url=http://10.77.0.100/1k
c wrk -t1 -c16 -d2s "$url" >/dev/null 2>&1
c wrk -t1 -c16 -d8s -H 'Connection: close' "$url" >/dev/null 2>&1
sample() { # utime stime (ticks) run wait (ns) voluntary involuntary
  local st; st=$(cat "$task/stat"); st=${st##*) }
  read -r -a f <<< "$st"
  read -r run wait _ < "$task/schedstat"
  echo "${f[11]} ${f[12]} $run $wait $(awk '/^voluntary/ {v=$2} /^nonvoluntary/ {n=$2} END {print v, n}' "$task/status")"
}
read -r u1 s1 r1 w1 v1 n1 < <(sample)
rate=$(c wrk -t1 -c16 -d"${secs}s" -H 'Connection: close' "$url" | awk '/Requests\/sec/ {print $2}')
read -r u2 s2 r2 w2 v2 n2 < <(sample)
hz=$(getconf CLK_TCK)
awk -v s="$secs" -v hz="$hz" -v rate="$rate" -v u=$((u2 - u1)) -v k=$((s2 - s1)) -v r=$((r2 - r1)) \
    -v w=$((w2 - w1)) -v vol=$((v2 - v1)) -v inv=$((n2 - n1)) 'BEGIN {
  printf "close: %s req/s over %d s (JLVS_LAB_OPTS=%s)\n", rate, s, ENVIRON["JLVS_LAB_OPTS"]
  printf "worker on a CPU %.0f %% of the time (user %.0f %%, system %.0f %% of its CPU time), waiting for one %.0f %%\n",
    100 * r / (s * 1e9), 100 * u / (u + k), 100 * k / (u + k), 100 * w / (s * 1e9)
  printf "context switches per second: %.0f voluntary (it slept), %.0f involuntary (preempted)\n", vol / s, inv / s
}'

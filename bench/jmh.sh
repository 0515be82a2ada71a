#!/usr/bin/env bash
# Runs the JMH benchmarks: bench/jmh.sh [JMH args], e.g. bench/jmh.sh 'Scheduler.*' -prof gc
set -eu
top="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
. "$top/scripts/jdk.sh"
jlvs_find_jdk
cd "$top" && JAVA_HOME="$JLVS_JDK" mvn -B -q -DskipTests package -pl jlvs-bench -am >/dev/null
exec "$JLVS_JDK/bin/java" --enable-native-access=ALL-UNNAMED \
  -cp "$top/jlvs-bench/target/classes:$top/jlvs-bench/target/lib/*" org.openjdk.jmh.Main "$@"

# Sourced by the launchers and test scripts: finds a JDK >= 25 and builds jlvs when needed.
# No JAVA_HOME needs to be set by hand.

jlvs_find_jdk() {
  local cand v
  for cand in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    [ -n "$cand" ] && [ -x "$cand/bin/java" ] && [ -x "$cand/bin/javac" ] || continue
    v=$("$cand/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    v=${v%%.*}
    if [ -n "$v" ] && [ "$v" -ge 25 ] 2>/dev/null; then
      JLVS_JDK="$cand"
      return 0
    fi
  done
  echo "jlvs: needs a JDK 25 or newer (none found in JAVA_HOME or /usr/lib/jvm); install one, e.g. Temurin 25, then run this again" >&2
  return 1
}

# Builds the distribution when the jars are missing or older than any source or pom.
jlvs_ensure_built() {
  local top="$1" jar
  jar=$(ls "$top"/jlvs-cli/target/jlvs-cli-*.jar 2>/dev/null | head -n1)
  if [ -n "$jar" ] && [ -d "$top/jlvs-cli/target/lib" ] && \
     [ -z "$(find "$top" -path "$top/.git" -prune -o \( -path '*/src/main/*' -o -name pom.xml \) -newer "$jar" -print -quit 2>/dev/null)" ]; then
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || { echo "jlvs: needs Apache Maven to build (apt-get install maven)" >&2; return 1; }
  (
    flock 9
    echo "jlvs: building (first run or sources changed) ..." >&2
    cd "$top" && JAVA_HOME="$JLVS_JDK" mvn -B -q -o -DskipTests package >"$top/.build.log" 2>&1 \
      || JAVA_HOME="$JLVS_JDK" mvn -B -q -DskipTests package >"$top/.build.log" 2>&1 \
      || { echo "jlvs: build failed, see $top/.build.log" >&2; exit 1; }
  ) 9>"$top/.build.lock"
}

jlvs_classpath() {
  local top="$1" jar
  jar=$(ls "$top"/jlvs-cli/target/jlvs-cli-*.jar | head -n1)
  echo "$jar:$top/jlvs-cli/target/lib/*"
}

# The collector flags a launcher adds ($1: its default), unless JLVS_JAVA_OPTS names a collector itself
# (e.g. -XX:+UseZGC), which the JVM would otherwise refuse as "multiple garbage collectors selected".
# The daemon's default is G1 with a 50 ms pause goal: FULLNAT throughput like SerialGC's with a far lower
# p99, and VRRP adverts that survive an allocation storm SerialGC failed (docs/benchmarks.md).
jlvs_gc_opts() {
  case " ${JLVS_JAVA_OPTS:-} " in
    *" -XX:+Use"*GC" "*) ;;
    *) echo "$1" ;;
  esac
}

#!/usr/bin/env bash
# Records what keepalived --config-test makes of every keyword written without its value (the cases of
# jlvs-config's BareKeywords) into jlvs-config/src/test/resources/bare-keywords.tsv, which BareKeywordTest
# holds jlvs to. Needs keepalived (2.2.7, Debian build) and an interface eth0; only runs --config-test.
# Usage (from the top of the tree): scripts/keepalived-bare-keywords.sh
set -eu
top="$(cd "$(dirname "$0")/.." && pwd)"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
. "$top/scripts/jdk.sh"
jlvs_find_jdk
export JAVA_HOME="$JLVS_JDK"
(cd "$top" && mvn -B -o -q install -pl jlvs-config -am -DskipTests \
    && mvn -B -o -q test-compile dependency:build-classpath -pl jlvs-config \
        -Dmdep.outputFile=target/bare-classpath.txt >/dev/null)
"$JAVA_HOME/bin/java" -cp "$top/jlvs-config/target/test-classes:$top/jlvs-config/target/classes:$(cat \
    "$top/jlvs-config/target/bare-classpath.txt")" io.jlvs.config.BareKeywords "$dir"
out="$top/jlvs-config/src/test/resources/bare-keywords.tsv"
{
    printf '# keyword (block/keyword)\tkeepalived 2.2.7 --config-test exit\tits first message (file and line left out)\n'
    printf '# written by scripts/keepalived-bare-keywords.sh; read by BareKeywordTest\n'
    while IFS=$'\t' read -r file id; do
        case "$id" in baseline:*) continue ;; esac
        set +e
        msg="$(cd "$dir" && timeout 10 keepalived --config-test -f "$file" 2>&1)"
        rc=$?
        set -e
        first="$(printf '%s\n' "$msg" | grep -v -E '^(Starting|Running on|Command line|Configuration file|Script user|Opening file|WARNING - default user)' \
            | sed -E "s#^\\(($file: )?Line [0-9]+\\) ##" | head -1)"
        printf '%s\t%s\t%s\n' "$id" "$rc" "$first"
    done < "$dir/index.tsv" | sort
} > "$out"
# each template must be fine without the keyword, or the recorded results mean nothing
while IFS=$'\t' read -r file id; do
    case "$id" in baseline:*) (cd "$dir" && keepalived --config-test -f "$file" >/dev/null 2>&1) \
        || echo "warning: $id is not fine for keepalived" >&2 ;; esac
done < "$dir/index.tsv"
echo "wrote $out ($(grep -vc '^#' "$out") keywords)"

#!/usr/bin/env bash
# Removes what lab/up.sh made: its processes (by the pids it recorded; the daemon of JLVS_LAB_DAEMON=1 by its own pid file) and the jlab-* namespaces.
work=/tmp/jlab
for f in "$work"/director.pid "$work"/jlvs.pid "$work"/holder.pid "$work"/run*/nginx.pid "$work"/run*/iperf3.pid; do
  [[ -f "$f" ]] && kill "$(cat "$f")" 2>/dev/null
done
sleep 0.5
for n in sw cl dir rs1 rs2 rs3; do ip netns del "jlab-$n" 2>/dev/null; done
rm -rf "$work"
true

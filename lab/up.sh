#!/usr/bin/env bash
# The packet lab by hand (the tests build the same one in Java, see docs/packet-dataplane.md).
# Usage: lab/up.sh <route|dnat|nat|dr>   (root). Namespaces jlab-{sw,cl,dir,rs1,rs2,rs3}:
#   route: client -> director (kernel router) -> rs1 at 10.77.1.11; dnat: nftables DNAT on the director;
#   nat:   jlvs NAT (child JVM in jlab-dir); dr: jlvs DR (real servers on the client link, VIP on lo).
# nginx on :80 and iperf3 on :5201 (TCP and UDP) in each real server. Tear down with lab/down.sh.
# JLVS_LAB_PEER_NAPI=1: GRO (hence NAPI) on the switch ports facing the director (see below).
# JLVS_LAB_SENDER_TSO=1: TSO/GSO on at the client and the real servers (see link below).
# JLVS_LAB_DIRECTOR_GRO=1: GRO on the director's links, as on a NIC (see below).
# JLVS_LAB_OPTS: extra JVM options for the director, e.g. -Djlvs.lab.ring=TPACKET_V3 -Djlvs.lab.tx=TX_RING
# (see LabDirectorMain.settings).
# JLVS_LAB_DAEMON=1 (nat, dr): the director is the daemon, `./jlvs run -I eth0[,eth1]` (socket
# /tmp/jlab/jlvs.sock, /metrics on 127.0.0.1:9900 inside jlab-dir, log /tmp/jlab/director.err), with the
# same service set up by ./jlvsadm, instead of the test-classes LabDirectorMain; JLVS_LAB_RUN_ARGS adds
# `jlvs run` arguments, e.g. "--sysctl net.ipv4.vs.drop_entry=1" (JLVS_SYSCTL_ROOT passes through).
set -euo pipefail
mode="${1:?route|dnat|nat|dr}"
top="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
work=/tmp/jlab; rm -rf "$work"; mkdir -p "$work/www"
VIP=10.77.0.100
x() { ip netns exec "jlab-$1" "${@:2}"; }
for n in sw cl dir rs1 rs2 rs3; do ip netns add "jlab-$n"; x "$n" ip link set lo up; done
for b in br0 br1; do x sw ip link add "$b" type bridge; x sw ip link set "$b" up; done
# JLVS_LAB_SENDER_TSO=1: the client's and real servers' links and the switch ports keep checksum offload,
# TSO and GSO (veth's defaults, as containers on the director's own host): their TCP super-packets reach
# the director whole (the director's own links keep them off either way)
link() { # ns dev swport bridge
  ip link add "$2" netns "jlab-$1" type veth peer name "$3" netns jlab-sw
  x sw ip link set "$3" master "$4" up; x "$1" ip link set "$2" up
  if [[ "${JLVS_LAB_SENDER_TSO:-0}" == 1 ]]; then
    [[ "$1" != dir ]] && x "$1" ethtool -K "$2" tx on sg on tso on gso on gro off >/dev/null 2>&1
    [[ "$1" == dir ]] && x "$1" ethtool -K "$2" tx off tso off gso off gro off >/dev/null 2>&1
    x sw ethtool -K "$3" tx on sg on tso on gso on gro off >/dev/null 2>&1 || true
    return 0
  fi
  x "$1" ethtool -K "$2" tx off tso off gso off gro off >/dev/null 2>&1 || true
  x sw ethtool -K "$3" tx off tso off gso off gro off >/dev/null 2>&1 || true
}
link cl eth0 pcl br0; x cl ip addr add 10.77.0.10/24 dev eth0
# the one client makes ~10k connections/s to one VIP:port; each it closes first holds its port in TIME_WAIT
# for 60 s, and once the even half of the port range is taken connect() crawls (~0.8k/s). Through jlvs ~15 %
# of them are (the server's FIN trails its response by > 200 us in 5 %, 0.15 % through DNAT), so without
# reuse the close figure measured the client's port search: reuse for every mode alike (2026-11-27)
x cl sysctl -qw net.ipv4.tcp_tw_reuse=1
link dir eth0 pd0 br0; x dir ip addr add 10.77.0.2/24 dev eth0
# JLVS_LAB_PEER_NAPI=1: GRO on the switch ports facing the director, so that those veths run NAPI and
# accept frames the director's XDP program redirects natively (for every mode of a run alike)
peer_napi() { [[ "${JLVS_LAB_PEER_NAPI:-0}" == 1 ]] && x sw ethtool -K "$1" gro on >/dev/null; true; }
peer_napi pd0
# JLVS_LAB_DIRECTOR_GRO=1: GRO on the director's links (on by default on most NICs; veth's default is off):
# trains of the senders' segments reach the kernel, and jlvs's AF_PACKET workers, merged (for every mode)
director_gro() { [[ "${JLVS_LAB_DIRECTOR_GRO:-0}" == 1 ]] && x dir ethtool -K "$1" gro on >/dev/null; true; }
director_gro eth0
x dir sysctl -qw net.ipv4.ip_forward=1
back=br1; [[ "$mode" == dr ]] && back=br0
[[ "$mode" != dr ]] && { link dir eth1 pd1 br1; x dir ip addr add 10.77.1.1/24 dev eth1; peer_napi pd1; director_gro eth1; }
[[ "$mode" != route ]] && x dir ip addr add $VIP/32 dev eth0
[[ "$mode" == route ]] && x cl ip route add 10.77.1.0/24 via 10.77.0.2
head -c 1024 /dev/zero > "$work/www/1k"
rs=()
for i in 1 2 3; do
  if [[ "$mode" == dr ]]; then a=10.77.0.1$i; else a=10.77.1.1$i; fi
  rs+=("$a")
  link "rs$i" eth0 "pr$i" "$back"; x "rs$i" ip addr add "$a/24" dev eth0
  if [[ "$mode" == dr ]]; then
    x "rs$i" ip addr add $VIP/32 dev lo
    x "rs$i" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 \
      net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2
  else
    x "rs$i" ip route add default via 10.77.1.1
  fi
  mkdir -p "$work/run$i"
  cat > "$work/nginx$i.conf" <<CONF
worker_processes 1; user root; pid $work/run$i/nginx.pid; error_log $work/run$i/error.log;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000; client_body_temp_path $work/run$i; proxy_temp_path $work/run$i;
  fastcgi_temp_path $work/run$i; uwsgi_temp_path $work/run$i; scgi_temp_path $work/run$i;
  server { listen 80 reuseport backlog=4096; root $work/www; } }
CONF
  x "rs$i" nginx -c "$work/nginx$i.conf"
  # DR: iperf3 bound to the VIP, else its UDP test socket (connected to the client) would answer from the
  # real server's own address and the client, connected to the VIP, would never see the answer
  bind=(); [[ "$mode" == dr ]] && bind=(-B $VIP)
  x "rs$i" iperf3 -s -D "${bind[@]}" -p 5201 --pidfile "$work/run$i/iperf3.pid"
done
case "$mode" in
  dnat)
    x dir nft -f - <<NFT
table ip bench {
  chain pre { type nat hook prerouting priority dstnat;
    ip daddr $VIP tcp dport 80 dnat to numgen inc mod 3 map { 0 : ${rs[0]}, 1 : ${rs[1]}, 2 : ${rs[2]} }
    # iperf3: one expression (one jhash seed) for TCP and UDP, so a UDP test and its TCP control
    # connection reach the same real server
    ip daddr $VIP meta l4proto { tcp, udp } th dport 5201 \
      dnat to jhash ip saddr mod 3 seed 0x6a6c7673 map { 0 : ${rs[0]}, 1 : ${rs[1]}, 2 : ${rs[2]} }
  }
}
NFT
    ;;
  nat|dr)
    if [[ "${JLVS_LAB_DAEMON:-0}" == 1 ]]; then
      m=-m; ifs=eth0,eth1; [[ "$mode" == dr ]] && { m=-g; ifs=eth0; }
      export JLVS_SOCKET="$work/jlvs.sock"
      # word splitting of JLVS_LAB_RUN_ARGS is wanted (several --sysctl arguments)
      # shellcheck disable=SC2086
      x dir "$top/jlvs" run -I "$ifs" --socket "$work/jlvs.sock" --pid-file "$work/jlvs.pid" \
        --admin 127.0.0.1:9900 ${JLVS_LAB_RUN_ARGS:-} > "$work/director.out" 2> "$work/director.err" &
      echo $! > "$work/director.pid"
      for _ in $(seq 150); do [[ -S "$work/jlvs.sock" ]] && break; sleep 0.2; done
      [[ -S "$work/jlvs.sock" ]] || { cat "$work/director.out" "$work/director.err"; exit 1; }
      "$top/jlvsadm" -A -t $VIP:80 -s rr
      for a in "${rs[@]}"; do "$top/jlvsadm" -a -t $VIP:80 -r "$a:80" $m; done
      echo "lab up: $mode (jlvs run)"
      exit 0
    fi
    # this checkout's own classes first: the classpath file names jars in ~/.m2, which another checkout's
    # `mvn install` may have replaced with an older build
    own="$top/jlvs-packet/target/test-classes"
    for d in "$top"/jlvs-*/target/classes; do own+=":$d"; done
    cp="$own:$(cat "$top/jlvs-packet/target/lab-classpath.txt")"
    m=Masq; ifs=eth0,eth1; [[ "$mode" == dr ]] && { m=Route; ifs=eth0; }
    mkfifo "$work/director.in"
    ( sleep 100000 > "$work/director.in" & echo $! > "$work/holder.pid" )
    x dir "${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java" --enable-native-access=ALL-UNNAMED -Xmx512m ${JLVS_LAB_OPTS:-} \
      -cp "$cp" io.jlvs.packet.lab.LabDirectorMain "$m" "$ifs" $VIP "$(IFS=,; echo "${rs[*]}")" 5201 \
      < "$work/director.in" > "$work/director.out" 2> "$work/director.err" &
    echo $! > "$work/director.pid"
    for _ in $(seq 100); do grep -q READY "$work/director.out" 2>/dev/null && break; sleep 0.2; done
    grep -q READY "$work/director.out" || { cat "$work/director.out" "$work/director.err"; exit 1; }
    ;;
esac
echo "lab up: $mode"

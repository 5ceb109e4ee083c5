#!/usr/bin/env bash
# `make bench`: benchmarks, not tests. Prints one line per figure:
#   bench <name> <unit> stack=<median> kernel=<median> ratio=<stack/kernel> spread=<min-max>
# Kernel figures come from the Linux stack answering itself across a veth pair between two namespaces, measured
# in the same invocation. Everything created here (namespaces, veth, TAP, processes) is removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java"
CP="bench/target/classes:bench/target/lib/*"
RUNS=${RUNS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-5}

# median and min-max of the numbers on stdin
stats() { sort -g | awk '{v[NR]=$1} END {if (NR==0) {print "- -"; exit} m=(NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2; printf "%s %s-%s\n", m, v[1], v[NR]}'; }
line() { # name unit stack-values kernel-values
  read -r sm ss <<<"$(tr ' ' '\n' <<<"$3" | grep -v '^$' | stats)"
  read -r km ks <<<"$(tr ' ' '\n' <<<"$4" | grep -v '^$' | stats)"
  ratio=$(awk -v s="$sm" -v k="$km" 'BEGIN { if (s ~ /^[0-9.]+$/ && k+0 > 0) printf "%.2f", s/k; else print "-" }')
  echo "bench $1 $2 stack=$sm kernel=$km ratio=$ratio spread=$ss"
}

echo "# wire formats: parse + emit per header (JMH, 1 fork, 3 x 1 s)"
"$JAVA" -cp "$CP" org.openjdk.jmh.Main WireBench -f 1 -wi 3 -w 1s -i 3 -r 1s -rf csv -rff bench/target/jmh-wire.csv >/dev/null
tail -n +2 bench/target/jmh-wire.csv | tr -d '"' | awk -F, '{ n=$1; sub(/.*\./, "", n); printf "bench wire-%s ops/s stack=%.0f kernel=- ratio=- spread=+-%.0f\n", n, $5, $6 }'

if [ "$(id -u)" != 0 ] || [ ! -e /dev/net/tun ]; then
  echo "# kernel comparisons skipped: they need root and /dev/net/tun (network namespaces, TAP, veth)"
  exit 0
fi

sfx=$$
NS_C=n4b-c$sfx; NS_K1=n4b-k1$sfx; NS_K2=n4b-k2$sfx; TAP=n4bt$sfx; VETH=n4bv$sfx
stack_pid=""; server_pids=""
cleanup() {
  stop_servers
  [ -n "$stack_pid" ] && kill -TERM "$stack_pid" 2>/dev/null && wait "$stack_pid" 2>/dev/null || true
  for ns in "$NS_C" "$NS_K1" "$NS_K2"; do ip netns del "$ns" 2>/dev/null || true; done
  ip link del "$VETH" 2>/dev/null || true
}
trap cleanup EXIT

# Kernel-side servers in the baseline's second namespace: started before a section, stopped after it.
start_server() { # class port: waits until it is listening
  local out="bench/target/bench-$1-$2.log" pid
  ip netns exec "$NS_K2" "$JAVA" -cp "$CP" "org.netstack4j.bench.$1" 10.79.0.2 "$2" >"$out" 2>&1 &
  pid=$!; server_pids+=" $pid"
  for _ in $(seq 1 100); do grep -q '^listening' "$out" && return 0; kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  echo "bench: kernel-side $1 did not start:"; cat "$out"; return 1
}
stop_servers() {
  local pid
  for pid in $server_pids; do kill "$pid" 2>/dev/null || true; done
  for pid in $server_pids; do wait "$pid" 2>/dev/null || true; done
  server_pids=""
}
# One run of a kernel-side client: namespace, class, key of the figure in its output, arguments. Prints the
# figure, or nothing if the client failed or hung (its output goes to bench/target/bench-clients.log).
measure() {
  local ns=$1 class=$2 key=$3 out; shift 3
  out=$(timeout $((SECONDS_PER_RUN + 60)) ip netns exec "$ns" "$JAVA" -cp "$CP" "org.netstack4j.bench.$class" "$@" \
    2>>bench/target/bench-clients.log) || { echo "$class $* in $ns failed: $out" >>bench/target/bench-clients.log; return 0; }
  echo "$class $* in $ns: $out" >>bench/target/bench-clients.log
  sed -n "s/.*$key=\([0-9.]*\).*/\1/p" <<<"$out"
}

: >bench/target/bench-clients.log

# The stack on a TAP whose kernel side sits in namespace NS_C.
log=bench/target/bench-stack.log
bin/netstack4j run --tap "$TAP" --address 10.78.0.2/24 --peer-address 10.78.0.1/24 --netns "$NS_C" \
  --services echo,discard,chargen,http >"$log" 2>&1 &
stack_pid=$!
for _ in $(seq 1 300); do grep -q '^ready:' "$log" && break; kill -0 "$stack_pid" 2>/dev/null || break; sleep 0.1; done
grep -q '^ready:' "$log" || { echo "bench: the stack did not start:"; cat "$log"; exit 1; }

# The kernel baseline: two namespaces joined by a veth pair, same MTU, no offloads (as the TAP path has none yet).
ip netns add "$NS_K1"; ip netns add "$NS_K2"
ip link add "$VETH" type veth peer name "${VETH}p"
ip link set "$VETH" netns "$NS_K1"; ip link set "${VETH}p" netns "$NS_K2"
ip -n "$NS_K1" addr add 10.79.0.1/24 dev "$VETH"; ip -n "$NS_K2" addr add 10.79.0.2/24 dev "${VETH}p"
for ns in "$NS_K1" "$NS_K2"; do ip -n "$ns" link set lo up; done
ip -n "$NS_K1" link set "$VETH" up; ip -n "$NS_K2" link set "${VETH}p" up
command -v ethtool >/dev/null ||
  echo "# note: no ethtool here, so the veth pair keeps its offloads (TSO, GSO, checksums): kernel figures run high"
for dev in "$NS_K1:$VETH" "$NS_K2:${VETH}p"; do
  ip netns exec "${dev%%:*}" ethtool -K "${dev#*:}" tso off gso off gro off tx off rx off >/dev/null 2>&1 || true
done

echo "# ICMP echo round trip from the kernel: $RUNS runs of 200 pings, 56 data bytes"
ping_rtts() { ip netns exec "$1" ping -n -c 200 -i 0.01 -W 2 "$2" | sed -n 's/.*time=\([0-9.]*\) ms/\1/p' | awk '{printf "%.1f\n", $1*1000}'; }
pct() { sort -g | awk -v p="$1" '{v[NR]=$1} END {i=int(NR*p/100+0.999); if (i<1) i=1; print v[i]}'; }
s50=""; s99=""; k50=""; k99=""
for _ in $(seq "$RUNS"); do
  r=$(ping_rtts "$NS_C" 10.78.0.2); s50+=" $(pct 50 <<<"$r")"; s99+=" $(pct 99 <<<"$r")"
  r=$(ping_rtts "$NS_K1" 10.79.0.2); k50+=" $(pct 50 <<<"$r")"; k99+=" $(pct 99 <<<"$r")"
done
line icmp-rtt-p50 us "$s50" "$k50"
line icmp-rtt-p99 us "$s99" "$k99"

echo "# UDP echo: 64-byte datagrams, 32 in flight, $SECONDS_PER_RUN s x $RUNS runs"
start_server UdpEchoServer 7
sv=""; kv=""
for _ in $(seq "$RUNS"); do
  sv+=" $(ip netns exec "$NS_C" "$JAVA" -cp "$CP" org.netstack4j.bench.UdpEchoLoad 10.78.0.2 7 "$SECONDS_PER_RUN" 32 64 | sed -n 's/echoes_per_second=\([0-9]*\).*/\1/p')"
  kv+=" $(ip netns exec "$NS_K1" "$JAVA" -cp "$CP" org.netstack4j.bench.UdpEchoLoad 10.79.0.2 7 "$SECONDS_PER_RUN" 32 64 | sed -n 's/echoes_per_second=\([0-9]*\).*/\1/p')"
done
line udp-echo datagrams/s "$sv" "$kv"
stop_servers

# TCP clients close first and leave TIME_WAIT behind: give the connection-rate runs the whole port range and let
# the kernel reuse TIME_WAIT ports (RFC 6191, with timestamps), in both client namespaces alike.
for ns in "$NS_C" "$NS_K1"; do
  ip netns exec "$ns" sysctl -qw net.ipv4.ip_local_port_range="1024 65535" net.ipv4.tcp_tw_reuse=1
done

echo "# TCP bulk, MTU 1500, one connection: kernel -> discard (port 9), HTTP GET /bytes/N (port 80) -> kernel, $SECONDS_PER_RUN s x $RUNS runs"
start_server TcpDiscardServer 9
start_server TcpSourceServer 80
tx_s=""; tx_k=""; rx_s=""; rx_k=""
for _ in $(seq "$RUNS"); do
  tx_s+=" $(measure "$NS_C" TcpBulkClient mbit_per_second send 10.78.0.2 9 "$SECONDS_PER_RUN")"
  tx_k+=" $(measure "$NS_K1" TcpBulkClient mbit_per_second send 10.79.0.2 9 "$SECONDS_PER_RUN")"
  rx_s+=" $(measure "$NS_C" TcpBulkClient mbit_per_second receive 10.78.0.2 80 "$SECONDS_PER_RUN")"
  rx_k+=" $(measure "$NS_K1" TcpBulkClient mbit_per_second receive 10.79.0.2 80 "$SECONDS_PER_RUN")"
done
stop_servers
line tcp-bulk-to-stack Mbit/s "$tx_s" "$tx_k"
line tcp-bulk-from-stack Mbit/s "$rx_s" "$rx_k"

echo "# TCP echo (port 7): connect + 1-byte request/answer + close, one after the other; 1-byte ping-pong on one connection; $SECONDS_PER_RUN s x $RUNS runs"
start_server TcpEchoServer 7
cs=""; ck=""; ps=""; pk=""
for _ in $(seq "$RUNS"); do
  cs+=" $(measure "$NS_C" TcpConnectLoad connections_per_second 10.78.0.2 7 "$SECONDS_PER_RUN")"
  ck+=" $(measure "$NS_K1" TcpConnectLoad connections_per_second 10.79.0.2 7 "$SECONDS_PER_RUN")"
  ps+=" $(measure "$NS_C" TcpPingPong round_trips_per_second 10.78.0.2 7 "$SECONDS_PER_RUN")"
  pk+=" $(measure "$NS_K1" TcpPingPong round_trips_per_second 10.79.0.2 7 "$SECONDS_PER_RUN")"
done
stop_servers
line tcp-connect connections/s "$cs" "$ck"
line tcp-request-response round-trips/s "$ps" "$pk"
if grep -q -e ' failed: ' -e 'failed=[1-9]' bench/target/bench-clients.log; then
  echo "# note: some client runs failed or lost connections: see bench/target/bench-clients.log"
fi

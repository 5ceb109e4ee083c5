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
SECONDS_PER_RUN=${SECONDS_PER_RUN:-3}
IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-10000}
MTUS=${MTUS:-1500 9000 65520}

# median and min-max of the numbers on stdin
stats() { sort -g | awk '{v[NR]=$1} END {if (NR==0) {print "- -"; exit} m=(NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2; printf "%s %s-%s\n", m, v[1], v[NR]}'; }
line() { # name unit stack-values kernel-values
  read -r sm ss <<<"$(tr ' ' '\n' <<<"$3" | grep -v '^$' | stats)"
  read -r km ks <<<"$(tr ' ' '\n' <<<"$4" | grep -v '^$' | stats)"
  ratio=$(awk -v s="$sm" -v k="$km" 'BEGIN { if (s ~ /^[0-9.]+$/ && k+0 > 0) printf "%.2f", s/k; else print "-" }')
  echo "bench $1 $2 stack=$sm kernel=$km ratio=$ratio spread=$ss"
}

mkdir -p bench/target
echo "# loss curve: two stacks on the in-memory link in virtual time (1 ms one-way, MTU 1500, seeded loss on both"
echo "# ends), 20 MB per run after a 20 % warm-up, seeds 1-3; then the heap bytes allocated per frame on the path"
echo "# in a 200 MB loss-free run (long enough that the windows have stopped growing), seeds 1-3"
for loss in 0 0.5 1 2 5; do
  v=""
  for seed in 1 2 3; do
    out=$("$JAVA" -cp "$CP" org.netstack4j.bench.TwoStackTransfer 20 "$loss" 1500 "$seed" 2>/dev/null)
    v+=" $(sed -n 's/.*goodput_mbit=\([0-9.]*\).*/\1/p' <<<"$out")"
  done
  line "loss-$loss%" Mbit/s "$v" ""
done
alloc=""
for seed in 1 2 3; do
  out=$("$JAVA" -cp "$CP" org.netstack4j.bench.TwoStackTransfer 200 0 1500 "$seed" 2>/dev/null)
  alloc+=" $(sed -n 's/.*alloc_bytes_per_frame=\([0-9.]*\).*/\1/p' <<<"$out")"
done
line alloc-per-frame bytes "$alloc" ""

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
kill_kernel_iperf() {
  [ -f "bench/target/iperf3-$sfx.pid" ] && kill "$(cat "bench/target/iperf3-$sfx.pid")" 2>/dev/null || true
  rm -f "bench/target/iperf3-$sfx.pid"
}
cleanup() {
  stop_servers
  stop_stack
  kill_kernel_iperf
  for ns in "$NS_C" "$NS_K1" "$NS_K2"; do ip netns del "$ns" 2>/dev/null || true; done
}
trap cleanup EXIT
command -v iperf3 >/dev/null || { echo "bench: iperf3 is needed for the kernel comparisons (apt-get install iperf3)"; exit 1; }
command -v ethtool >/dev/null ||
  echo "# note: no ethtool here, so the veth pair keeps its offloads (TSO, GSO, checksums) in every configuration"

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

# The stack on a TAP whose kernel side sits in namespace NS_C: start_stack MTU on|off
start_stack() {
  local log=bench/target/bench-stack.log
  ip netns del "$NS_C" 2>/dev/null || true
  bin/netstack4j run --tap "$TAP" --address 10.78.0.2/24 --peer-address 10.78.0.1/24 --netns "$NS_C" \
    --mtu "$1" --offload "$2" --services echo,discard,iperf3 >"$log" 2>&1 &
  stack_pid=$!
  for _ in $(seq 1 300); do grep -q '^ready:' "$log" && break; kill -0 "$stack_pid" 2>/dev/null || break; sleep 0.1; done
  grep -q '^ready:' "$log" || { echo "bench: the stack did not start:"; cat "$log"; exit 1; }
  # TCP clients close first and leave TIME_WAIT behind: the whole port range, and TIME_WAIT reuse (RFC 6191).
  ip netns exec "$NS_C" sysctl -qw net.ipv4.ip_local_port_range="1024 65535" net.ipv4.tcp_tw_reuse=1
}
stop_stack() {
  if [ -n "$stack_pid" ]; then
    kill -TERM "$stack_pid" 2>/dev/null && wait "$stack_pid" 2>/dev/null || true
    stack_pid=""
  fi
}
# The kernel baseline: two namespaces joined by a veth pair: kernel_link MTU on|off (offloads)
kernel_link() {
  local ns
  kill_kernel_iperf
  for ns in "$NS_K1" "$NS_K2"; do ip netns del "$ns" 2>/dev/null || true; ip netns add "$ns"; ip -n "$ns" link set lo up; done
  ip link add "$VETH" mtu "$1" type veth peer name "${VETH}p" mtu "$1"
  ip link set "$VETH" netns "$NS_K1"; ip link set "${VETH}p" netns "$NS_K2"
  ip -n "$NS_K1" addr add 10.79.0.1/24 dev "$VETH"; ip -n "$NS_K2" addr add 10.79.0.2/24 dev "${VETH}p"
  ip -n "$NS_K1" link set "$VETH" up; ip -n "$NS_K2" link set "${VETH}p" up
  local dev
  for dev in "$NS_K1:$VETH" "$NS_K2:${VETH}p"; do
    ip netns exec "${dev%%:*}" ethtool -K "${dev#*:}" tso "$2" gso "$2" gro "$2" tx "$2" rx "$2" >/dev/null 2>&1 || true
  done
  ip netns exec "$NS_K1" sysctl -qw net.ipv4.ip_local_port_range="1024 65535" net.ipv4.tcp_tw_reuse=1
  ip netns exec "$NS_K2" iperf3 -s -D -I "$PWD/bench/target/iperf3-$sfx.pid" >/dev/null
  for _ in $(seq 1 50); do ip netns exec "$NS_K2" ss -ltn | grep -q ':5201 ' && break; sleep 0.1; done
}
# One iperf3 run: namespace, server, extra flags. Prints "Mbit/s cores-per-Gbit/s" from its JSON report (the
# CPU figure is the server side's: the kernel's iperf3 process, or the stack's JVM through its iperf3 service).
iperf() {
  local ns=$1 server=$2; shift 2
  timeout $((SECONDS_PER_RUN + 30)) ip netns exec "$ns" iperf3 -J -c "$server" -t "$SECONDS_PER_RUN" "$@" 2>/dev/null |
    python3 -c 'import json,sys
try:
    e = json.load(sys.stdin)["end"]
    bps = e["sum_received"]["bits_per_second"]
    cpu = e["cpu_utilization_percent"]["remote_total"] / 100
    print("%.1f %.3f" % (bps / 1e6, cpu / (bps / 1e9)))
except Exception:
    pass' || true
}
# bulk NAME MTU on|off: iperf3 to and from the stack and, for the baseline, across the veth pair; 3+ runs each
bulk() {
  local name=$1 mtu=$2 off=$3 ts="" tk="" fs="" fk="" cs="" ck="" r
  start_stack "$mtu" "$off"; kernel_link "$mtu" "$off"
  # One run each way first, not counted: a fresh JVM interprets the send and receive paths until the JIT has
  # compiled them (seconds), and the figures are for a running stack. The veth gets the same runs.
  local wts wfs
  wts=$(iperf "$NS_C" 10.78.0.2); iperf "$NS_K1" 10.79.0.2 >/dev/null
  wfs=$(iperf "$NS_C" 10.78.0.2 -R); iperf "$NS_K1" 10.79.0.2 -R >/dev/null
  echo "# bulk-$name warm-up runs, not counted: to the stack ${wts% *} Mbit/s, from the stack ${wfs% *} Mbit/s"
  for _ in $(seq "$RUNS"); do
    r=$(iperf "$NS_C" 10.78.0.2); ts+=" ${r% *}"; cs+=" ${r#* }"
    r=$(iperf "$NS_K1" 10.79.0.2); tk+=" ${r% *}"; ck+=" ${r#* }"
    r=$(iperf "$NS_C" 10.78.0.2 -R); fs+=" ${r% *}"
    r=$(iperf "$NS_K1" 10.79.0.2 -R); fk+=" ${r% *}"
  done
  line "bulk-to-stack-$name" Mbit/s "$ts" "$tk"
  line "bulk-from-stack-$name" Mbit/s "$fs" "$fk"
  [ "$name" = 1500 ] && line cpu-per-gbit "cores/(Gbit/s)" "$cs" "$ck"
  # Frames the kernel could not queue to the TAP because the stack did not read them fast enough.
  echo "# kernel TAP queue drops during bulk-$name: $(ip -n "$NS_C" -s link show "$TAP" | awk '/TX:/ {getline; print $4; exit}')"
  stop_stack
  grep -o 'closed .*' bench/target/bench-stack.log | sed 's/^/# stack device at exit: /' || true
}

echo "# ICMP echo round trip from the kernel: $RUNS runs of 200 pings, 56 data bytes"
start_stack 1500 off; kernel_link 1500 off
ping_rtts() { ip netns exec "$1" ping -n -c 200 -i 0.01 -W 2 "$2" | sed -n 's/.*time=\([0-9.]*\) ms/\1/p' | awk '{printf "%.1f\n", $1*1000}'; }
pct() { sort -g | awk -v p="$1" '{v[NR]=$1} END {i=int(NR*p/100+0.999); if (i<1) i=1; print v[i]}'; }
s50=""; s99=""; k50=""; k99=""
for _ in $(seq "$RUNS"); do
  r=$(ping_rtts "$NS_C" 10.78.0.2); s50+=" $(pct 50 <<<"$r")"; s99+=" $(pct 99 <<<"$r")"
  r=$(ping_rtts "$NS_K1" 10.79.0.2); k50+=" $(pct 50 <<<"$r")"; k99+=" $(pct 99 <<<"$r")"
done
line icmp-rtt-p50 us "$s50" "$k50"
line icmp-rtt-p99 us "$s99" "$k99"

echo "# TCP echo (port 7), MTU 1500, no offloads: 1-byte ping-pong on one connection (round trips/s, p50, p99);"
echo "# connect + 1-byte request/answer + close, one after the other; $SECONDS_PER_RUN s x $RUNS runs"
start_server TcpEchoServer 7
cs=""; ck=""; ps=""; pk=""; p50s=""; p50k=""; p99s=""; p99k=""
rr() { # namespace server: prints "round-trips/s p50 p99" or nothing
  measure "$1" TcpPingPong 'round_trips_per_second' "$2" 7 "$SECONDS_PER_RUN" >/dev/null
  tail -1 bench/target/bench-clients.log | grep "^TcpPingPong $2 .* in $1: " |
    sed -n 's/.*round_trips_per_second=\([0-9.]*\) p50_us=\([0-9.]*\) p99_us=\([0-9.]*\).*/\1 \2 \3/p'
}
for _ in $(seq "$RUNS"); do
  read -r a b c <<<"$(rr "$NS_C" 10.78.0.2)"; ps+=" $a"; p50s+=" $b"; p99s+=" $c"
  read -r a b c <<<"$(rr "$NS_K1" 10.79.0.2)"; pk+=" $a"; p50k+=" $b"; p99k+=" $c"
  cs+=" $(measure "$NS_C" TcpConnectLoad connections_per_second 10.78.0.2 7 "$SECONDS_PER_RUN")"
  ck+=" $(measure "$NS_K1" TcpConnectLoad connections_per_second 10.79.0.2 7 "$SECONDS_PER_RUN")"
done
stop_servers
line tcp-request-response round-trips/s "$ps" "$pk"
line tcp-rr-p50 us "$p50s" "$p50k"
line tcp-rr-p99 us "$p99s" "$p99k"
line tcp-connect connections/s "$cs" "$ck"

echo "# memory: $IDLE_CONNECTIONS idle established connections to the stack's discard service, heap used after a"
echo "# full GC minus before, per connection (the stack's JVM: connections, queues, and the discard service, which serves them on the loop without a thread each)"
heap_kb() { # heap used (KB) after a full GC: survivor spaces, eden, old generation
  "$JAVA_HOME/bin/jcmd" "$stack_pid" GC.run >/dev/null 2>&1; sleep 0.5
  "$JAVA_HOME/bin/jstat" -gc "$stack_pid" | awk 'NR==2 {print $3+$4+$6+$8}' || true
}
ulimit -n 65536 2>/dev/null || true
ms=""; totals=""
for _ in $(seq "$RUNS"); do
  before=$(heap_kb)
  fifo=bench/target/hold-$sfx.fifo; rm -f "$fifo"; mkfifo "$fifo"
  ip netns exec "$NS_C" "$JAVA" -cp "$CP" org.netstack4j.bench.TcpHoldConnections 10.78.0.2 9 "$IDLE_CONNECTIONS" \
    <"$fifo" >bench/target/hold.log 2>&1 &
  hold_pid=$!; exec 9>"$fifo"
  for _ in $(seq 1 1200); do grep -q '^held=' bench/target/hold.log && break; kill -0 "$hold_pid" 2>/dev/null || break; sleep 0.1; done
  if grep -q '^held=' bench/target/hold.log; then
    after=$(heap_kb)
    ms+=" $(awk -v a="$after" -v b="$before" -v n="$IDLE_CONNECTIONS" 'BEGIN {printf "%.0f", (a-b)*1024/n}')"
    totals+=" $(awk -v a="$after" 'BEGIN {printf "%.1f", a/1024}')"
  else
    echo "# note: holding $IDLE_CONNECTIONS connections failed: $(tail -1 bench/target/hold.log)"
  fi
  exec 9>&-; wait "$hold_pid" 2>/dev/null || true; rm -f "$fifo"
  sleep 2
done
line idle-connection-heap bytes/connection "$ms" ""
line idle-connections-heap-total MB "$totals" ""
stop_stack

stop_servers
echo "# UDP echo: 64-byte datagrams, 32 in flight, $SECONDS_PER_RUN s x $RUNS runs"
start_stack 1500 off
start_server UdpEchoServer 7
sv=""; kv=""
for _ in $(seq "$RUNS"); do
  sv+=" $(measure "$NS_C" UdpEchoLoad echoes_per_second 10.78.0.2 7 "$SECONDS_PER_RUN" 32 64)"
  kv+=" $(measure "$NS_K1" UdpEchoLoad echoes_per_second 10.79.0.2 7 "$SECONDS_PER_RUN" 32 64)"
done
line udp-echo datagrams/s "$sv" "$kv"
stop_servers; stop_stack

echo "# bulk TCP with iperf3 (one stream, $SECONDS_PER_RUN s x $RUNS runs each way): MTU 1500 without offloads"
echo "# (kernel veth likewise), then with offloads at MTU $MTUS (the veth with its offloads on); the CPU figure is"
echo "# the receiving side's CPU (cores) per Gbit/s at MTU 1500 without offloads"
bulk 1500 1500 off
for mtu in $MTUS; do bulk "$mtu-offload" "$mtu" on; done
if grep -q -e ' failed: ' -e 'failed=[1-9]' bench/target/bench-clients.log; then
  echo "# note: some client runs failed or lost connections: see bench/target/bench-clients.log"
fi

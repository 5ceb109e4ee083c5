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
  ratio=$(awk -v s="$sm" -v k="$km" 'BEGIN { if (k+0 > 0) printf "%.2f", s/k; else print "-" }')
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
stack_pid=""; server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  [ -n "$stack_pid" ] && kill -TERM "$stack_pid" 2>/dev/null && wait "$stack_pid" 2>/dev/null || true
  for ns in "$NS_C" "$NS_K1" "$NS_K2"; do ip netns del "$ns" 2>/dev/null || true; done
  ip link del "$VETH" 2>/dev/null || true
}
trap cleanup EXIT

# The stack on a TAP whose kernel side sits in namespace NS_C.
log=bench/target/bench-stack.log
bin/netstack4j run --tap "$TAP" --address 10.78.0.2/24 --peer-address 10.78.0.1/24 --netns "$NS_C" \
  --services echo >"$log" 2>&1 &
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
ip netns exec "$NS_K2" "$JAVA" -cp "$CP" org.netstack4j.bench.UdpEchoServer 10.79.0.2 7 >/dev/null 2>&1 &
server_pid=$!
sv=""; kv=""
for _ in $(seq "$RUNS"); do
  sv+=" $(ip netns exec "$NS_C" "$JAVA" -cp "$CP" org.netstack4j.bench.UdpEchoLoad 10.78.0.2 7 "$SECONDS_PER_RUN" 32 64 | sed -n 's/echoes_per_second=\([0-9]*\).*/\1/p')"
  kv+=" $(ip netns exec "$NS_K1" "$JAVA" -cp "$CP" org.netstack4j.bench.UdpEchoLoad 10.79.0.2 7 "$SECONDS_PER_RUN" 32 64 | sed -n 's/echoes_per_second=\([0-9]*\).*/\1/p')"
done
line udp-echo datagrams/s "$sv" "$kv"

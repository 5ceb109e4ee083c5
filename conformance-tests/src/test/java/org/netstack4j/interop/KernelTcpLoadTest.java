package org.netstack4j.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.netstack4j.interop.TcpInterop.SOON;
import static org.netstack4j.interop.TcpInterop.await;
import static org.netstack4j.interop.TcpInterop.context;
import static org.netstack4j.interop.TcpInterop.stackConnectionsOnLocalPort;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.netstack4j.stats.Counter;
import org.netstack4j.tcp.TcpState;

/**
 * Volume and concurrency against the Linux kernel: curl fetches 100 MiB from the stack's HTTP service (the
 * SHA-256 the kernel side computes equals the one computed here from the pattern), keep-alive survives a
 * 404, and 500 kernel clients hold echo connections open at the same time, all served.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES) // a hang fails the test; cleanup still runs
class KernelTcpLoadTest {

    private static final int CLIENTS = 500;

    @BeforeEach
    void needsRootAndTun() {
        KernelPeer.assumeTapPossible();
        KernelPeer.assumeTool("ss");
    }

    @Test
    void curlFetchesOneHundredMegabytes(TestInfo info) {
        assumeCurl();
        long n = 100L << 20;
        String expected = TcpInterop.httpPatternSha256(n);
        try (KernelPeer peer = KernelPeer.overTap(KernelPeer.captureName(info), 1500)) {
            Sh.Result r = peer.exec(Duration.ofMinutes(8), null, "bash", "-c",
                    "set -o pipefail; curl -sS --fail --max-time 420 http://" + peer.stackIp() + "/bytes/" + n
                            + " | sha256sum");
            assertEquals(0, r.exitCode(), r.describe() + context(peer));
            assertEquals(expected + "  -", r.stdout().trim(), context(peer));
            await(peer, "the stack's HTTP connection closed", SOON,
                    () -> stackConnectionsOnLocalPort(peer, 80).stream().allMatch(c -> c.state() == TcpState.TIME_WAIT),
                    () -> context(peer));
        }
    }

    @Test
    void curlKeepsTheConnectionAliveAcrossA404(TestInfo info) {
        assumeCurl();
        try (KernelPeer peer = KernelPeer.overTap(KernelPeer.captureName(info), 1500)) {
            String base = "http://" + peer.stackIp();
            Sh.Result r = peer.exec(SOON, null, "curl", "-sS", "-o", "/dev/null", "-o", "/dev/null",
                    "-w", "%{http_code} %{size_download} %{num_connects}\\n", base + "/nothing-here", base + "/bytes/1000");
            assertEquals(0, r.exitCode(), r.describe() + context(peer));
            // The second transfer reuses the first connection: no new connect.
            assertEquals(List.of("404 24 1", "200 1000 0"), r.stdout().lines().toList(), r.describe() + context(peer));
            assertEquals(1, peer.counter(Counter.TCP_PASSIVE_OPENS), context(peer));
        }
    }

    @Test
    void fiveHundredConcurrentEchoClients(TestInfo info) {
        KernelPeer.assumeTool("socat");
        Path dir = TcpInterop.workDir(info);
        // Each client connects, sends one line and keeps its stdin open until the gate (a FIFO) closes: so all
        // connections are open at once. The gate is opened for reading before socat starts, and the script
        // holds the only writer until the test says "go" on its stdin. Each client then reports ok or fail.
        String script = """
                set -u
                dir=$1; ip=$2; n=$3
                mkfifo "$dir/gate"
                exec 3<>"$dir/gate"
                for i in $(seq 1 "$n"); do
                  (
                    exec 4<"$dir/gate" 3>&-
                    { printf 'hello %d\\n' "$i"; cat <&4 >/dev/null; } \\
                      | socat -t 60 - "TCP:$ip:7" >"$dir/out.$i" 2>"$dir/err.$i"
                    status=$?
                    if [ "$status" = 0 ] && [ "$(cat "$dir/out.$i")" = "hello $i" ]; then
                      echo ok
                    else
                      echo "fail $i: exit $status, got '$(head -c 100 "$dir/out.$i")', $(cat "$dir/err.$i")"
                    fi
                  ) </dev/null &
                done
                read -r go
                exec 3>&-
                wait
                """;
        Path scriptFile = TcpInterop.write(dir.resolve("clients.sh"), script.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        Path results = dir.resolve("results.txt");
        try (KernelPeer peer = KernelPeer.overTap(KernelPeer.captureName(info), 1500);
             Sh.Background clients = peer.background("sh", "-c", "bash " + scriptFile + " " + dir + " "
                     + peer.stackIp() + " " + CLIENTS + " >" + results + " 2>&1")) {
            await(peer, CLIENTS + " echo connections established at once", Duration.ofMinutes(4),
                    () -> stackConnectionsOnLocalPort(peer, 7).stream()
                            .filter(c -> c.state() == TcpState.ESTABLISHED).count() == CLIENTS,
                    () -> "established: " + stackConnectionsOnLocalPort(peer, 7).stream()
                            .filter(c -> c.state() == TcpState.ESTABLISHED).count()
                            + "\n--- client results so far:\n" + new String(TcpInterop.read(results))
                            + context(peer));
            clients.write("go\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            int exit = clients.awaitExit(Duration.ofMinutes(4));
            List<String> lines = new String(TcpInterop.read(results)).lines().toList();
            String failures = String.join("\n", lines.stream().filter(l -> !l.equals("ok")).limit(20).toList());
            assertEquals(0, exit, "client script: " + clients.stderrIfExited() + "\n" + failures + context(peer));
            assertEquals(CLIENTS, lines.stream().filter(l -> l.equals("ok")).count(), failures + context(peer));
            // Every client closed first: the stack's connections all end in CLOSED.
            await(peer, "every echo connection closed", SOON,
                    () -> stackConnectionsOnLocalPort(peer, 7).isEmpty(), () -> context(peer));
            assertEquals(CLIENTS, peer.counter(Counter.TCP_PASSIVE_OPENS), context(peer));
        }
    }

    private static void assumeCurl() {
        assumeTrue(Sh.succeeds("sh", "-c", "command -v curl"),
                "skipped: curl is not installed (apt-get install curl; .ci/run installs it)");
    }
}

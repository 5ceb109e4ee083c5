package org.netstack4j.packetdrill;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code --kernel}: runs each script with the real {@code packetdrill} binary against the Linux kernel and with
 * our runner, and prints a side-by-side report (script, Linux result, netstack4j result, first difference).
 * The binary is not a Debian package; without it this says how to build it and exits 2.
 */
final class KernelComparison {
    private static final long TIMEOUT_SECONDS = 120;

    private KernelComparison() {
    }

    /** The packetdrill binary on the PATH, or null. */
    static Path binary() {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, "packetdrill");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    static int run(List<Path> scripts, Map<String, String> flags, Map<String, String> defines, BatchRunner ours,
                   PrintWriter out, PrintWriter err) {
        Path bin = binary();
        if (bin == null) {
            err.println("netstack4j: --kernel needs the packetdrill binary on the PATH; it is not packaged: build it from"
                    + " https://github.com/google/packetdrill (cd gtests/net/packetdrill && ./configure && make),"
                    + " put it on the PATH and run as root");
            err.flush();
            return 2;
        }
        List<ScriptResult> mine = ours.run(scripts);
        out.printf("%-50s %-6s %-10s %s%n", "SCRIPT", "LINUX", "NETSTACK4J", "FIRST DIFFERENCE");
        int differ = 0;
        for (int i = 0; i < scripts.size(); i++) {
            Kernel k = kernel(bin, scripts.get(i), flags, defines);
            ScriptResult m = mine.get(i);
            String diff = "";
            if (!k.status().equals(m.status().name())) {
                differ++;
                diff = k.status().equals("PASS") ? "netstack4j: " + m.detail() : "linux: " + k.firstError();
            }
            out.printf("%-50s %-6s %-10s %s%n", scripts.get(i), k.status(), m.status(), diff);
        }
        out.println(scripts.size() + " scripts, " + differ + " with different results");
        out.flush();
        return differ > 0 ? PacketdrillCommand.SCRIPT_FAILED : 0;
    }

    private record Kernel(String status, String firstError) {
    }

    private static Kernel kernel(Path bin, Path script, Map<String, String> flags, Map<String, String> defines) {
        List<String> cmd = new ArrayList<>();
        cmd.add(bin.toString());
        flags.forEach((k, v) -> cmd.add("--" + k + "=" + v));
        defines.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add(script.getFileName().toString());
        try {
            Process p = new ProcessBuilder(cmd).directory(script.toAbsolutePath().getParent().toFile())
                    .redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Kernel("FAIL", "timed out after " + TIMEOUT_SECONDS + " s");
            }
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.exitValue() == 0) {
                return new Kernel("PASS", "");
            }
            String first = output.lines().filter(l -> !l.isBlank()).findFirst().orElse("exit " + p.exitValue());
            return new Kernel("FAIL", first);
        } catch (IOException e) {
            return new Kernel("FAIL", "cannot run packetdrill: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Kernel("FAIL", "interrupted");
        }
    }
}

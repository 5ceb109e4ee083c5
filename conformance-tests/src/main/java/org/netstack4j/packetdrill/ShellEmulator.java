package org.netstack4j.packetdrill;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Emulates the shell commands of a script without running anything on the host. Public scripts use them to
 * set Linux sysctls; those of net.ipv4.tcp_* and net.core.* that the stack has an equivalent for are mapped onto
 * {@link StackSettings}, traffic-control and link commands aimed at the test interface are ignored, and
 * anything else makes the script SKIP with the command named. Script files a command runs (relative to the
 * script's directory) are read for the same settings.
 */
final class ShellEmulator {
    /** The test interface packetdrill creates; commands aimed at it configure the (absent) real device. */
    private static final Pattern TEST_INTERFACE = Pattern.compile("\\b(tun0|\\$TUN|\\$\\{?DEV\\}?)\\b");
    private static final Pattern PROC_SYS = Pattern.compile("echo\\s+\"?([^\">]*?)\"?\\s*>\\s*/proc/sys/(\\S+)");
    private final Path scriptDir;
    private final StackSettings settings;

    ShellEmulator(Path scriptDir, StackSettings settings) {
        this.scriptDir = scriptDir;
        this.settings = settings;
    }

    /** Applies {@code command}; returns null, or why the script cannot run (the command named). */
    String apply(String command) {
        return apply(command, 0);
    }

    private String apply(String command, int depth) {
        for (String raw : command.split("\\n|;|&&|\\|\\|")) {
            String cmd = raw.strip();
            if (cmd.isEmpty() || cmd.startsWith("#")) {
                continue;
            }
            String why = one(cmd, depth);
            if (why != null) {
                return why;
            }
        }
        return null;
    }

    private String one(String cmd, int depth) {
        Matcher proc = PROC_SYS.matcher(cmd);
        if (proc.find()) {
            return sysctl(proc.group(2).replace('/', '.'), proc.group(1).strip(), cmd);
        }
        List<String> words = List.of(cmd.split("\\s+"));
        String prog = words.get(0);
        switch (prog) {
            case "sysctl": {
                for (String w : words.subList(1, words.size())) {
                    if (w.startsWith("-")) {
                        continue;
                    }
                    int eq = w.indexOf('=');
                    if (eq < 0) {
                        continue; // reading a value changes nothing
                    }
                    String why = sysctl(w.substring(0, eq), unquote(w.substring(eq + 1)), cmd);
                    if (why != null) {
                        return why;
                    }
                }
                return null;
            }
            case "true", ":", "set", "export", "sleep", "wait":
                return null;
            case "tc":
                return null; // traffic control on the test interface: there is no real device to shape
            case "ip", "ifconfig", "ethtool":
                return TEST_INTERFACE.matcher(cmd).find() ? null
                        : "shell command '" + cmd + "' is not aimed at the test interface and cannot be emulated";
            case "sh", "bash", "python", "python3":
                return words.size() > 1 ? file(words.get(1), cmd, depth) : unsupported(cmd);
            default:
                if (prog.startsWith("./") || prog.startsWith("../") || prog.endsWith(".sh") || prog.endsWith(".py")) {
                    return file(prog, cmd, depth);
                }
                return unsupported(cmd);
        }
    }

    private static String unquote(String v) {
        String s = v.strip();
        if (s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'"))) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }

    private static String unsupported(String cmd) {
        return "shell command '" + cmd + "' cannot be emulated";
    }

    /** Reads the sysctl settings of a script file the command runs. */
    private String file(String name, String cmd, int depth) {
        Path f = scriptDir.resolve(name).normalize();
        if (depth > 4 || !Files.isRegularFile(f)) {
            return "shell command '" + cmd + "' runs " + name + ", which was not found next to the script";
        }
        String text;
        try {
            text = Files.readString(f);
        } catch (IOException e) {
            return "shell command '" + cmd + "' runs " + name + ", which cannot be read: " + e.getMessage();
        }
        StringBuilder settingsOnly = new StringBuilder();
        for (String line : text.split("\\n")) {
            String l = line.strip();
            if (l.startsWith("sysctl") || PROC_SYS.matcher(l).find()) {
                settingsOnly.append(l).append('\n');
            } else {
                // a python helper writing /proc/sys through open(): take the path and value it names
                Matcher py = Pattern.compile("/proc/sys/(net/[a-z0-9_/]+)['\"].*?['\"]([^'\"]+)['\"]").matcher(l);
                if (py.find()) {
                    settingsOnly.append("sysctl ").append(py.group(1).replace('/', '.')).append('=')
                            .append(py.group(2)).append('\n');
                }
            }
        }
        return apply(settingsOnly.toString(), depth + 1);
    }

    /** Maps one sysctl; returns null or why the script cannot run. */
    String sysctl(String name, String value, String cmd) {
        String v = value.strip();
        try {
            switch (name) {
                case "net.ipv4.tcp_syn_retries" -> settings.profile("synRetries", Integer.parseInt(v));
                case "net.ipv4.tcp_synack_retries" -> settings.profile("synAckRetries", Integer.parseInt(v));
                case "net.ipv4.tcp_retries2" -> settings.profile("dataRetries", Integer.parseInt(v));
                case "net.ipv4.tcp_fin_timeout" -> settings.profileSeconds("finWait2Timeout", Long.parseLong(v));
                case "net.ipv4.tcp_keepalive_time" -> settings.profileSeconds("keepaliveIdle", Long.parseLong(v));
                case "net.ipv4.tcp_keepalive_intvl" -> settings.profileSeconds("keepaliveInterval", Long.parseLong(v));
                case "net.ipv4.tcp_keepalive_probes" -> settings.profile("keepaliveProbes", Integer.parseInt(v));
                case "net.ipv4.tcp_rto_min_us" -> settings.profile("minRto", java.time.Duration.ofNanos(Long.parseLong(v) * 1000));
                case "net.ipv4.tcp_rmem" -> settings.tcpBuffers(middle(v), -1);
                case "net.ipv4.tcp_wmem" -> settings.tcpBuffers(-1, middle(v));
                case "net.core.rmem_default" -> settings.udpBuffers(Integer.parseInt(v), -1);
                case "net.core.wmem_default" -> settings.udpBuffers(-1, Integer.parseInt(v));
                // Features the stack does not have: turning them off is what it already does.
                case "net.ipv4.tcp_sack", "net.ipv4.tcp_timestamps", "net.ipv4.tcp_window_scaling",
                     "net.ipv4.tcp_dsack", "net.ipv4.tcp_fack", "net.ipv4.tcp_fastopen", "net.ipv4.tcp_autocorking",
                     "net.ipv4.tcp_ecn", "net.ipv4.tcp_mtu_probing", "net.ipv4.tcp_tso_win_divisor",
                     "net.ipv4.tcp_early_retrans", "net.ipv4.tcp_frto", "net.ipv4.tcp_thin_linear_timeouts" -> {
                    if (!v.equals("0")) {
                        return "sysctl " + name + "=" + v + " needs a feature the stack does not have";
                    }
                }
                // No metrics cache and no receive-buffer auto-tuning: these settings describe the stack already.
                case "net.ipv4.tcp_no_metrics_save" -> {
                    if (!v.equals("1")) {
                        return "sysctl " + name + "=" + v + " needs a route metrics cache, which the stack does not have";
                    }
                }
                case "net.ipv4.tcp_moderate_rcvbuf" -> {
                    if (!v.equals("0")) {
                        return "sysctl " + name + "=" + v + " needs receive-buffer auto-tuning, which the stack does not have";
                    }
                }
                case "net.ipv4.tcp_syncookies" -> {
                    // 1 (Linux's default) only sends cookies when the SYN queue overflows.
                    if (!v.equals("0") && !v.equals("1")) {
                        return "sysctl " + name + "=" + v + " needs SYN cookies, which the stack does not have";
                    }
                }
                case "net.ipv4.tcp_congestion_control" -> {
                    if (!v.equals("reno")) {
                        return "sysctl " + name + "=" + v + ": the stack implements only reno (NewReno)";
                    }
                }
                case "net.core.rmem_max", "net.core.wmem_max" -> {
                    if (!v.equals("212992")) {
                        return "sysctl " + name + "=" + v + ": the stack's limit is fixed at 212992";
                    }
                }
                default -> {
                    if (name.startsWith("net.ipv4.tcp_") || name.startsWith("net.core.")) {
                        return "sysctl " + name + "=" + v + " has no equivalent in the stack";
                    }
                    return "shell command '" + cmd + "' sets " + name + ", which cannot be emulated";
                }
            }
        } catch (NumberFormatException e) {
            return "sysctl " + name + "=" + v + ": not a number";
        }
        return null;
    }

    private static int middle(String triple) {
        String[] parts = triple.strip().split("\\s+");
        return Integer.parseInt(parts.length == 3 ? parts[1] : parts[0]);
    }
}

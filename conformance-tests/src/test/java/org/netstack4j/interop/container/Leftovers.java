package org.netstack4j.interop.container;

import com.github.dockerjava.api.DockerClient;
import java.util.List;
import java.util.Map;
import org.testcontainers.DockerClientFactory;

/**
 * Removes what an earlier test JVM left behind when it was killed before it could clean up (a surefire
 * timeout, a kill -9): containers, networks and images carrying our {@link #KIND} label whose {@link #PID}
 * label names a process that no longer runs. Those of a JVM still running (another build on this machine)
 * are left alone. Run once per test run, before the image is built.
 */
final class Leftovers {

    /** Label on every image, network and container these tests create. */
    static final String KIND = "org.netstack4j.test";
    /** Label holding the pid of the JVM that created the object. */
    static final String PID = "org.netstack4j.test.pid";
    /** The value of {@link #KIND}. */
    static final String PEER = "container-peer";

    private Leftovers() {
    }

    /** The labels for an object created by this JVM. */
    static Map<String, String> labels() {
        return Map.of(KIND, PEER, PID, String.valueOf(ProcessHandle.current().pid()));
    }

    /** Removes the objects of dead JVMs; returns how many. */
    static int removeOrphans() {
        DockerClient client = DockerClientFactory.lazyClient();
        Map<String, String> ours = Map.of(KIND, PEER);
        int removed = 0;
        for (var c : client.listContainersCmd().withShowAll(true).withLabelFilter(ours).exec()) {
            if (orphaned(c.getLabels())) {
                client.removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec();
                removed++;
            }
        }
        for (var n : client.listNetworksCmd().withFilter("label", List.of(KIND + "=" + PEER)).exec()) {
            if (orphaned(n.getLabels())) {
                client.removeNetworkCmd(n.getId()).exec();
                removed++;
            }
        }
        for (var i : client.listImagesCmd().withLabelFilter(ours).exec()) {
            if (orphaned(i.getLabels())) {
                client.removeImageCmd(i.getId()).withForce(true).exec();
                removed++;
            }
        }
        return removed;
    }

    private static boolean orphaned(Map<String, String> labels) {
        String pid = labels == null ? null : labels.get(PID);
        if (pid == null || !pid.matches("\\d{1,18}")) {
            return false; // not made by these tests as they are now: leave it
        }
        return ProcessHandle.of(Long.parseLong(pid)).isEmpty();
    }
}

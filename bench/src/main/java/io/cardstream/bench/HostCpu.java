package io.cardstream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What the benchmark can tell of the host's processors on Linux: their model, and the share of CPU time the
 * hypervisor gave to other guests ("steal" in {@code /proc/stat}). Machines of one kind differ by a factor of two in
 * speed (README Performance); the model and the steal during a run say whether it ran on a slower processor or a
 * busier host. Elsewhere both are simply absent.
 */
final class HostCpu {

    private static final Path STAT = Path.of("/proc/stat");
    private static final Path CPUINFO = Path.of("/proc/cpuinfo");
    /** user, nice, system, idle, iowait, irq, softirq, steal: guest time is already counted in user and nice. */
    private static final int FIELDS = 8;

    private static final int STEAL = 7;

    private HostCpu() {}

    /** The first processor's model name, if the OS tells it. */
    static Optional<String> model() {
        try {
            return Files.readAllLines(CPUINFO).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The machine's CPU time counters so far (jiffies), or empty where there is no {@code /proc/stat}. */
    static Optional<long[]> counters() {
        try {
            return Files.readAllLines(STAT).stream()
                    .filter(l -> l.startsWith("cpu "))
                    .findFirst()
                    .map(HostCpu::parse);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The counters of {@code /proc/stat}'s aggregate "cpu" line. */
    static long[] parse(String cpuLine) {
        String[] parts = cpuLine.trim().split("\\s+");
        long[] counters = new long[FIELDS];
        for (int i = 0; i < FIELDS && i + 1 < parts.length; i++) {
            counters[i] = Long.parseLong(parts[i + 1]);
        }
        return counters;
    }

    /** The share of all CPU time between the two readings that was stolen, 0 to 1; -1 when no time passed. */
    static double stealShare(long[] before, long[] after) {
        long total = 0;
        for (int i = 0; i < FIELDS; i++) {
            total += after[i] - before[i];
        }
        return total > 0 ? (after[STEAL] - before[STEAL]) / (double) total : -1;
    }
}

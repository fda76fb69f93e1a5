package io.cardstream.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A process's peak resident memory (VmHWM in /proc, Linux), for the demo's closing memory line. */
final class PeakMemory {

    private PeakMemory() {}

    /** Peak resident bytes of process {@code pid}; -1 where /proc does not tell. */
    static long of(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    static String format(long bytes) {
        if (bytes < 0) {
            return "unknown";
        }
        return bytes >= 1L << 30
                ? String.format("%.2f GB", bytes / (double) (1L << 30))
                : String.format("%d MB", bytes >> 20);
    }
}

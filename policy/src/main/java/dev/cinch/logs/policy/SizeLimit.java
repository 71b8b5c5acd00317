package dev.cinch.logs.policy;

import java.util.Locale;

/**
 * How much of a job's output a size limit keeps: the first {@code keepHead} and the last {@code keepTail} bytes of
 * what the job printed. Either may be 0 (keep only the end, or only the start).
 *
 * @param keepHead bytes kept from the start
 * @param keepTail bytes kept from the end
 */
public record SizeLimit(long keepHead, long keepTail) {
    public SizeLimit {
        if (keepHead < 0 || keepTail < 0) {
            throw new IllegalArgumentException("keep-head and keep-tail must be >= 0, got " + keepHead + " and " + keepTail);
        }
    }

    /** {@code 1 MiB}, {@code 512 KiB}, {@code 1000 B}: the largest binary unit that divides the size exactly. */
    public static String formatSize(long bytes) {
        String[] units = {"GiB", "MiB", "KiB"};
        int[] shifts = {30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << shifts[i];
            if (bytes >= unit && bytes % unit == 0) {
                return String.format(Locale.ROOT, "%d %s", bytes / unit, units[i]);
            }
        }
        return bytes + " B";
    }

    @Override
    public String toString() {
        return "keep-head " + formatSize(keepHead) + ", keep-tail " + formatSize(keepTail);
    }
}

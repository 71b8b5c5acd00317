package dev.cinch.bench;

/** The sizes of log the read benchmarks use, as JMH parameter strings ({@code 1MiB}, {@code 64MiB}, {@code 1GiB}). */
final class LogSize {
    private LogSize() {
    }

    static long parse(String size) {
        if (size.endsWith("GiB")) {
            return Long.parseLong(size.substring(0, size.length() - 3)) << 30;
        }
        if (size.endsWith("MiB")) {
            return Long.parseLong(size.substring(0, size.length() - 3)) << 20;
        }
        if (size.endsWith("KiB")) {
            return Long.parseLong(size.substring(0, size.length() - 3)) << 10;
        }
        return Long.parseLong(size);
    }
}

package dev.cinch.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * Progress of a long operator command (verify, archive, cleanup) on stderr: a bar with count, bytes, rate and ETA when
 * stderr is a terminal, and otherwise one plain line every few seconds and at the end, so logs of cron jobs and CI
 * stay readable. Stdout carries only the command's results. A negative total means not known in advance: count and
 * rate without an ETA.
 */
final class Progress implements AutoCloseable {
    private static final long PLAIN_LINE_EVERY_NANOS = Duration.ofSeconds(5).toNanos();

    private final String task;
    private final String unit;
    private final long total;
    private final PrintStream err;
    private final ProgressBar bar;
    private final long startNanos = System.nanoTime();
    private long lastLineNanos = startNanos;
    private long done;
    private long bytes;

    private Progress(String task, String unit, long total, PrintStream err, boolean terminal) {
        this.task = task;
        this.unit = unit;
        this.total = total;
        this.err = err;
        this.bar = terminal ? new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setUnit(" " + unit, 1)
                .setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(err))
                .setUpdateIntervalMillis(250)
                .showSpeed()
                .build() : null;
    }

    /** Starts reporting on the CLI's stderr: a bar only when that is the process's stderr and it is a terminal. */
    static Progress start(Cinchlog cli, String task, String unit, long total) {
        boolean terminal = cli.err == System.err && System.console() != null;
        return new Progress(task, unit, total, cli.err, terminal);
    }

    /** One item done, {@code itemBytes} of log bytes with it. */
    void step(long itemBytes) {
        done++;
        bytes += itemBytes;
        if (bar != null) {
            bar.step();
            bar.setExtraMessage(" " + bytesAndRate());
            return;
        }
        long now = System.nanoTime();
        if (now - lastLineNanos >= PLAIN_LINE_EVERY_NANOS) {
            lastLineNanos = now;
            err.println(line());
        }
    }

    /** The plain progress line: {@code verify: 120/500 logs, 35.2 MiB, 12.1 MiB/s, ETA 31s}. */
    String line() {
        double seconds = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
        if (total < 0) {
            return String.format(Locale.ROOT, "%s: %d %s, %s, %.1f %s/s", task, done, unit, bytesAndRate(), done / seconds, unit);
        }
        String eta = done == 0 || done >= total ? "" : ", ETA " + formatSeconds((total - done) * seconds / done);
        return String.format(Locale.ROOT, "%s: %d/%d %s, %s%s", task, done, total, unit, bytesAndRate(), eta);
    }

    private String bytesAndRate() {
        double seconds = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
        return formatBytes(bytes) + ", " + formatBytes((long) (bytes / seconds)) + "/s";
    }

    static String formatBytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    private static String formatSeconds(double s) {
        long total = Math.round(s);
        return total >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", total / 3600, total / 60 % 60)
                : total >= 60 ? String.format(Locale.ROOT, "%dm%02ds", total / 60, total % 60) : total + "s";
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        } else if (done > 0) {
            err.println(line());
        }
    }
}

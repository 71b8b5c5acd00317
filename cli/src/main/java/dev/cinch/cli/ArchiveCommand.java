package dev.cinch.cli;

import dev.cinch.logs.LogStatus;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.tiered.Archiver;
import dev.cinch.logs.tiered.Sweeper;
import dev.cinch.logs.tiered.TieredLogStore;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "archive", description = {"Move sealed logs down the tiers of the tiered store, as its rules say",
        "(tiered.<tier>.archive-after, archive-larger-than).",
        "Each move is recorded in the database step by step (copy, verify, switch, delete the source), so a stopped",
        "run is resumed by the next one and every log stays readable from exactly one tier.",
        "Each pass first seals the open logs of jobs whose worker went away (no chunk for tiered.sweep-idle and",
        "no writer holding the log) and marks them 'incomplete: worker lost'.",
        "Prints what moved; exits 1 when a move failed (it was rolled back and is tried again next time)."})
final class ArchiveCommand implements Callable<Integer> {
    @ParentCommand
    Cinchlog cli;

    static final class Mode {
        @Option(names = "--once", description = "One pass, then exit (the default).")
        boolean once;

        @Option(names = "--watch", description = "Pass after pass, every --interval, until stopped.")
        boolean watch;
    }

    @ArgGroup(exclusive = true)
    Mode mode;

    @Option(names = "--dry-run", description = "List the moves a pass would make; move nothing.")
    boolean dryRun;

    @Option(names = "--interval", defaultValue = "1m", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "With --watch: time between passes (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--passes", paramLabel = "N", converter = NonNegativeIntConverter.class,
            description = "With --watch: stop after N passes (default: run until stopped).")
    Integer passes;

    @Override
    public Integer call() throws IOException, InterruptedException {
        boolean watch = mode != null && mode.watch;
        if (!watch && passes != null) {
            throw new Cinchlog.UsageException("--passes goes with --watch");
        }
        if (dryRun && watch) {
            throw new Cinchlog.UsageException("--dry-run makes one plan; it does not go with --watch");
        }
        LogStore store = cli.store();
        TieredLogStore tiered = cli.meteredStore().unwrap(TieredLogStore.class).orElseThrow(() ->
                new Cinchlog.UsageException("archive moves logs between tiers; the log store is '" + store.name()
                        + "' (set log-store: tiered and its tiers in the config file)"));
        // Sealed through the whole store, with its policies, as the job itself would have sealed it.
        Sweeper sweeper = tiered.sweeper(store);
        try (Archiver archiver = tiered.archiver(Archiver.processOwner())) {
            if (dryRun) {
                return plan(sweeper, archiver);
            }
            int failed = 0;
            for (int pass = 1; ; pass++) {
                failed = sweep(sweeper) + pass(archiver);
                if (!watch || (passes != null && pass >= passes)) {
                    return failed == 0 ? 0 : Cinchlog.EXIT_FAILURE;
                }
                Thread.sleep(interval.toMillis());
            }
        }
    }

    /** Seals abandoned logs; returns how many could not be sealed. */
    private int sweep(Sweeper sweeper) throws IOException {
        Sweeper.Report report = sweeper.runOnce();
        StringBuilder text = new StringBuilder();
        for (Sweeper.Swept s : report.sealed()) {
            text.append("sealed ").append(s.job()).append(" (").append(s.rawBytes()).append(" bytes, no output for ")
                    .append(idle(s.idleMillis())).append(", no writer): incomplete, ").append(LogStatus.WORKER_LOST).append('\n');
        }
        for (String failure : report.failures()) {
            text.append("failed: ").append(failure).append('\n');
        }
        if (!report.sealed().isEmpty() || !report.failures().isEmpty() || report.heldByWriter() > 0) {
            text.append(String.format(Locale.ROOT, "swept %d abandoned logs, %d idle logs still held by a writer, %d failed%n",
                    report.sealed().size(), report.heldByWriter(), report.failures().size()));
        }
        write(text.toString());
        return report.failures().size();
    }

    private static String idle(long millis) {
        Duration d = Duration.ofMillis(millis);
        return d.toDays() >= 2 ? d.toDays() + "d" : d.toHours() >= 2 ? d.toHours() + "h"
                : d.toMinutes() >= 2 ? d.toMinutes() + "m" : d.toSeconds() + "s";
    }

    private int plan(Sweeper sweeper, Archiver archiver) throws IOException {
        List<Archiver.Move> moves = archiver.plan();
        StringBuilder text = new StringBuilder("dry run: nothing was moved\n");
        for (Sweeper.Swept s : sweeper.plan()) {
            text.append("would seal ").append(s.job()).append(" as incomplete (no output for ").append(idle(s.idleMillis()))
                    .append(") unless a writer still holds it\n");
        }
        long bytes = 0;
        for (Archiver.Move m : moves) {
            bytes += m.rawBytes();
            text.append("would move ").append(m.job()).append(' ').append(m.from()).append(" -> ").append(m.to())
                    .append(" (").append(m.rawBytes()).append(" bytes")
                    .append(m.state() == dev.cinch.logs.tiered.MoveState.RESIDENT ? "" : ", resuming from " + m.state())
                    .append(")\n");
        }
        text.append(String.format(Locale.ROOT, "%d moves, %s%n", moves.size(), Progress.formatBytes(bytes)));
        write(text.toString());
        return 0;
    }

    /** One pass with progress; returns how many moves failed. */
    private int pass(Archiver archiver) throws IOException {
        Progress[] progress = {null};
        Archiver.Report report;
        try {
            report = archiver.runOnce(new Archiver.Listener() {
                @Override
                public void planned(List<Archiver.Move> moves) {
                    progress[0] = Progress.start(cli, "archive", "logs", moves.size());
                }

                @Override
                public void finished(Archiver.Move move, boolean moved) {
                    progress[0].step(moved ? move.rawBytes() : 0);
                }
            });
        } finally {
            if (progress[0] != null) {
                progress[0].close();
            }
        }
        StringBuilder text = new StringBuilder();
        for (String failure : report.failures()) {
            text.append("failed: ").append(failure).append('\n');
        }
        text.append(String.format(Locale.ROOT, "moved %d logs (%s), %d resumed, %d newly recorded, %d failed%n",
                report.moved(), Progress.formatBytes(report.bytesMoved()), report.resumed(), report.recorded(),
                report.failures().size()));
        write(text.toString());
        return report.failures().size();
    }

    private void write(String text) throws IOException {
        cli.out.write(text.getBytes(StandardCharsets.UTF_8));
        cli.out.flush();
    }
}

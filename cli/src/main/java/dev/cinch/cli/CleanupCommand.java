package dev.cinch.cli;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogStore;
import dev.cinch.metadata.CleanupReport;
import dev.cinch.metadata.JobLogDeleter;
import dev.cinch.metadata.RetentionPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

@Command(name = "cleanup", description = {"Retention: delete old finished jobs and their logs.",
        "Deletes jobs (success, failure, error, cancelled) that finished longer ago than --retention, in bounded",
        "batches, and their logs through the configured log store, so every tier is cleaned.",
        "A job whose log cannot be deleted keeps its row for the next run (exit 1).",
        "Each batch is recorded before anything of it is deleted: a run that crashed is finished by the next one.",
        "The metadata database is migrated automatically on first use."})
final class CleanupCommand implements Callable<Integer> {
    @ParentCommand
    Cinchlog cli;

    @Option(names = "--retention", defaultValue = "30d", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Keep jobs that finished within this long, such as 30d or 12h (default: ${DEFAULT-VALUE}).")
    Duration retention;

    @Option(names = "--failed-retention", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Keep jobs that ended in failure or error this long instead (default: as --retention).")
    Duration failedRetention;

    @Option(names = "--keep-last", defaultValue = "0", paramLabel = "N", converter = NonNegativeIntConverter.class,
            description = "Always keep the newest N jobs of each repo and branch, whatever their age (default: ${DEFAULT-VALUE}).")
    int keepLast;

    @Option(names = "--batch-size", defaultValue = "500", paramLabel = "N", converter = NonNegativeIntConverter.class,
            description = "Jobs per batch: each batch is one recorded unit of work and one transaction for its rows (1-10000, default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--dry-run", description = "List what would be deleted; delete nothing.")
    boolean dryRun;

    @Override
    public Integer call() throws IOException {
        LogStore store = cli.store();
        AtomicLong logsDeleted = new AtomicLong();
        // Through the LogStore, not the job_logs cascade, so every tier the store covers is cleaned. Counting only
        // logs that existed makes "logs deleted" mean something: jobs that never produced output have none.
        RetentionPolicy policy = new RetentionPolicy(retention, failedRetention == null ? retention : failedRetention,
                keepLast, batchSize);
        CleanupReport r;
        // How many jobs go is known only as the batches are read: the progress counts and rates without an ETA.
        try (Progress progress = Progress.start(cli, "cleanup", "jobs", -1)) {
            JobLogDeleter deleter = job -> {
                boolean existed = store.exists(job);
                store.delete(job);
                if (existed) {
                    logsDeleted.incrementAndGet();
                }
                progress.step(0);
            };
            r = cli.metadata().cleanup(policy, deleter, dryRun);
        }
        StringBuilder text = new StringBuilder();
        if (r.dryRun()) {
            text.append("dry run: nothing was deleted\n");
            text.append("cutoff:                ").append(r.cutoff()).append('\n');
            text.append("jobs would be deleted: ").append(r.jobsMatched()).append(" (with their logs)\n");
            text.append("batches:               ").append(r.batches()).append('\n');
            for (JobId id : r.jobIds()) {
                text.append("would delete ").append(id.value()).append('\n');
            }
        } else {
            text.append("cutoff:       ").append(r.cutoff()).append('\n');
            text.append("jobs deleted: ").append(r.jobsDeleted()).append('\n');
            text.append("logs deleted: ").append(logsDeleted.get()).append('\n');
            text.append("batches:      ").append(r.batches()).append('\n');
        }
        if (r.idsTruncated()) {
            text.append("(only the first ").append(r.jobIds().size()).append(" job ids are listed)\n");
        }
        cli.out.write(text.toString().getBytes(StandardCharsets.UTF_8));
        cli.out.flush();
        for (Map.Entry<JobId, String> f : r.failures().entrySet()) {
            cli.err.println("cinchlog: job " + f.getKey().value() + ": deleting its logs failed, its row stays for the next run: "
                    + f.getValue());
        }
        return r.failures().isEmpty() ? 0 : Cinchlog.EXIT_FAILURE;
    }
}

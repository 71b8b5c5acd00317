package dev.cinch.metadata;

import dev.cinch.sql.Database;

import dev.cinch.logs.config.CinchConfig;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A worker process for {@link AbstractQueueWorkersProcessTest}: claims jobs from the queue and completes them,
 * sweeping now and then as every server instance would, until no job is pending or running. Prints one line per
 * event, after the database call returned: {@code CLAIM <job> <attempt>}, {@code DONE <job> <attempt>},
 * {@code LOST <job> <attempt>} (the lease expired before completion), and with {@code holdAfter} ≥ 0, after that
 * many completions, {@code HOLD <job> <attempt>} for up to {@code holdCount} claims it never completes, then
 * {@code HOLDING} — and waits to be killed.
 *
 * <p>Arguments: {@code <config key=value,...> <worker id> <labels comma-separated or -> <lease seconds> <holdAfter>
 * <holdCount>}.
 */
public final class QueueWorkerProcess {
    private QueueWorkerProcess() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> config = new java.util.HashMap<>();
        for (String kv : args[0].split(",")) {
            int eq = kv.indexOf('=');
            config.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        String worker = args[1];
        List<String> labels = args[2].equals("-") ? List.of() : Arrays.asList(args[2].split(","));
        Duration lease = Duration.ofSeconds(Long.parseLong(args[3]));
        int holdAfter = Integer.parseInt(args[4]);
        int holdCount = Integer.parseInt(args[5]);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.US_ASCII);
        StoreSettings settings = StoreSettings.withBcryptCost(4).withQueue(new QueuePolicy(lease, Duration.ofSeconds(60)));
        try (Metadata md = Metadata.of(Database.open(CinchConfig.of(config)), EncryptionKeys.none(), settings, Clock.systemUTC())) {
            MetadataStore store = md.store();
            out.println("READY");
            int done = 0;
            long nextSweep = 0;
            while (true) {
                if (System.nanoTime() >= nextSweep) {
                    store.sweep();
                    nextSweep = System.nanoTime() + Duration.ofMillis(500).toNanos();
                }
                if (holdAfter >= 0 && done >= holdAfter) {
                    for (int i = 0; i < holdCount; i++) {
                        Optional<ClaimedJob> held = store.claimNextJob(worker, labels);
                        held.ifPresent(c -> out.println("HOLD " + c.job().id().value() + " " + c.lease().attempt()));
                    }
                    out.println("HOLDING");
                    Thread.sleep(Long.MAX_VALUE);
                }
                Optional<ClaimedJob> claimed = store.claimNextJob(worker, labels);
                if (claimed.isEmpty()) {
                    if (store.listJobs(JobFilter.all().status(JobStatus.PENDING), null, 1).items().isEmpty()
                            && store.listJobs(JobFilter.all().status(JobStatus.RUNNING), null, 1).items().isEmpty()) {
                        out.println("EXIT");
                        return;
                    }
                    Thread.sleep(20);
                    continue;
                }
                Lease l = claimed.get().lease();
                String job = l.jobId().value();
                out.println("CLAIM " + job + " " + l.attempt());
                try {
                    if (done % 5 == 0) {
                        l = store.heartbeat(l);
                    }
                    store.completeJob(l, JobStatusUpdate.finished(JobStatus.SUCCESS, 0, null));
                    out.println("DONE " + job + " " + l.attempt());
                    done++;
                } catch (LeaseLostException e) {
                    out.println("LOST " + job + " " + l.attempt());
                }
            }
        }
    }
}

package dev.cinch.logs.tiered;

import dev.cinch.logs.JobId;
import dev.cinch.logs.JobPage;
import dev.cinch.logs.LogLockedException;
import dev.cinch.logs.LogNotFoundException;
import dev.cinch.logs.LogSealedException;
import dev.cinch.logs.LogStat;
import dev.cinch.logs.LogStatus;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStoreException;
import dev.cinch.logs.LogWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Seals the logs of jobs whose worker went away: a worker that crashes mid-job never seals its log, which would stay
 * open in the hot tier for ever, never archived, and look like a job still running. An open log of the hot tier is
 * swept when both hold:
 * <ul>
 *   <li>its last chunk is older than {@link TieredConfig#sweepIdle()} (by the chunk's timestamp, as the store the
 *       jobs write through reports it, so output a size limit keeps beside the log counts; an empty log counts as idle
 *       since ever), and</li>
 *   <li>no writer holds it: the sweeper takes the writer role for a moment, which a live worker's session (or, for a
 *       store in another process, the backend's own writer lock or lease) refuses; a job that prints nothing for hours
 *       but whose worker lives is never cut off.</li>
 * </ul>
 * A swept log is first marked {@code incomplete: worker lost} in the location records, then sealed through the store
 * the jobs write through (with its policies), so that its {@link LogStatus} says its end is not the job's end. A
 * crash between the two leaves a mark on an open log, which the next sweep seals. The store's own records (ids with
 * {@link JobId#RESERVED_PREFIX}) are left alone: the policy that owns them seals them with their job.
 */
public final class Sweeper {
    private static final Logger LOG = LoggerFactory.getLogger(Sweeper.class);
    private static final int PAGE = 1000;

    private final TieredLogStore store;
    private final LogStore sealThrough;

    /** A log the sweep sealed (or would seal, in a plan): how long it had been idle, how long it is. */
    public record Swept(JobId job, long idleMillis, long rawBytes) {
    }

    /** What one sweep did: logs sealed, idle logs left alone because a writer still holds them, failures. */
    public record Report(List<Swept> sealed, int heldByWriter, List<String> failures) {
        public Report {
            sealed = List.copyOf(sealed);
            failures = List.copyOf(failures);
        }
    }

    Sweeper(TieredLogStore store, LogStore sealThrough) {
        this.store = store;
        this.sealThrough = sealThrough;
    }

    /** The idle open logs a sweep would consider, changing nothing (whether a writer holds them is not tried). */
    public List<Swept> plan() {
        List<Swept> idle = new ArrayList<>();
        forEachIdleOpenLog(idle::add);
        return idle;
    }

    /** One sweep over the hot tier's open logs. */
    public Report runOnce() {
        List<Swept> sealed = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        int[] held = {0};
        LogStore hot = store.hot().store();
        forEachIdleOpenLog(candidate -> {
            JobId job = candidate.job();
            try {
                try (LogWriter probe = hot.openWriter(job)) {
                    // Holding the role proves no live writer has it; it is given back at once so the seal below
                    // (through the policies above this store) can take it.
                } catch (LogLockedException e) {
                    held[0]++;
                    return;
                } catch (LogSealedException e) {
                    return; // sealed meanwhile by its job
                }
                store.records().markIncomplete(job, LogStatus.WORKER_LOST, store.clock().millis());
                sealThrough.seal(job);
                LOG.info("job {}: sealed its open log after {} s without output and without a writer: incomplete, {}",
                        job, candidate.idleMillis() / 1000, LogStatus.WORKER_LOST);
                sealed.add(candidate);
            } catch (LogStoreException e) {
                failures.add(e.getMessage());
            }
        });
        return new Report(sealed, held[0], failures);
    }

    private void forEachIdleOpenLog(java.util.function.Consumer<Swept> action) {
        LogStore hot = store.hot().store();
        long now = store.clock().millis();
        long idleMillis = store.config().sweepIdle().toMillis();
        Optional<JobId> after = Optional.empty();
        do {
            JobPage page = hot.list("", after.orElse(null), PAGE);
            List<JobId> ids = page.jobs().stream().filter(j -> !j.isReserved()).toList();
            Set<JobId> recorded = store.records().recorded(ids);
            for (JobId job : ids) {
                if (recorded.contains(job)) {
                    continue; // sealed, perhaps moving
                }
                LogStat stat;
                try {
                    // Through the policies: a size limit keeps a job's later output beside its log, and its stat
                    // gives that output's last time.
                    stat = sealThrough.stat(job);
                } catch (LogNotFoundException e) {
                    continue; // deleted meanwhile
                }
                long idle = now - stat.lastTimestampMillis();
                if (!stat.sealed() && idle >= idleMillis) {
                    action.accept(new Swept(job, idle, stat.rawBytes()));
                }
            }
            after = page.nextStartAfter();
        } while (after.isPresent());
    }
}

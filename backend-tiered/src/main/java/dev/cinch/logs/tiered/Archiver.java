package dev.cinch.logs.tiered;

import dev.cinch.logs.ChunkConflictException;
import dev.cinch.logs.CorruptLogException;
import dev.cinch.logs.JobId;
import dev.cinch.logs.JobPage;
import dev.cinch.logs.LogNotFoundException;
import dev.cinch.logs.LogStat;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStoreException;
import dev.cinch.logs.archive.ArchiveOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The archival job: moves each eligible sealed log one tier down, as the state machine of {@link MoveState} recorded
 * in the database (Kafka KIP-405's copy / verify / switch / delete):
 * <ol>
 *   <li>claim: RESIDENT → COPY_STARTED with a lease; the source answers reads;</li>
 *   <li>copy: the source's archive streams into the destination's import, which verifies every frame and chunk CRC
 *       before the copy becomes visible; then the destination's chunk count, length and CRC32C must equal the
 *       source's → COPIED;</li>
 *   <li>switch: → SOURCE_DELETE_STARTED, and the destination answers reads from now on;</li>
 *   <li>delete the source's copy → RESIDENT in the destination.</li>
 * </ol>
 * A crash at any point leaves a row saying what is left: the next run takes over a move whose lease ran out and goes
 * on from its state (a copy is redone, as importing the same content again is a no-op; a source delete is redone).
 * A move that fails (damaged source, unreachable tier) is rolled back to rest in its source, its partial copy
 * removed, and reported. Two archivers never advance one move: every step is an UPDATE conditional on the state and
 * the lease holder, and an archiver that lost its lease stops at its next step.
 *
 * <p>Memory stays bounded whatever the log's size: the archive streams through {@link ArchiveTransfer}.
 */
public final class Archiver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Archiver.class);

    private final TieredLogStore store;
    private final LocationRecords records;
    private final String owner;
    private final long leaseMillis;
    private final ArchiveTransfer transfer = new ArchiveTransfer();
    private final ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(daemon("cinch-archive-lease"));

    /** One planned move: the log, where it is and where it goes. */
    public record Move(JobId job, String from, String to, long rawBytes, MoveState state) {
    }

    /** What one pass did. */
    public record Report(int recorded, int moved, long bytesMoved, int resumed, List<String> failures) {
        public Report {
            failures = List.copyOf(failures);
        }
    }

    /** Told about each move as it ends, for progress. */
    public interface Listener {
        /** The pass found these moves to make (planned before the first starts). */
        default void planned(List<Move> moves) {
        }

        /** A move ended, moved or failed. */
        default void finished(Move move, boolean moved) {
        }
    }

    Archiver(TieredLogStore store, String owner) {
        this.store = store;
        this.records = store.records();
        this.owner = owner;
        this.leaseMillis = store.config().moveLease().toMillis();
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private long now() {
        return store.clock().millis();
    }

    /**
     * What a pass would do now, changing nothing: moves left by a stopped archiver, then the logs the tiers' rules
     * make eligible, tier by tier from the hot one down. Sealed logs of the hot tier that have no record yet (sealed
     * by something other than this store) are recorded by a real pass first and are not listed here.
     */
    public List<Move> plan() {
        List<Move> moves = new ArrayList<>();
        for (Location l : records.stalled(now(), Integer.MAX_VALUE)) {
            String from = l.state() == MoveState.SOURCE_DELETE_STARTED ? l.otherTier() : l.tier();
            String to = l.state() == MoveState.SOURCE_DELETE_STARTED ? l.tier() : l.otherTier();
            moves.add(new Move(l.job(), from, to, l.rawBytes(), l.state()));
        }
        List<Tier> tiers = store.tiers();
        for (int i = 0; i + 1 < tiers.size(); i++) {
            Tier from = tiers.get(i);
            Tier to = tiers.get(i + 1);
            for (Location l : eligible(from, to, Integer.MAX_VALUE)) {
                moves.add(new Move(l.job(), from.name(), to.name(), l.rawBytes(), MoveState.RESIDENT));
            }
        }
        return moves;
    }

    private List<Location> eligible(Tier from, Tier to, int limit) {
        TierSpec rules = to.spec();
        long sealedBy = now() - rules.archiveAfter().toMillis();
        return records.eligible(from.name(), sealedBy, rules.archiveLargerThan(), limit);
    }

    /**
     * One pass: records unrecorded sealed logs of the hot tier, resumes stalled moves, then moves every eligible log
     * one tier down, hot tier first (so a log may go down more than one tier in a pass when the rules allow).
     */
    public Report runOnce(Listener listener) {
        int recorded = recordSealedLogsOfHotTier();
        List<Move> planned = plan();
        listener.planned(planned);
        int moved = 0;
        int resumed = 0;
        long bytes = 0;
        List<String> failures = new ArrayList<>();
        for (Location l : records.stalled(now(), Integer.MAX_VALUE)) {
            if (!records.takeOver(l.job(), l.state(), owner, now() + leaseMillis, now())) {
                continue; // another archiver took it first
            }
            Move m = moveOf(l);
            Optional<String> failure = carryOut(l.job(), m, l.state());
            resumed++;
            failure.ifPresent(failures::add);
            moved += failure.isEmpty() ? 1 : 0;
            bytes += failure.isEmpty() ? l.rawBytes() : 0;
            listener.finished(m, failure.isEmpty());
        }
        List<Tier> tiers = store.tiers();
        for (int i = 0; i + 1 < tiers.size(); i++) {
            Tier from = tiers.get(i);
            Tier to = tiers.get(i + 1);
            List<Location> batch;
            // Rolled-back moves stay eligible; skip them for the rest of this pass so a failing log cannot loop.
            java.util.Set<JobId> failedHere = new java.util.HashSet<>();
            do {
                batch = eligible(from, to, store.config().batchSize() + failedHere.size());
                batch.removeIf(l -> failedHere.contains(l.job()));
                for (Location l : batch) {
                    if (!records.claim(l.job(), from.name(), to.name(), owner, now() + leaseMillis, now())) {
                        continue;
                    }
                    Move m = new Move(l.job(), from.name(), to.name(), l.rawBytes(), MoveState.COPY_STARTED);
                    Optional<String> failure = carryOut(l.job(), m, MoveState.COPY_STARTED);
                    if (failure.isPresent()) {
                        failures.add(failure.get());
                        failedHere.add(l.job());
                    } else {
                        moved++;
                        bytes += l.rawBytes();
                    }
                    listener.finished(m, failure.isEmpty());
                }
            } while (!batch.isEmpty());
        }
        return new Report(recorded, moved, bytes, resumed, failures);
    }

    /** An owner name for leases that says which process holds them: {@code pid@host/random}. */
    public static String processOwner() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown-host";
        }
        return ProcessHandle.current().pid() + "@" + host + "/" + Long.toString(java.util.concurrent.ThreadLocalRandom.current().nextLong() >>> 1, 36);
    }

    /**
     * Moves one log down through every tier whose rules already hold for it (seal with move-at-seal). A failed move
     * is rolled back and logged; the archival job tries it again.
     */
    void moveDown(JobId job) {
        List<Tier> tiers = store.tiers();
        while (true) {
            Optional<Location> at = records.find(job);
            if (at.isEmpty() || at.get().state() != MoveState.RESIDENT) {
                return;
            }
            Tier from = store.tier(at.get().tier(), job);
            if (from.index() + 1 >= tiers.size()) {
                return;
            }
            Tier to = tiers.get(from.index() + 1);
            TierSpec rules = to.spec();
            boolean due = at.get().sealedAtMillis() <= now() - rules.archiveAfter().toMillis()
                    || at.get().rawBytes() >= rules.archiveLargerThan();
            if (!due || !records.claim(job, from.name(), to.name(), owner, now() + leaseMillis, now())) {
                return;
            }
            Move m = new Move(job, from.name(), to.name(), at.get().rawBytes(), MoveState.COPY_STARTED);
            Optional<String> failure = carryOut(job, m, MoveState.COPY_STARTED);
            if (failure.isPresent()) {
                LOG.warn("{}", failure.get());
                return;
            }
        }
    }

    private static Move moveOf(Location l) {
        boolean switched = l.state() == MoveState.SOURCE_DELETE_STARTED;
        return new Move(l.job(), switched ? l.otherTier() : l.tier(), switched ? l.tier() : l.otherTier(), l.rawBytes(), l.state());
    }

    /**
     * Records the hot tier's sealed logs that have no record: sealed through the hot tier's own store, or by this
     * store when it stopped between the seal and its record. Costs a listing of the hot tier, which holds the open
     * logs and the recently sealed ones.
     */
    int recordSealedLogsOfHotTier() {
        Tier hot = store.hot();
        int recorded = 0;
        JobId after = null;
        do {
            JobPage page = hot.store().list("", after, LogStore.MAX_LIST_PAGE);
            java.util.Set<JobId> known = records.recorded(page.jobs());
            for (JobId job : page.jobs()) {
                if (known.contains(job)) {
                    continue;
                }
                try {
                    LogStat s = hot.store().stat(job);
                    if (s.sealed() && records.recordSealed(job, hot.name(), now(), s.rawBytes(), now())) {
                        recorded++;
                    }
                } catch (LogNotFoundException e) {
                    // deleted since listed
                }
            }
            after = page.nextStartAfter().orElse(null);
        } while (after != null);
        return recorded;
    }

    /** Carries a claimed move on from {@code state} to its end; empty when moved, else why it was rolled back. */
    private Optional<String> carryOut(JobId job, Move m, MoveState state) {
        Tier source = store.tier(m.from(), job);
        Tier dest = store.tier(m.to(), job);
        ScheduledFuture<?> renewal = renewer.scheduleAtFixedRate(() -> {
            try {
                records.renew(job, owner, now() + leaseMillis);
            } catch (RuntimeException e) {
                LOG.warn("job {}: renewing the move's lease failed: {}", job, e.getMessage());
            }
        }, leaseMillis / 3, leaseMillis / 3, TimeUnit.MILLISECONDS);
        try {
            if (state == MoveState.COPY_STARTED) {
                try {
                    copy(job, source.store(), dest.store());
                } catch (LogNotFoundException e) {
                    return lostSource(job, m, dest);
                } catch (LogStoreException e) {
                    return rollBack(job, m, dest, "copy failed: " + e.getMessage());
                }
                if (!records.copied(job, owner, now())) {
                    return lostClaim(job, m, dest);
                }
                state = MoveState.COPIED;
            }
            if (state == MoveState.COPIED) {
                if (!records.switchToDestination(job, source.name(), dest.name(), owner, now())) {
                    return lostClaim(job, m, dest);
                }
                store.forgetLocation(job);
            }
            source.store().delete(job);
            if (!records.done(job, owner, now())) {
                return Optional.of("job " + job + ": move " + m.from() + " → " + m.to() + " was taken over before it finished");
            }
            return Optional.empty();
        } catch (LogStoreException e) {
            // The database or a tier failed between steps: the row says where the move stands; the next run resumes.
            return Optional.of("job " + job + ": move " + m.from() + " → " + m.to() + " stopped at " + state + ": "
                    + e.getMessage() + " (the next pass resumes it once its lease runs out)");
        } finally {
            renewal.cancel(false);
        }
    }

    /** Streams the source's archive into the destination, then checks the copy against the source. */
    private void copy(JobId job, LogStore source, LogStore dest) {
        LogStat want = source.stat(job);
        if (!want.sealed()) {
            throw new LogStoreException(job, "the location record says sealed, but the log in the source tier is open");
        }
        Optional<LogStat> have = statIfExists(dest, job);
        if (have.isPresent() && !sameContent(want, have.get())) {
            dest.delete(job); // a copy of other content: a stale leftover (the source is authoritative)
            have = Optional.empty();
        }
        if (have.isEmpty()) {
            Optional<ArchiveOptions> reencode = reencodeWith(source, dest);
            try {
                transfer.copy(job, source, dest, reencode);
            } catch (ChunkConflictException e) {
                dest.delete(job);
                transfer.copy(job, source, dest, reencode);
            }
        }
        LogStat got = dest.stat(job);
        if (!sameContent(want, got)) {
            dest.delete(job);
            throw new CorruptLogException(job, "the copy in the destination tier (" + got.chunks() + " chunks, "
                    + got.rawBytes() + " bytes, " + got.checksum() + ") differs from the source (" + want.chunks()
                    + " chunks, " + want.rawBytes() + " bytes, " + want.checksum() + ")");
        }
    }

    /** The destination's archive options when the log must be re-encoded on its way there, else empty (a plain copy). */
    private Optional<ArchiveOptions> reencodeWith(LogStore source, LogStore dest) {
        Tier to = store.tiers().stream().filter(t -> t.store() == dest).findFirst().orElseThrow();
        return to.spec().recompress() ? ArchiveTransfer.reencodeOptions(source, dest) : Optional.empty();
    }

    private static Optional<LogStat> statIfExists(LogStore store, JobId job) {
        try {
            return Optional.of(store.stat(job));
        } catch (LogNotFoundException e) {
            return Optional.empty();
        }
    }

    private static boolean sameContent(LogStat a, LogStat b) {
        return a.sealed() && b.sealed() && a.chunks() == b.chunks() && a.rawBytes() == b.rawBytes() && a.crc32c() == b.crc32c();
    }

    /** The source is gone before the copy: deleted meanwhile (its row too) or lost; either way nothing to move. */
    private Optional<String> lostSource(JobId job, Move m, Tier dest) {
        if (records.find(job).isEmpty()) {
            dest.store().delete(job); // the log was deleted during the move: remove what the copy left
            return Optional.empty();
        }
        return rollBack(job, m, dest, "the log is missing from its source tier " + m.from());
    }

    /** The claim is no longer ours: the row is gone (deleted log: clean up the copy) or another archiver has it. */
    private Optional<String> lostClaim(JobId job, Move m, Tier dest) {
        if (records.find(job).isEmpty()) {
            dest.store().delete(job);
            return Optional.empty();
        }
        return Optional.of("job " + job + ": move " + m.from() + " → " + m.to() + " was taken over by another archiver");
    }

    private Optional<String> rollBack(JobId job, Move m, Tier dest, String why) {
        try {
            dest.store().delete(job);
            records.rollBack(job, owner, now());
        } catch (RuntimeException e) {
            LOG.warn("job {}: rolling back the move failed ({}); the next pass resumes it", job, e.getMessage());
        }
        return Optional.of("job " + job + ": move " + m.from() + " → " + m.to() + " rolled back: " + why);
    }

    @Override
    public void close() {
        transfer.close();
        renewer.shutdownNow();
    }
}

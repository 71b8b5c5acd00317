package dev.cinch.logs.tiered;

import dev.cinch.logs.JobId;
import dev.cinch.sql.Database;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The location records of sealed logs in the shared database ({@code log_locations}), and the moves' state machine.
 * Every change of a move is one conditional UPDATE that names the state and the lease holder it expects, so two
 * archivers never both advance one move, and an archiver whose lease was taken over stops at its next step.
 */
final class LocationRecords {
    private static final String COLUMNS = "job_id, tier, state, other_tier, sealed_at, raw_bytes, lease_owner, lease_until";

    private final Database db;

    LocationRecords(Database db) {
        this.db = db;
    }

    Optional<Location> find(JobId job) {
        return db.read("find the tier of job " + job, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM log_locations WHERE job_id = ?")) {
                s.setString(1, job.value());
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(location(r)) : Optional.empty();
                }
            }
        });
    }

    /** Records a log sealed in {@code tier}; a log already recorded keeps its record. Returns whether it was new. */
    boolean recordSealed(JobId job, String tier, long sealedAtMillis, long rawBytes, long now) {
        return db.inTransaction("record the seal of job " + job, c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO log_locations (job_id, tier, state, sealed_at, "
                    + "raw_bytes, updated_at) VALUES (?, ?, 'RESIDENT', ?, ?, ?) ON CONFLICT (job_id) DO NOTHING")) {
                s.setString(1, job.value());
                s.setString(2, tier);
                s.setLong(3, sealedAtMillis);
                s.setLong(4, rawBytes);
                s.setLong(5, now);
                return s.executeUpdate() == 1;
            }
        });
    }

    /** Which of {@code jobs} have a record. */
    Set<JobId> recorded(List<JobId> jobs) {
        if (jobs.isEmpty()) {
            return Set.of();
        }
        return db.read("look up location records", c -> {
            Set<JobId> found = new HashSet<>();
            // One statement per bounded batch: SQLite allows 32766 parameters, Postgres 65535.
            for (int from = 0; from < jobs.size(); from += 500) {
                List<JobId> batch = jobs.subList(from, Math.min(jobs.size(), from + 500));
                String marks = String.join(", ", java.util.Collections.nCopies(batch.size(), "?"));
                try (PreparedStatement s = c.prepareStatement("SELECT job_id FROM log_locations WHERE job_id IN (" + marks + ")")) {
                    for (int i = 0; i < batch.size(); i++) {
                        s.setString(i + 1, batch.get(i).value());
                    }
                    try (ResultSet r = s.executeQuery()) {
                        while (r.next()) {
                            found.add(JobId.of(r.getString(1)));
                        }
                    }
                }
            }
            return found;
        });
    }

    /**
     * Resident logs of {@code tier} that the rules of the tier below make eligible: sealed at or before
     * {@code sealedBy}, or of at least {@code largerThan} bytes; oldest first.
     */
    List<Location> eligible(String tier, long sealedBy, long largerThan, int limit) {
        return db.read("find logs to move out of tier " + tier, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM log_locations WHERE tier = ? "
                    + "AND state = 'RESIDENT' AND (sealed_at <= ? OR raw_bytes >= ?) ORDER BY sealed_at, job_id LIMIT ?")) {
                s.setString(1, tier);
                s.setLong(2, sealedBy);
                s.setLong(3, largerThan);
                s.setInt(4, limit);
                return list(s);
            }
        });
    }

    /** Moves under way whose lease ran out (their archiver stopped): the next run resumes them. */
    List<Location> stalled(long now, int limit) {
        return db.read("find stalled moves", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM log_locations "
                    + "WHERE state <> 'RESIDENT' AND (lease_until IS NULL OR lease_until < ?) ORDER BY job_id LIMIT ?")) {
                s.setLong(1, now);
                s.setInt(2, limit);
                return list(s);
            }
        });
    }

    /** Claims a resident log for a move to {@code destination}: RESIDENT → COPY_STARTED. */
    boolean claim(JobId job, String tier, String destination, String owner, long leaseUntil, long now) {
        return update("claim the move of job " + job, "UPDATE log_locations SET state = 'COPY_STARTED', other_tier = ?, "
                + "lease_owner = ?, lease_until = ?, updated_at = ? WHERE job_id = ? AND tier = ? AND state = 'RESIDENT'",
                destination, owner, leaseUntil, now, job.value(), tier);
    }

    /** Takes over a stalled move in the state it was left in. */
    boolean takeOver(JobId job, MoveState state, String owner, long leaseUntil, long now) {
        return update("take over the move of job " + job, "UPDATE log_locations SET lease_owner = ?, lease_until = ?, "
                + "updated_at = ? WHERE job_id = ? AND state = ? AND (lease_until IS NULL OR lease_until < ?)",
                owner, leaseUntil, now, job.value(), state.name(), now);
    }

    /** Extends the lease of a move this archiver holds. */
    boolean renew(JobId job, String owner, long leaseUntil) {
        return update("renew the move of job " + job, "UPDATE log_locations SET lease_until = ? "
                + "WHERE job_id = ? AND lease_owner = ? AND state <> 'RESIDENT'", leaseUntil, job.value(), owner);
    }

    /** COPY_STARTED → COPIED, once the copy is verified. */
    boolean copied(JobId job, String owner, long now) {
        return update("record the verified copy of job " + job, "UPDATE log_locations SET state = 'COPIED', updated_at = ? "
                + "WHERE job_id = ? AND state = 'COPY_STARTED' AND lease_owner = ?", now, job.value(), owner);
    }

    /** COPIED → SOURCE_DELETE_STARTED: the destination answers reads from now on. */
    boolean switchToDestination(JobId job, String source, String destination, String owner, long now) {
        return update("make the copy of job " + job + " the answering one", "UPDATE log_locations SET "
                + "state = 'SOURCE_DELETE_STARTED', tier = ?, other_tier = ?, updated_at = ? "
                + "WHERE job_id = ? AND state = 'COPIED' AND lease_owner = ? AND tier = ? AND other_tier = ?",
                destination, source, now, job.value(), owner, source, destination);
    }

    /** SOURCE_DELETE_STARTED → RESIDENT in the destination: the move is done. */
    boolean done(JobId job, String owner, long now) {
        return update("finish the move of job " + job, "UPDATE log_locations SET state = 'RESIDENT', other_tier = NULL, "
                + "lease_owner = NULL, lease_until = NULL, updated_at = ? "
                + "WHERE job_id = ? AND state = 'SOURCE_DELETE_STARTED' AND lease_owner = ?", now, job.value(), owner);
    }

    /** Rolls a move back to rest in its source (the copy was removed): COPY_STARTED or COPIED → RESIDENT. */
    boolean rollBack(JobId job, String owner, long now) {
        return update("roll back the move of job " + job, "UPDATE log_locations SET state = 'RESIDENT', other_tier = NULL, "
                + "lease_owner = NULL, lease_until = NULL, updated_at = ? "
                + "WHERE job_id = ? AND state IN ('COPY_STARTED', 'COPIED') AND lease_owner = ?", now, job.value(), owner);
    }

    void delete(JobId job) {
        db.inTransaction("delete the location of job " + job, c -> {
            for (String table : List.of("log_locations", "log_incomplete")) {
                try (PreparedStatement s = c.prepareStatement("DELETE FROM " + table + " WHERE job_id = ?")) {
                    s.setString(1, job.value());
                    s.executeUpdate();
                }
            }
            return null;
        });
    }

    /** Marks the log incomplete (its end is not the job's end); a log already marked keeps its first reason. */
    void markIncomplete(JobId job, String reason, long now) {
        db.inTransaction("mark the log of job " + job + " incomplete", c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO log_incomplete (job_id, reason, marked_at) "
                    + "VALUES (?, ?, ?) ON CONFLICT (job_id) DO NOTHING")) {
                s.setString(1, job.value());
                s.setString(2, reason);
                s.setLong(3, now);
                return s.executeUpdate();
            }
        });
    }

    /** Why the log is incomplete, if it was marked so. */
    Optional<String> incompleteReason(JobId job) {
        return db.read("look up whether the log of job " + job + " is incomplete", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT reason FROM log_incomplete WHERE job_id = ?")) {
                s.setString(1, job.value());
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
                }
            }
        });
    }

    /** How many logs each tier holds at rest and how many moves are under way, for reports. */
    List<long[]> countsByTier(List<String> tiers) {
        return db.read("count logs per tier", c -> {
            List<long[]> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*), COALESCE(SUM(raw_bytes), 0) FROM log_locations WHERE tier = ?")) {
                for (String t : tiers) {
                    s.setString(1, t);
                    try (ResultSet r = s.executeQuery()) {
                        r.next();
                        out.add(new long[] {r.getLong(1), r.getLong(2)});
                    }
                }
            }
            return out;
        });
    }

    private boolean update(String what, String sql, Object... args) {
        return db.inTransaction(what, c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    if (args[i] instanceof Long l) {
                        s.setLong(i + 1, l);
                    } else {
                        s.setString(i + 1, (String) args[i]);
                    }
                }
                return s.executeUpdate() == 1;
            }
        });
    }

    private static List<Location> list(PreparedStatement s) throws SQLException {
        List<Location> out = new ArrayList<>();
        try (ResultSet r = s.executeQuery()) {
            while (r.next()) {
                out.add(location(r));
            }
        }
        return out;
    }

    private static Location location(ResultSet r) throws SQLException {
        return new Location(JobId.of(r.getString(1)), r.getString(2), MoveState.valueOf(r.getString(3)), r.getString(4),
                r.getLong(5), r.getLong(6), r.getString(7), r.getLong(8));
    }
}

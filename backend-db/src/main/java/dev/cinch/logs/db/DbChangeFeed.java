package dev.cinch.logs.db;

import dev.cinch.logs.InvalidJobIdException;
import dev.cinch.logs.JobId;
import dev.cinch.logs.follow.ChangeFeed;
import dev.cinch.logs.follow.MediumChangeFeed;
import dev.cinch.sql.Database;
import dev.cinch.sql.Dialect;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Change signals for db followers. Changes made through this store instance are signalled in process
 * ({@link #publish}, called by core), without polling. Changes made by other processes or server instances:
 * <ul>
 *   <li><b>Postgres</b>: every commit that appends, seals or deletes sends {@code NOTIFY} on {@value #CHANNEL} with
 *       the job id (and the last seq) as payload, delivered when the transaction commits; a listener thread of each
 *       instance that has followers wakes the followers of that job, which then read the rows.</li>
 *   <li><b>SQLite</b>: a bounded poll of {@code PRAGMA data_version} on a connection of its own, which changes
 *       whenever another connection committed; then every watched job is signalled (followers re-read; a wake-up
 *       without a change costs one indexed lookup). Only while somebody follows.</li>
 *   <li><b>SQLite {@code :memory:}</b>: no other process can see it, but other store instances in this process can,
 *       through a lent pool; its single connection has no second one to compare {@code data_version} with, so the
 *       poll reads the watched jobs' {@code log_heads} rows (chunk count, form) through the pool instead.</li>
 * </ul>
 */
final class DbChangeFeed extends MediumChangeFeed implements AutoCloseable {
    static final String CHANNEL = "cinch_log_changes";
    private static final Logger LOG = LoggerFactory.getLogger(DbChangeFeed.class);

    private final Database db;
    private final Duration poll;
    private final Object guard = new Object();
    private Thread thread;
    private Connection connection;
    private volatile boolean closed;

    DbChangeFeed(Database db, Duration poll) {
        this.db = db;
        this.poll = poll;
    }

    /**
     * Queues a notification per entry ({@code "<job> <detail>"}) in the caller's Postgres transaction, all in one
     * statement (one round trip however many logs a group commit covers).
     */
    static void notify(Connection c, List<String> payloads) throws SQLException {
        if (payloads.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, p) FROM unnest(?::text[]) AS p")) {
            ps.setString(1, CHANNEL);
            ps.setArray(2, c.createArrayOf("text", payloads.toArray()));
            ps.executeQuery().close();
        }
    }

    @Override
    protected void startWatching(JobId job, boolean first) {
        synchronized (guard) {
            startIfNeeded();
        }
    }

    private void startIfNeeded() {
        if (thread != null || closed) {
            return;
        }
        Runnable loop = db.dialect() == Dialect.POSTGRES ? this::listen
                : db.location().endsWith(":memory:") ? this::pollHeads : this::pollDataVersion;
        thread = new Thread(loop, "cinch-db-log-changes");
        thread.setDaemon(true);
        thread.start();
    }

    private void listen() {
        while (!closed) {
            try (Connection c = db.dedicatedConnection()) {
                synchronized (guard) {
                    connection = c;
                }
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
                changedAll(); // changes made while not listening
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] ns = pg.getNotifications((int) ChangeFeed.SAFETY_RECHECK.toMillis());
                    if (ns == null) {
                        continue;
                    }
                    for (PGNotification n : ns) {
                        String payload = n.getParameter();
                        int space = payload.indexOf(' ');
                        String id = space < 0 ? payload : payload.substring(0, space);
                        try {
                            changed(JobId.of(id));
                        } catch (InvalidJobIdException e) {
                            LOG.debug("ignoring notification with payload {}", payload);
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    return;
                }
                LOG.warn("listening for log changes on {} failed ({}); retrying in 1 s (followers re-check every {} s meanwhile)",
                        db.location(), e.toString(), ChangeFeed.SAFETY_RECHECK.toSeconds());
                sleep(Duration.ofSeconds(1));
            }
        }
    }

    private void pollDataVersion() {
        while (!closed) {
            try (Connection c = db.dedicatedConnection()) {
                synchronized (guard) {
                    connection = c;
                }
                long seen = dataVersion(c);
                while (!closed) {
                    sleep(poll);
                    long now = dataVersion(c);
                    if (now != seen) {
                        seen = now;
                        changedAll();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    return;
                }
                LOG.warn("polling {} for log changes failed ({}); retrying in 1 s", db.location(), e.toString());
                sleep(Duration.ofSeconds(1));
            }
        }
    }

    /** The {@code :memory:} poll: a watched job whose head row changed (or appeared, or went) is signalled. */
    private void pollHeads() {
        Map<JobId, String> seen = new HashMap<>();
        while (!closed) {
            sleep(poll);
            List<JobId> jobs = followed();
            if (jobs.isEmpty() || db.isClosed()) {
                continue;
            }
            try {
                for (JobId j : jobs) {
                    String state = db.read("poll the log of job " + j, c -> {
                        try (PreparedStatement ps = c.prepareStatement("SELECT chunks, sealed FROM log_heads WHERE job_id = ?")) {
                            ps.setString(1, j.value());
                            try (ResultSet rs = ps.executeQuery()) {
                                return rs.next() ? rs.getLong(1) + "/" + rs.getInt(2) : "absent";
                            }
                        }
                    });
                    String before = seen.put(j, state);
                    if (before != null && !before.equals(state)) {
                        changed(j);
                    }
                }
                seen.keySet().retainAll(jobs);
            } catch (RuntimeException e) {
                if (!closed) {
                    LOG.debug("polling log heads failed", e);
                }
            }
        }
    }

    private static long dataVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA data_version")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        Thread t;
        synchronized (guard) {
            t = thread;
            if (connection != null) {
                try {
                    connection.close(); // wakes a listener blocked in getNotifications
                } catch (SQLException e) {
                    LOG.debug("closing the change listener's connection", e);
                }
            }
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

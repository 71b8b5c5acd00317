package dev.cinch.metadata;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cinch.logs.config.CinchConfig;
import dev.cinch.logs.config.ConfigException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A pooled connection to the metadata database, SQLite or Postgres, chosen exactly as the seed says: {@code DATABASE_URL}
 * ({@code database.url}) set → Postgres; otherwise SQLite at {@code $CINCH_DATA_DIR/cinch.db}.
 *
 * <h2>SQLite and concurrent writers</h2>
 * Every connection opens with {@code journal_mode=WAL} (readers never block the writer), {@code foreign_keys=ON}
 * (SQLite's default is off, which would silently break the {@code job_logs} cascade) and a {@code busy_timeout}.
 * Reads run in autocommit mode. Writes always run in {@link #inTransaction}, which SQLite begins with
 * {@code BEGIN IMMEDIATE}: the write lock is taken at the start, where the busy timeout waits for it. A default
 * (deferred) transaction would take it only at its first write; if another connection committed in between, SQLite
 * answers {@code SQLITE_BUSY} at once, without waiting, because waiting could deadlock — the error the busy timeout
 * cannot cure. One writer at a time is SQLite's model anyway; the pool stays small (default 4) so readers still run
 * in parallel with it.
 *
 * <h2>Postgres</h2>
 * The URL is parsed by {@link PostgresUrl}; user and password go to the pool as properties, never inside the JDBC
 * URL. Connecting fails fast (default 5 s, {@code database.connect-timeout}) with a message naming host, port and
 * database and never the password.
 */
public final class Database implements AutoCloseable {
    public static final String URL_KEY = "database.url";
    public static final String POOL_SIZE_KEY = "database.pool-size";
    public static final String CONNECT_TIMEOUT_KEY = "database.connect-timeout";
    public static final String BUSY_TIMEOUT_KEY = "database.busy-timeout";
    public static final String SQLITE_FILE_NAME = "cinch.db";
    /** A SQLite location meaning "a private in-memory database" (tests, throwaway runs). */
    public static final String SQLITE_MEMORY = ":memory:";

    private final Dialect dialect;
    private final String location;
    private final HikariDataSource pool;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Database(Dialect dialect, String location, HikariDataSource pool) {
        this.dialect = dialect;
        this.location = location;
        this.pool = pool;
    }

    /** Opens the database the configuration selects; see the class comment. */
    public static Database open(CinchConfig config) {
        Duration connectTimeout = config.getDuration(CONNECT_TIMEOUT_KEY, Duration.ofSeconds(5),
                Duration.ofMillis(250), Duration.ofMinutes(5));
        Optional<String> url = config.get(URL_KEY).map(String::trim).filter(s -> !s.isEmpty());
        if (url.isPresent()) {
            PostgresUrl parsed = PostgresUrl.parse(URL_KEY, url.get());
            int poolSize = config.getInt(POOL_SIZE_KEY, 10, 1, 200);
            return postgres(parsed, poolSize, connectTimeout);
        }
        Path dir = config.dataDir();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ConfigException(CinchConfig.DATA_DIR, "cannot create data directory " + dir + ": " + e.getMessage(), e);
        }
        Duration busy = config.getDuration(BUSY_TIMEOUT_KEY, Duration.ofSeconds(5), Duration.ZERO, Duration.ofMinutes(10));
        int poolSize = config.getInt(POOL_SIZE_KEY, 4, 1, 64);
        return sqlite(dir.resolve(SQLITE_FILE_NAME).toString(), poolSize, busy);
    }

    /**
     * Opens a SQLite database file, or a private in-memory one for {@link #SQLITE_MEMORY}. An in-memory database
     * lives as long as its one connection, so its pool holds exactly one connection that is never retired.
     */
    public static Database sqlite(String file, int poolSize, Duration busyTimeout) {
        boolean memory = SQLITE_MEMORY.equals(file);
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("cinch-metadata-sqlite");
        hc.setJdbcUrl("jdbc:sqlite:" + file);
        hc.addDataSourceProperty("journal_mode", memory ? "MEMORY" : "WAL");
        hc.addDataSourceProperty("foreign_keys", "true");
        hc.addDataSourceProperty("busy_timeout", Long.toString(busyTimeout.toMillis()));
        hc.addDataSourceProperty("transaction_mode", "IMMEDIATE");
        hc.setMaximumPoolSize(memory ? 1 : poolSize);
        hc.setMinimumIdle(memory ? 1 : Math.min(1, poolSize));
        if (memory) {
            hc.setMaxLifetime(0);
            hc.setIdleTimeout(0);
        }
        hc.setConnectionTimeout(Math.max(250, busyTimeout.toMillis() * 2));
        try {
            return new Database(Dialect.SQLITE, memory ? "sqlite::memory:" : "sqlite:" + file, new HikariDataSource(hc));
        } catch (RuntimeException e) {
            throw new DatabaseUnavailableException("cannot open SQLite database " + file + ": " + rootMessage(e, ""), rootCause(e));
        }
    }

    /** Opens a Postgres pool; fails within about {@code connectTimeout} when the server cannot be reached. */
    public static Database postgres(PostgresUrl url, int poolSize, Duration connectTimeout) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("cinch-metadata-postgres");
        hc.setJdbcUrl(url.jdbcUrl());
        if (!url.user().isEmpty()) {
            hc.setUsername(url.user());
        }
        if (!url.password().isEmpty()) {
            hc.setPassword(url.password());
        }
        long seconds = Math.max(1, (connectTimeout.toMillis() + 999) / 1000);
        hc.addDataSourceProperty("connectTimeout", Long.toString(seconds));
        hc.addDataSourceProperty("loginTimeout", Long.toString(seconds));
        hc.addDataSourceProperty("tcpKeepAlive", "true");
        hc.setMaximumPoolSize(poolSize);
        hc.setMinimumIdle(Math.min(2, poolSize));
        hc.setConnectionTimeout(Math.max(250, connectTimeout.toMillis()));
        // Try one connection at start-up, so a wrong URL fails here and not at the first query.
        hc.setInitializationFailTimeout(1);
        String where = "Postgres at " + url.location() + (url.user().isEmpty() ? "" : " as user " + url.user());
        try {
            return new Database(Dialect.POSTGRES, "postgres:" + url.location(), new HikariDataSource(hc));
        } catch (RuntimeException e) {
            throw new DatabaseUnavailableException("cannot connect to " + where + ": " + rootMessage(e, url.password()),
                    safeCause(e, url.password()));
        }
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static String rootMessage(Throwable e, String secret) {
        Throwable root = rootCause(e);
        String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return secret.isEmpty() ? m : m.replace(secret, "****");
    }

    /** The driver's exception, unless anything in its chain repeats the password: then nothing. */
    private static Throwable safeCause(Throwable e, String secret) {
        if (secret.isEmpty()) {
            return rootCause(e);
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (String.valueOf(t.getMessage()).contains(secret) || String.valueOf(t).contains(secret)) {
                return null;
            }
        }
        return rootCause(e);
    }

    public Dialect dialect() {
        return dialect;
    }

    /** Where the database is, safe to print: {@code sqlite:/path/cinch.db} or {@code postgres:host:port/db}. */
    public String location() {
        return location;
    }

    /** Runs read-only work on a pooled connection in autocommit mode. */
    public <T> T read(String what, SqlWork<T> work) {
        checkOpen();
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw SqlErrors.translate(dialect, what, e);
        }
    }

    /**
     * Runs {@code work} in one transaction (on SQLite: {@code BEGIN IMMEDIATE}), committing when it returns and
     * rolling back when it throws anything: multi-step operations are all-or-nothing.
     */
    public <T> T inTransaction(String what, SqlWork<T> work) {
        checkOpen();
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                try {
                    c.rollback();
                } catch (SQLException rollbackFailure) {
                    e.addSuppressed(rollbackFailure);
                }
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw SqlErrors.translate(dialect, what, e);
        }
    }

    /** A raw pooled connection, for the migrator and tests; the caller closes it. */
    public Connection connection() throws SQLException {
        checkOpen();
        return pool.getConnection();
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new MetadataException("metadata database " + location + " is closed");
        }
    }

    /** Closes the pool. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            pool.close();
        }
    }

    @Override
    public String toString() {
        return "Database[" + location + "]";
    }
}

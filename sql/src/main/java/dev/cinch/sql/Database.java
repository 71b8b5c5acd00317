package dev.cinch.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cinch.logs.config.CinchConfig;
import dev.cinch.logs.config.ConfigException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A pooled connection to a SQL database, SQLite or Postgres, chosen as the seed says: {@code DATABASE_URL}
 * ({@code database.url}) set → Postgres; otherwise SQLite at {@code $CINCH_DATA_DIR/cinch.db}.
 *
 * <p>This class knows SQL, pools and transactions, not what is stored: its failures are classified as
 * {@link SqlErrorKind}s and turned into exceptions by the {@link SqlErrorMapper} of the layer that uses it. Several
 * layers share one pool through views: {@link #withErrors} (same ownership, the layer's own exceptions) and
 * {@link #lend} (a view whose {@link #close()} leaves the pool open: what a log store borrows from the metadata, so
 * that on SQLite one pool, not two, competes for the one write lock).
 *
 * <h2>Transactions</h2>
 * {@link #inTransaction} runs work all-or-nothing, and reports a failure only when the transaction did not commit:
 * <ul>
 *   <li><b>SQLite</b>: the connection stays in JDBC autocommit mode and this class issues {@code BEGIN IMMEDIATE},
 *       {@code COMMIT} and {@code ROLLBACK} itself, so the driver's own idea of "in a transaction" never comes into
 *       play. (sqlite-jdbc marks a connection as in a transaction before its {@code BEGIN} runs; when that
 *       {@code BEGIN} fails with {@code SQLITE_BUSY} the pooled connection goes back believing a transaction is open,
 *       and the next user's statements run in autocommit. Its {@code commit()} is {@code COMMIT} followed by a new
 *       {@code BEGIN}, and a busy second half reports committed work as failed.) {@code BEGIN IMMEDIATE} takes the
 *       write lock at the start, where SQLite's busy timeout waits for it; when SQLite still answers busy it is
 *       retried with backoff and jitter within {@code database.busy-retry-budget} ({@link BusyRetry}). A busy
 *       {@code COMMIT} (possible outside WAL mode) is retried the same way, then rolled back.</li>
 *   <li><b>Postgres</b>: JDBC transactions; a connection failure during {@code COMMIT} is reported as
 *       {@link SqlErrorKind#OUTCOME_UNKNOWN}, never as a failure.</li>
 *   <li>A connection whose transaction state is not known (a failed {@code ROLLBACK}, a {@code BEGIN} refused for
 *       any reason but busy) is evicted from the pool, never handed out again.</li>
 * </ul>
 * Why {@code BEGIN IMMEDIATE} and not a default (deferred) transaction: a deferred transaction takes the write lock
 * at its first write; if another connection committed since its first read, SQLite answers {@code SQLITE_BUSY} at
 * once, without waiting (waiting could deadlock) — an error no busy timeout cures. One writer at a time is SQLite's
 * model anyway; the pool stays small (default 4) so readers still run beside the writer.
 *
 * <h2>Files</h2>
 * The SQLite data directory is created with mode 0700 and {@code cinch.db} with 0600, whatever the umask; SQLite
 * gives its {@code -wal} and {@code -shm} files the database file's mode. Existing database files readable by group
 * or others are narrowed to 0600 when opened.
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
    public static final String BUSY_RETRY_BUDGET_KEY = "database.busy-retry-budget";
    public static final String SQLITE_FILE_NAME = "cinch.db";
    /** A SQLite location meaning "a private in-memory database" (tests, throwaway runs). */
    public static final String SQLITE_MEMORY = ":memory:";
    public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(5);

    /**
     * How a SQLite database is opened.
     *
     * @param poolSize connections in the pool (1 for {@code :memory:})
     * @param busyTimeout how long one SQLite statement waits for a lock (SQLite's busy handler)
     * @param busyRetry retries of {@code BEGIN IMMEDIATE} / {@code COMMIT} once the busy timeout gave up
     * @param journalMode {@code WAL} for files (readers never block the writer); tests use {@code DELETE} to provoke a
     *     busy {@code COMMIT}
     */
    public record SqliteOptions(int poolSize, Duration busyTimeout, BusyRetry busyRetry, String journalMode) {
        public static SqliteOptions defaults(int poolSize, Duration busyTimeout) {
            return new SqliteOptions(poolSize, busyTimeout, BusyRetry.within(BusyRetry.DEFAULT_BUDGET), "WAL");
        }

        public SqliteOptions withBusyRetry(BusyRetry retry) {
            return new SqliteOptions(poolSize, busyTimeout, retry, journalMode);
        }

        public SqliteOptions withJournalMode(String mode) {
            return new SqliteOptions(poolSize, busyTimeout, busyRetry, mode);
        }
    }

    private final Dialect dialect;
    private final String location;
    private final HikariDataSource pool;
    private final SqlErrorMapper errors;
    /** SQLite only: what to do when the write lock is busy; null on Postgres. */
    private final SqliteOptions sqlite;
    /** Shared by every view of the pool: once the owner closes it, no view may use it. */
    private final AtomicBoolean closed;
    /** Whether {@link #close()} closes the pool (false for a lent view). */
    private final boolean owner;

    private Database(Dialect dialect, String location, HikariDataSource pool, SqlErrorMapper errors, SqliteOptions sqlite) {
        this(dialect, location, pool, errors, sqlite, new AtomicBoolean(), true);
    }

    private Database(Dialect dialect, String location, HikariDataSource pool, SqlErrorMapper errors, SqliteOptions sqlite,
                     AtomicBoolean closed, boolean owner) {
        this.dialect = dialect;
        this.location = location;
        this.pool = pool;
        this.errors = errors;
        this.sqlite = sqlite;
        this.closed = closed;
        this.owner = owner;
    }

    private static Optional<String> postgresUrl(CinchConfig config) {
        return config.get(URL_KEY).map(String::trim).filter(s -> !s.isEmpty());
    }

    /**
     * Whether the database the configuration selects may hold anything yet, without opening or creating it: a
     * Postgres server always may; SQLite once {@code cinch.db} exists in the data directory.
     */
    public static boolean mayExist(CinchConfig config) {
        return postgresUrl(config).isPresent() || Files.exists(config.dataDir().resolve(SQLITE_FILE_NAME));
    }

    /** Opens the database the configuration selects, reporting failures as {@link SqlException}s. */
    public static Database open(CinchConfig config) {
        return open(config, SqlErrorMapper.NEUTRAL);
    }

    /** Opens the database the configuration selects; see the class comment. */
    public static Database open(CinchConfig config, SqlErrorMapper errors) {
        Duration connectTimeout = config.getDuration(CONNECT_TIMEOUT_KEY, Duration.ofSeconds(5),
                Duration.ofMillis(250), Duration.ofMinutes(5));
        Optional<String> url = postgresUrl(config);
        if (url.isPresent()) {
            PostgresUrl parsed = PostgresUrl.parse(URL_KEY, url.get());
            int poolSize = config.getInt(POOL_SIZE_KEY, 10, 1, 200);
            return postgres(parsed, poolSize, connectTimeout, errors);
        }
        Path dir = config.dataDir();
        try {
            PrivateFiles.createDirectory(dir);
        } catch (IOException e) {
            throw new ConfigException(CinchConfig.DATA_DIR, "cannot create data directory " + dir + ": " + e.getMessage(), e);
        }
        Duration busy = config.getDuration(BUSY_TIMEOUT_KEY, DEFAULT_BUSY_TIMEOUT, Duration.ZERO, Duration.ofMinutes(10));
        Duration budget = config.getDuration(BUSY_RETRY_BUDGET_KEY, BusyRetry.DEFAULT_BUDGET, Duration.ZERO, Duration.ofHours(1));
        int poolSize = config.getInt(POOL_SIZE_KEY, 4, 1, 64);
        return sqlite(dir.resolve(SQLITE_FILE_NAME).toString(),
                SqliteOptions.defaults(poolSize, busy).withBusyRetry(BusyRetry.within(budget)), errors);
    }

    /** A SQLite database with the default busy retry budget; see {@link #sqlite(String, SqliteOptions, SqlErrorMapper)}. */
    public static Database sqlite(String file, int poolSize, Duration busyTimeout) {
        return sqlite(file, SqliteOptions.defaults(poolSize, busyTimeout), SqlErrorMapper.NEUTRAL);
    }

    /**
     * Opens a SQLite database file, or a private in-memory one for {@link #SQLITE_MEMORY}. An in-memory database
     * lives as long as its one connection, so its pool holds exactly one connection that is never retired. A file
     * is created with mode 0600 (see the class comment).
     */
    public static Database sqlite(String file, SqliteOptions options, SqlErrorMapper errors) {
        boolean memory = SQLITE_MEMORY.equals(file);
        if (!memory) {
            try {
                PrivateFiles.createOrNarrowFile(Path.of(file));
            } catch (IOException e) {
                throw errors.toException(SqlErrorKind.UNAVAILABLE, "cannot open SQLite database " + file,
                        "cannot create it with mode 0600: " + e.getMessage(), e);
            }
        }
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("cinch-sqlite");
        hc.setJdbcUrl("jdbc:sqlite:" + file);
        hc.addDataSourceProperty("journal_mode", memory ? "MEMORY" : options.journalMode());
        hc.addDataSourceProperty("foreign_keys", "true");
        hc.addDataSourceProperty("busy_timeout", Long.toString(options.busyTimeout().toMillis()));
        // Only for callers that use a raw connection's own transactions (tests); inTransaction never does.
        hc.addDataSourceProperty("transaction_mode", "IMMEDIATE");
        hc.setAutoCommit(true);
        hc.setMaximumPoolSize(memory ? 1 : options.poolSize());
        hc.setMinimumIdle(memory ? 1 : Math.min(1, options.poolSize()));
        if (memory) {
            hc.setMaxLifetime(0);
            hc.setIdleTimeout(0);
        }
        hc.setConnectionTimeout(Math.max(250, options.busyTimeout().toMillis() * 2));
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(hc);
        } catch (RuntimeException e) {
            throw errors.toException(SqlErrorKind.UNAVAILABLE, "cannot open SQLite database " + file, rootMessage(e, ""), rootCause(e));
        }
        if (!memory) {
            try {
                // Files an older version (or SQLite with a wider database mode) created.
                PrivateFiles.narrowIfExists(Path.of(file + "-wal"));
                PrivateFiles.narrowIfExists(Path.of(file + "-shm"));
            } catch (IOException e) {
                pool.close();
                throw errors.toException(SqlErrorKind.UNAVAILABLE, "cannot open SQLite database " + file,
                        "cannot narrow its -wal/-shm files to mode 0600: " + e.getMessage(), e);
            }
        }
        return new Database(Dialect.SQLITE, memory ? "sqlite::memory:" : "sqlite:" + file, pool, errors, options);
    }

    /** Opens a Postgres pool reporting failures as {@link SqlException}s. */
    public static Database postgres(PostgresUrl url, int poolSize, Duration connectTimeout) {
        return postgres(url, poolSize, connectTimeout, SqlErrorMapper.NEUTRAL);
    }

    /** Opens a Postgres pool; fails within about {@code connectTimeout} when the server cannot be reached. */
    public static Database postgres(PostgresUrl url, int poolSize, Duration connectTimeout, SqlErrorMapper errors) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("cinch-postgres");
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
        // A JDBC batch of INSERTs goes to the server as multi-row INSERTs: group commits of many chunks, bulk loads.
        hc.addDataSourceProperty("reWriteBatchedInserts", "true");
        hc.setMaximumPoolSize(poolSize);
        hc.setMinimumIdle(Math.min(2, poolSize));
        hc.setConnectionTimeout(Math.max(250, connectTimeout.toMillis()));
        // Try one connection at start-up, so a wrong URL fails here and not at the first query.
        hc.setInitializationFailTimeout(1);
        String where = "Postgres at " + url.location() + (url.user().isEmpty() ? "" : " as user " + url.user());
        try {
            return new Database(Dialect.POSTGRES, "postgres:" + url.location(), new HikariDataSource(hc), errors, null);
        } catch (RuntimeException e) {
            throw errors.toException(SqlErrorKind.UNAVAILABLE, "cannot connect to " + where, rootMessage(e, url.password()),
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

    /**
     * The same pool reporting failures through {@code mapper}; closing the view closes the pool exactly when closing
     * this object would (a layer that owns the database keeps owning it through its view).
     */
    public Database withErrors(SqlErrorMapper mapper) {
        return new Database(dialect, location, pool, mapper, sqlite, closed, owner);
    }

    /**
     * The same pool lent to another layer, reporting failures through {@code mapper}. The borrower's
     * {@link #close()} does nothing: the pool stays open until its owner closes it.
     */
    public Database lend(SqlErrorMapper mapper) {
        return new Database(dialect, location, pool, mapper, sqlite, closed, false);
    }

    /** Whether {@link #close()} closes the pool (false for a view made by {@link #lend}). */
    public boolean ownsPool() {
        return owner;
    }

    /** Whether the pool was closed (by its owner). */
    public boolean isClosed() {
        return closed.get();
    }

    /** SQLite only: the busy timeout each statement waits for a lock; empty on Postgres. */
    public Optional<Duration> sqliteBusyTimeout() {
        return sqlite == null ? Optional.empty() : Optional.of(sqlite.busyTimeout());
    }

    /** A failure of {@code kind} as the using layer reports it. */
    public RuntimeException failure(SqlErrorKind kind, String what, String detail, Throwable cause) {
        return errors.toException(kind, what, detail, cause);
    }

    /** Where the database is, safe to print: {@code sqlite:/path/cinch.db} or {@code postgres:host:port/db}. */
    public String location() {
        return location;
    }

    /** Turns a driver exception into the opening layer's exception. */
    public RuntimeException translate(String what, SQLException e) {
        return errors.toException(SqlErrorClassifier.classify(dialect, e), what, SqlErrorClassifier.firstLine(e.getMessage()), e);
    }

    /** Runs read-only work on a pooled connection in autocommit mode. */
    public <T> T read(String what, SqlWork<T> work) {
        checkOpen();
        try (Connection c = borrow(what)) {
            return work.run(c);
        } catch (SQLException e) {
            throw translate(what, e);
        }
    }

    /**
     * Runs {@code work} in one transaction, committing when it returns and rolling back when it throws anything:
     * multi-step operations are all-or-nothing. A failure is reported only when the transaction did not commit (see
     * the class comment); {@code work} runs once.
     */
    public <T> T inTransaction(String what, SqlWork<T> work) {
        checkOpen();
        Connection c = borrow(what);
        Outcome outcome = new Outcome();
        try {
            return dialect == Dialect.SQLITE ? sqliteTransaction(c, what, work, outcome) : jdbcTransaction(c, what, work, outcome);
        } finally {
            release(c, outcome.connectionTrusted);
        }
    }

    /** Whether the connection's transaction state is known after a transaction; if not, it is evicted. */
    private static final class Outcome {
        boolean connectionTrusted = true;
    }

    private Connection borrow(String what) {
        try {
            return pool.getConnection();
        } catch (SQLException e) {
            throw translate(what, e);
        }
    }

    private void release(Connection c, boolean trusted) {
        if (!trusted) {
            pool.evictConnection(c);
        }
        try {
            c.close();
        } catch (SQLException ignored) {
            // Returning a connection cannot undo what committed; a broken one is dropped by the pool.
        }
    }

    // ---------------------------------------------------------------- SQLite: BEGIN/COMMIT/ROLLBACK by hand

    private <T> T sqliteTransaction(Connection c, String what, SqlWork<T> work, Outcome outcome) {
        sqliteBegin(c, what, outcome);
        T result;
        try {
            result = work.run(c);
        } catch (SQLException e) {
            outcome.connectionTrusted = sqliteRollback(c, e);
            throw translate(what, e);
        } catch (RuntimeException | Error e) {
            outcome.connectionTrusted = sqliteRollback(c, e);
            throw e;
        }
        sqliteCommit(c, what, outcome);
        return result;
    }

    private void sqliteBegin(Connection c, String what, Outcome outcome) {
        long start = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            try (Statement s = c.createStatement()) {
                s.execute("BEGIN IMMEDIATE");
                return;
            } catch (SQLException e) {
                if (!SqlErrorClassifier.isSqliteBusy(e)) {
                    // E.g. "cannot start a transaction within a transaction": this connection is not in the state
                    // it must be in, so it is not used again.
                    outcome.connectionTrusted = false;
                    throw translate(what, e);
                }
                waitBeforeRetry(what, "BEGIN IMMEDIATE", attempt, start, e);
            }
        }
    }

    private void sqliteCommit(Connection c, String what, Outcome outcome) {
        long start = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            try (Statement s = c.createStatement()) {
                s.execute("COMMIT");
                return;
            } catch (SQLException e) {
                // A failed COMMIT did not commit: SQLite keeps the transaction open (busy, deferred constraints) or
                // has rolled it back itself. Busy: wait for the readers that hold the lock, within the budget.
                SqlErrorKind kind = SqlErrorClassifier.classify(Dialect.SQLITE, e);
                RuntimeException failure;
                if (kind == SqlErrorKind.BUSY) {
                    try {
                        waitBeforeRetry(what, "COMMIT", attempt, start, e);
                        continue;
                    } catch (RuntimeException budgetSpent) {
                        failure = budgetSpent;
                    }
                } else if (kind == SqlErrorKind.OTHER) {
                    // An I/O error while writing the commit may have left it durable: do not claim it failed.
                    failure = errors.toException(SqlErrorKind.OUTCOME_UNKNOWN, what,
                            "COMMIT failed with '" + SqlErrorClassifier.firstLine(e.getMessage())
                                    + "'; the transaction may or may not have committed", e);
                    outcome.connectionTrusted = false;
                } else {
                    failure = translate(what, e);
                }
                if (!sqliteRollback(c, failure)) {
                    outcome.connectionTrusted = false;
                }
                throw failure;
            }
        }
    }

    /** Ends the open transaction. False when that failed and the connection's state is unknown. */
    private static boolean sqliteRollback(Connection c, Throwable failure) {
        try (Statement s = c.createStatement()) {
            s.execute("ROLLBACK");
            return true;
        } catch (SQLException e) {
            String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
            if (m.contains("no transaction is active")) {
                return true; // SQLite already rolled it back (it does after some errors)
            }
            failure.addSuppressed(e);
            return false;
        }
    }

    /** Sleeps before retry {@code attempt} of {@code statement}, or throws BUSY when the budget is spent. */
    private void waitBeforeRetry(String what, String statement, int attempt, long startNanos, SQLException busy) {
        BusyRetry retry = sqlite.busyRetry();
        long elapsed = System.nanoTime() - startNanos;
        Duration sleep = retry.backoff(attempt);
        if (elapsed + sleep.toNanos() > retry.budget().toNanos()) {
            throw errors.toException(SqlErrorKind.BUSY, what, "the SQLite database stayed locked by another writer: "
                    + statement + " was refused " + attempt + " time(s) over " + TimeUnit.NANOSECONDS.toMillis(elapsed)
                    + " ms (each attempt waits up to " + BUSY_TIMEOUT_KEY + " = " + sqlite.busyTimeout().toMillis()
                    + " ms; retries stop after " + BUSY_RETRY_BUDGET_KEY + " = " + retry.budget().toMillis() + " ms)", busy);
        }
        try {
            Thread.sleep(sleep.toMillis(), (int) (sleep.toNanos() % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw errors.toException(SqlErrorKind.BUSY, what, "interrupted while waiting for the SQLite write lock", busy);
        }
    }

    // ---------------------------------------------------------------- Postgres: JDBC transactions

    private <T> T jdbcTransaction(Connection c, String what, SqlWork<T> work, Outcome outcome) {
        try {
            c.setAutoCommit(false);
        } catch (SQLException e) {
            outcome.connectionTrusted = false;
            throw translate(what, e);
        }
        try {
            T result;
            try {
                result = work.run(c);
            } catch (SQLException e) {
                outcome.connectionTrusted = jdbcRollback(c, e);
                throw translate(what, e);
            } catch (RuntimeException | Error e) {
                outcome.connectionTrusted = jdbcRollback(c, e);
                throw e;
            }
            try {
                c.commit();
            } catch (SQLException e) {
                SqlErrorKind kind = SqlErrorClassifier.classify(dialect, e);
                if (kind == SqlErrorKind.UNAVAILABLE) {
                    outcome.connectionTrusted = false;
                    throw errors.toException(SqlErrorKind.OUTCOME_UNKNOWN, what, "the connection failed during COMMIT ("
                            + SqlErrorClassifier.firstLine(e.getMessage()) + "); the transaction may or may not have committed", e);
                }
                // The server refused the commit (e.g. a serialization failure): it rolled the transaction back.
                outcome.connectionTrusted = jdbcRollback(c, e);
                throw translate(what, e);
            }
            return result;
        } finally {
            if (outcome.connectionTrusted) {
                try {
                    c.setAutoCommit(true);
                } catch (SQLException e) {
                    outcome.connectionTrusted = false;
                }
            }
        }
    }

    private static boolean jdbcRollback(Connection c, Throwable failure) {
        try {
            c.rollback();
            return true;
        } catch (SQLException e) {
            failure.addSuppressed(e);
            return false;
        }
    }

    /**
     * A new connection outside the pool, with the pool's settings: for work that holds a connection for a long time
     * (a Postgres {@code LISTEN}, a SQLite {@code PRAGMA data_version} poll) and must neither starve the pool nor be
     * retired by it. The caller closes it. Not available for {@code :memory:} (another connection would see another
     * database).
     */
    public Connection dedicatedConnection() throws SQLException {
        checkOpen();
        if (location.endsWith(":memory:")) {
            throw new SQLException("an in-memory SQLite database has no second connection");
        }
        java.util.Properties props = new java.util.Properties();
        props.putAll(pool.getDataSourceProperties());
        if (pool.getUsername() != null) {
            props.setProperty("user", pool.getUsername());
        }
        if (pool.getPassword() != null) {
            props.setProperty("password", pool.getPassword());
        }
        return java.sql.DriverManager.getConnection(pool.getJdbcUrl(), props);
    }

    /** A raw pooled connection, for tests and tools; the caller closes it. */
    public Connection connection() throws SQLException {
        checkOpen();
        return pool.getConnection();
    }

    private void checkOpen() {
        if (closed.get()) {
            throw errors.toException(SqlErrorKind.UNAVAILABLE, "use " + location, "the database was closed", null);
        }
    }

    /** Closes the pool, unless this is a lent view (see {@link #lend}). Idempotent. */
    @Override
    public void close() {
        if (owner && closed.compareAndSet(false, true)) {
            pool.close();
        }
    }

    @Override
    public String toString() {
        return "Database[" + location + (owner ? "" : ", borrowed") + "]";
    }
}

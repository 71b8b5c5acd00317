package dev.cinch.metadata;

import dev.cinch.sql.SchemaStatus;
import dev.cinch.sql.MigrationResult;
import dev.cinch.sql.Dialect;
import dev.cinch.sql.Database;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.config.CinchConfig;

import java.time.Clock;
import java.util.List;

/**
 * The entry point for the CLI and the server: opens the metadata database the configuration selects and offers
 * the maintenance operations ({@code migrate}, {@code db status}, tokens, {@code cleanup}, {@code keys rotate}).
 *
 * <pre>{@code
 * try (Metadata md = Metadata.open(CinchConfig.load(file, System.getenv(), Map.of()))) {
 *     md.migrate();
 *     CreatedToken t = md.store().createToken(new NewToken("ci", TokenType.ADMIN, null, List.of(), null));
 * }
 * }</pre>
 *
 * <p>Configuration keys: {@code data-dir} ({@code CINCH_DATA_DIR}) and those {@link MetadataConfig} declares
 * ({@code database.*}, {@code encryption.*}, {@code tokens.*}; defaults in {@code docs/metadata.md}). Unknown keys in
 * those sections are refused here too, for configurations built without {@code CinchConfig.load}.
 *
 * <p>Opening does not migrate: {@link #status()} works on any database, and the CLI decides when to
 * {@link #migrate()}.
 */
public final class Metadata implements AutoCloseable {
    public static final String BCRYPT_COST_KEY = StoreSettings.BCRYPT_COST_KEY;

    private final Database db;
    private final Migrator migrator;
    private final JdbcMetadataStore store;

    private Metadata(Database db, JdbcMetadataStore store) {
        this.db = db;
        this.migrator = new Migrator(db);
        this.store = store;
    }

    /** Opens the configured database (failing fast when it cannot be reached). */
    public static Metadata open(CinchConfig config) {
        return open(config, Clock.systemUTC());
    }

    public static Metadata open(CinchConfig config, Clock clock) {
        config.requireOnlyKnownKeys(new MetadataConfig());
        EncryptionKeys keys = EncryptionKeys.fromConfig(config);
        StoreSettings settings = StoreSettings.fromConfig(config);
        Database db = Database.open(config, SqlErrors.METADATA);
        try {
            return new Metadata(db, new JdbcMetadataStore(db, keys, settings, clock));
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /** Wraps an opened database (tests, embedding); the returned object owns it. */
    public static Metadata of(Database db, EncryptionKeys keys, int bcryptCost, Clock clock) {
        return of(db, keys, StoreSettings.withBcryptCost(bcryptCost), clock);
    }

    /** Wraps an opened database with explicit settings (token cache, queue policy); the returned object owns it. */
    public static Metadata of(Database db, EncryptionKeys keys, StoreSettings settings, Clock clock) {
        try {
            return new Metadata(db, new JdbcMetadataStore(db, keys, settings, clock));
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /** Applies pending migrations; see {@link Migrator}. */
    public MigrationResult migrate() {
        return migrator.migrate();
    }

    /** Dialect, location, schema version and pending migrations, without changing anything. */
    public SchemaStatus status() {
        return migrator.status();
    }

    /** The seed's {@code DB} interface. */
    public MetadataStore store() {
        return store;
    }

    public Dialect dialect() {
        return db.dialect();
    }

    /**
     * The metadata's pool, for a log store to borrow through {@link dev.cinch.logs.config.StoreContext} (one pool per
     * database: on SQLite a second pool would compete with this one for the single write lock). A borrower views it
     * with {@link Database#lend} and never closes it; this object closes it.
     */
    public Database database() {
        return db;
    }

    /** Where the database is, safe to print. */
    public String location() {
        return db.location();
    }

    public CreatedToken createToken(NewToken token) {
        return store.createToken(token);
    }

    public TokenValidation validateToken(String raw) {
        return store.validateToken(raw);
    }

    public boolean revokeToken(String id) {
        return store.revokeToken(id);
    }

    public List<Token> listTokens() {
        return store.listTokens();
    }

    public CleanupReport cleanup(RetentionPolicy policy, JobLogDeleter logs, boolean dryRun) {
        return store.cleanup(policy, logs, dryRun);
    }

    /** Retention deleting logs through {@code logs} (e.g. the tiered store, so every tier is cleaned). */
    public CleanupReport cleanup(RetentionPolicy policy, LogStore logs, boolean dryRun) {
        return store.cleanup(policy, JobLogDeleter.of(logs), dryRun);
    }

    public KeyRotationReport rotateKeys() {
        return store.rotateKeys();
    }

    /** Registers a CLI-created job under the placeholder local repository when it does not exist yet. */
    public EnsuredJob ensureJob(JobId id, String command) {
        return store.ensureJob(id, command);
    }

    /** Closes the pool. Idempotent. */
    @Override
    public void close() {
        store.close();
    }

    @Override
    public String toString() {
        return "Metadata[" + db.location() + "]";
    }
}

package dev.cinch.cli;

import dev.cinch.logs.InvalidJobIdException;
import dev.cinch.logs.JobId;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.metrics.MeteredLogStore;
import dev.cinch.logs.policy.JobSecrets;
import dev.cinch.logs.policy.MaskingLogStore;
import dev.cinch.logs.policy.SizeLimit;
import dev.cinch.logs.policy.SizeLimitLogStore;
import dev.cinch.sql.Database;
import dev.cinch.logs.config.CinchConfig;
import dev.cinch.logs.config.ConfigException;
import dev.cinch.metadata.InvalidInputException;
import dev.cinch.metadata.Metadata;
import dev.cinch.sql.MigrationResult;
import dev.cinch.sql.SchemaStatus;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code cinchlog}: the operator's tool for Cinch's log storage.
 *
 * <p>Exit codes: 0 success, 2 usage or configuration errors (including invalid job ids and bad option values, which
 * are refused while parsing, before any store or database is opened), 1 any other failure; a failure prints one
 * line, {@code cinchlog: <what went wrong>}, on stderr. {@code run} exits with its command's code, or with
 * {@value #EXIT_STORAGE_FAILED} when the command succeeded but its log could not be stored or sealed (see
 * {@link RunCommand}). {@code grep} exits as grep does: 0 when a line matched, 1 when none did, 2 on any failure.
 *
 * <p>The metadata database (SQLite {@code <data-dir>/cinch.db}, or Postgres when {@code DATABASE_URL} is set) is
 * migrated automatically by the first command that needs it, so a fresh self-hosted install works without a setup
 * step; {@code cinchlog migrate} does the same explicitly and {@code cinchlog db status} only looks.
 */
@Command(name = "cinchlog",
        // INHERIT: every subcommand gets --help (and --version), which the "Try '... --help'" hint promises.
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = Cinchlog.Version.class,
        description = "Store, read and maintain Cinch build logs and the metadata database.",
        footer = {"", "The metadata database is SQLite <data-dir>/cinch.db, or Postgres when DATABASE_URL is set.",
            "Commands that need it apply pending schema migrations automatically on first use."},
        subcommands = {
            AppendCommand.class, SealCommand.class, CatCommand.class, FollowCommand.class, StatCommand.class,
            ExportCommand.class, GrepCommand.class, LsCommand.class, RunCommand.class, MigrateCommand.class, DbCommand.class,
            TokenCommand.class, SecretCommand.class, CleanupCommand.class, KeysCommand.class, VerifyCommand.class,
            ArchiveCommand.class, DictCommand.class, MetricsCommand.class, SearchCommand.class, CommandLine.HelpCommand.class
        })
public final class Cinchlog implements AutoCloseable {
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;
    /** {@code run} only: the command exited 0, but storing or sealing its log failed. */
    public static final int EXIT_STORAGE_FAILED = 3;
    /** The provider name of the log store that lives in the metadata database. */
    static final String DB_STORE = "db";
    /**
     * How often {@code run} and {@code append} re-read a writing job's secrets from the metadata database: a value
     * added with {@code secret add} while a job writes is masked in what is stored from this long after on. One
     * indexed read per job per interval, and only while chunks arrive; the masking store's default.
     */
    static final Duration SECRETS_REFRESH = MaskingLogStore.DEFAULT_REFRESH;

    @Option(names = "--config", scope = ScopeType.INHERIT, paramLabel = "FILE", converter = NonEmptyPathConverter.class,
            description = "Config file (.yml/.yaml or .properties). Env vars override it; flags override both.")
    Path configFile;

    @Option(names = "--data-dir", scope = ScopeType.INHERIT, paramLabel = "DIR", converter = NonEmptyPathConverter.class,
            description = "Data directory (env CINCH_DATA_DIR, default ./cinch-data).")
    Path dataDir;

    @Option(names = "--store", scope = ScopeType.INHERIT, paramLabel = "NAME", converter = NonEmptyConverter.class,
            description = "Log store: a provider name such as fs or db (env CINCH_LOG_STORE, default fs).")
    String storeName;

    final InputStream in;
    final OutputStream out;
    final PrintStream err;
    final Clock clock;
    private final Map<String, String> env;
    private CinchConfig config;
    /**
     * The meters of this process's store. Always on: they cost a few counter updates per call, and a process as
     * short-lived as a command has nothing to export them to, so only {@code metrics} prints them.
     */
    final MeterRegistry meters = new SimpleMeterRegistry();
    private MeteredLogStore store;
    private SizeLimitLogStore limited;
    private LogStore served;
    private Optional<SizeLimit> writeLimit = Optional.empty();
    private Metadata metadata;
    private boolean schemaChecked;

    public Cinchlog(InputStream in, OutputStream out, PrintStream err, Map<String, String> env) {
        this(in, out, err, env, Clock.systemUTC());
    }

    /** With a given clock: token expiry and the retention cutoff are computed from it (tests move it). */
    public Cinchlog(InputStream in, OutputStream out, PrintStream err, Map<String, String> env, Clock clock) {
        this.in = in;
        this.out = out;
        this.err = err;
        this.env = Map.copyOf(env);
        this.clock = clock;
    }

    public static void main(String[] args) {
        OutputStream stdout = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
        int code;
        try (Cinchlog app = new Cinchlog(System.in, stdout, System.err, System.getenv())) {
            code = app.execute(args);
        }
        System.exit(code);
    }

    /** Parses and runs one command line; returns the exit code. */
    public int execute(String... args) {
        CommandLine cl = new CommandLine(this);
        // 'db' is both a store name and a command: '--store db ls' must read 'db' as the option's value.
        cl.setAllowSubcommandsAsOptionParameters(true);
        PrintWriter errWriter = new PrintWriter(err, true, StandardCharsets.UTF_8);
        cl.setErr(errWriter);
        cl.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        cl.setExitCodeExceptionMapper(Cinchlog::exitCodeOf);
        cl.setParameterExceptionHandler((ex, argv) -> {
            errWriter.println("cinchlog: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, errWriter);
            // The qualified name, so a nested command's hint reads 'cinchlog token create --help'.
            errWriter.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            errWriter.println("cinchlog: " + oneLine(ex));
            // grep's 1 means "nothing matched", so its failures are all 2, as grep's are
            return commandLine.getCommand() instanceof GrepCommand || commandLine.getCommand() instanceof SearchCommand
                    ? GrepCommand.EXIT_TROUBLE : exitCodeOf(ex);
        });
        int code = cl.execute(args);
        try {
            out.flush();
        } catch (java.io.IOException e) {
            // A command that already failed has reported why; its code stands (run's is its command's code).
            if (code != 0) {
                return code;
            }
            err.println("cinchlog: writing output failed: " + e.getMessage());
            return EXIT_FAILURE;
        }
        return code;
    }

    static int exitCodeOf(Throwable ex) {
        // InvalidInputException: the metadata store refused a value the user typed (token name, scope, ...).
        if (ex instanceof ConfigException || ex instanceof InvalidJobIdException || ex instanceof CommandLine.ParameterException
                || ex instanceof UsageException || ex instanceof InvalidInputException) {
            return EXIT_USAGE;
        }
        return EXIT_FAILURE;
    }

    /** User input quoted for a message, with control characters escaped so the message stays one line. */
    static String quoted(String value) {
        StringBuilder sb = new StringBuilder("'");
        value.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                sb.append(String.format("\\x%02x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.append('\'').toString();
    }

    static String oneLine(Throwable ex) {
        String msg = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        int nl = msg.indexOf('\n');
        return nl < 0 ? msg : msg.substring(0, nl);
    }

    /**
     * The configuration: file ({@code --config}, else {@code CINCH_CONFIG}), then environment, then this command
     * line's flags; every key is checked against the modules on the class path as it loads.
     */
    public CinchConfig config() {
        if (config == null) {
            Map<String, String> overrides = new HashMap<>();
            if (dataDir != null) {
                overrides.put(CinchConfig.DATA_DIR, dataDir.toString());
            }
            if (storeName != null) {
                overrides.put(CinchConfig.LOG_STORE, storeName);
            }
            config = CinchConfig.load(Optional.ofNullable(configFile), env, overrides);
        }
        return config;
    }

    /** An environment variable of this invocation, or null. */
    String env(String name) {
        return env.get(name);
    }

    /**
     * Sets the size limit of the jobs this invocation writes ({@code run}, {@code append}); other commands write no
     * output and keep none.
     */
    void limitWrites(Optional<SizeLimit> limit) {
        writeLimit = limit;
    }

    /**
     * The configured log store, opened on first use and closed with the CLI. The {@code db} store keeps logs in the
     * metadata database: it borrows the metadata's pool (one pool per database; on SQLite a second one would compete
     * for the write lock) and the metadata schema is brought up to date first, as for every metadata command. It is
     * metered ({@link #meters}); use {@link #meteredStore()} to reach a store's own API behind the meters.
     *
     * <p>It is always behind the size limit's store, limit or not: {@code stat}, {@code ls}, {@code delete} and
     * {@code cleanup} must see a limited job's tail buffer and summary as part of the job, whoever wrote it.
     */
    public LogStore store() {
        if (limited == null) {
            limited = new SizeLimitLogStore(meteredStore(), job -> writeLimit);
        }
        return limited;
    }

    /**
     * The store for writing job output ({@code run}, {@code append}): each chunk is masked before it is stored with
     * the job's secrets from the metadata database ({@link MetadataJobSecrets}) and {@code extra} (values of this
     * process, such as {@code run --secret-env}).
     */
    LogStore maskingStore(JobSecrets extra) {
        return new MaskingLogStore(store(), new MetadataJobSecrets(metadata().store()).and(extra), SECRETS_REFRESH);
    }

    /**
     * The store for reading job output ({@code cat}, {@code follow}, {@code grep}, {@code search}, {@code export}):
     * every read masks the job's secrets as the metadata database holds them now, so output stored before a value was
     * registered is never shown with it. With no metadata database yet (a data directory on SQLite without
     * {@code cinch.db}) no job has a secret, and reads go to the store as it is: a read never creates the database.
     */
    LogStore servedStore() {
        if (served == null) {
            boolean metadataExists = Database.mayExist(config()) || DB_STORE.equals(config().logStore());
            served = metadataExists ? maskingStore(JobSecrets.NONE) : store();
        }
        return served;
    }

    /** The configured log store with its meters in {@link #meters} (each tier's too, for the tiered store). */
    MeteredLogStore meteredStore() {
        if (store == null) {
            Map<Class<?>, Object> lent = DB_STORE.equals(config().logStore())
                    ? Map.of(Database.class, metadata().database())
                    : Map.of();
            store = MeteredLogStore.open(LogStores.fromClassPath(), config(), lent, meters);
        }
        return store;
    }

    /**
     * The metadata database, opened on first use and closed with the CLI, with its schema brought up to date:
     * pending migrations are applied here (and reported on stderr) so that every command works on a fresh install.
     * A database migrated by a newer Cinch is refused by the migrator.
     */
    public Metadata metadata() {
        Metadata md = metadataAsIs();
        if (!schemaChecked) {
            // Looking first keeps the common case (schema current) a read: migrate() always takes the write lock.
            SchemaStatus status = md.status();
            if (!status.upToDate()) {
                MigrationResult result = md.migrate();
                if (!result.applied().isEmpty()) {
                    err.println("migrated the metadata database to schema version " + result.currentVersion()
                            + " (applied " + MigrateCommand.versions(result.applied()) + ")");
                }
            }
            schemaChecked = true;
        }
        return md;
    }

    /** The metadata database without touching its schema: for {@code migrate} and {@code db status}. */
    Metadata metadataAsIs() {
        if (metadata == null) {
            metadata = Metadata.open(config(), clock);
        }
        return metadata;
    }

    static JobId jobId(String raw) {
        return JobId.of(raw);
    }

    @Override
    public void close() {
        try {
            if (store != null) {
                store.close(); // the size limit's store holds nothing of its own to close
                store = null;
                limited = null;
            }
        } finally {
            if (metadata != null) {
                metadata.close();
                metadata = null;
            }
        }
    }

    /** A mistake in how the command was called, found after parsing (exit code 2). */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Cinchlog.class.getPackage().getImplementationVersion();
            return new String[] {"cinchlog " + (v == null ? "development build" : v)};
        }
    }
}

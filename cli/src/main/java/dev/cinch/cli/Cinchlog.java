package dev.cinch.cli;

import dev.cinch.logs.InvalidJobIdException;
import dev.cinch.logs.JobId;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.config.CinchConfig;
import dev.cinch.logs.config.ConfigException;
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
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code cinchlog}: the operator's tool for Cinch's log storage.
 *
 * <p>Exit codes: 0 success, 2 usage or configuration errors (including invalid job ids), 1 any other failure; a
 * failure prints one line, {@code cinchlog: <what went wrong>}, on stderr. {@code run} exits with its command's code.
 */
@Command(name = "cinchlog",
        mixinStandardHelpOptions = true,
        versionProvider = Cinchlog.Version.class,
        description = "Store, read and maintain Cinch build logs.",
        subcommands = {
            AppendCommand.class, SealCommand.class, CatCommand.class, FollowCommand.class, StatCommand.class,
            ExportCommand.class, LsCommand.class, RunCommand.class, CommandLine.HelpCommand.class
        })
public final class Cinchlog implements AutoCloseable {
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    @Option(names = "--config", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Config file (.yml/.yaml or .properties). Env vars override it; flags override both.")
    Path configFile;

    @Option(names = "--data-dir", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "Data directory (env CINCH_DATA_DIR, default ./cinch-data).")
    Path dataDir;

    @Option(names = "--store", scope = ScopeType.INHERIT, paramLabel = "NAME",
            description = "Log store: a provider name such as fs (env CINCH_LOG_STORE, default fs).")
    String storeName;

    final InputStream in;
    final OutputStream out;
    final PrintStream err;
    private final Map<String, String> env;
    private CinchConfig config;
    private LogStore store;

    public Cinchlog(InputStream in, OutputStream out, PrintStream err, Map<String, String> env) {
        this.in = in;
        this.out = out;
        this.err = err;
        this.env = Map.copyOf(env);
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
        PrintWriter errWriter = new PrintWriter(err, true, StandardCharsets.UTF_8);
        cl.setErr(errWriter);
        cl.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        cl.setExitCodeExceptionMapper(Cinchlog::exitCodeOf);
        cl.setParameterExceptionHandler((ex, argv) -> {
            errWriter.println("cinchlog: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, errWriter);
            errWriter.println("Try 'cinchlog " + (ex.getCommandLine() == cl ? "" : ex.getCommandLine().getCommandName() + " ") + "--help'.");
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            errWriter.println("cinchlog: " + oneLine(ex));
            return exitCodeOf(ex);
        });
        int code = cl.execute(args);
        try {
            out.flush();
        } catch (java.io.IOException e) {
            err.println("cinchlog: writing output failed: " + e.getMessage());
            return EXIT_FAILURE;
        }
        return code;
    }

    static int exitCodeOf(Throwable ex) {
        if (ex instanceof ConfigException || ex instanceof InvalidJobIdException || ex instanceof CommandLine.ParameterException
                || ex instanceof UsageException) {
            return EXIT_USAGE;
        }
        return EXIT_FAILURE;
    }

    private static String oneLine(Throwable ex) {
        String msg = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        int nl = msg.indexOf('\n');
        return nl < 0 ? msg : msg.substring(0, nl);
    }

    /** The configuration: file, then environment, then this command line's flags. */
    public CinchConfig config() {
        if (config == null) {
            Map<String, String> overrides = new HashMap<>();
            if (dataDir != null) {
                overrides.put(CinchConfig.DATA_DIR, dataDir.toString());
            }
            if (storeName != null) {
                overrides.put(CinchConfig.LOG_STORE, storeName);
            }
            Optional<Path> file = Optional.ofNullable(configFile).or(() -> Optional.ofNullable(env.get("CINCH_CONFIG")).map(Path::of));
            config = CinchConfig.load(file, env, overrides);
        }
        return config;
    }

    /** The configured log store, opened on first use and closed with the CLI. */
    public LogStore store() {
        if (store == null) {
            store = LogStores.fromClassPath().open(config());
        }
        return store;
    }

    static JobId jobId(String raw) {
        return JobId.of(raw);
    }

    @Override
    public void close() {
        if (store != null) {
            store.close();
            store = null;
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

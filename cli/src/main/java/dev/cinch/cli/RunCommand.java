package dev.cinch.cli;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.LogWriter;
import dev.cinch.logs.policy.MaskingLogStore;
import dev.cinch.logs.policy.RegisteredSecrets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code run -- CMD ARGS...}: runs CMD, passes its stdout and stderr through to the terminal byte for byte, and stores
 * them live as JOB's log.
 *
 * <p><b>Storage never costs the command its output or its exit code.</b> If storing fails part-way (a full disk, a
 * store error), CMD keeps running and its output keeps reaching the terminal unchanged; storing stops, so the log
 * holds exactly the output stored before the failure, with no hole. When CMD exits, one line on stderr names the
 * job and the failure, and {@code run} exits with CMD's code, or with {@value Cinchlog#EXIT_STORAGE_FAILED} if CMD
 * exited 0, so a caller that checks only the exit code still learns that the log is incomplete.
 *
 * <p><b>The log is sealed after a storage failure too.</b> Followers and readers wait for the seal to know a log is
 * finished, and an open log would also let a later {@code append} or {@code run --job} continue it after the gap as
 * if nothing were missing. Sealing the stored prefix makes the truncation final; the stderr line and the exit code
 * say it is incomplete. The seal is tried once and may fail as well (on a full disk it usually does): then the same
 * line says so, and the log stays open. A seal that fails after all output was stored is reported the same way.
 *
 * <p>If writing to the terminal fails (stdout closed, e.g. piped into {@code head}), storing goes on so the log
 * still gets everything, one line reports it, and {@code run} exits with CMD's code, or 1 if that was 0.
 *
 * <p>Failures before CMD starts (bad options, an unreachable metadata database, a sealed log, a command that cannot
 * be started) end {@code run} with 2 or 1 like any other command, and CMD does not run.
 *
 * <p>Ctrl-C reaches CMD and {@code cinchlog} alike; a shutdown hook holds the JVM until the last output is stored,
 * the log sealed and any failure reported (at most 30 s).
 */
@Command(name = "run", description = {"Run CMD, storing its output as JOB's log; exit with CMD's exit code.",
        "Stores CMD's stdout and stderr live as JOB's log, passes them through, and seals the log when CMD exits.",
        "JOB is registered in the metadata database (with CMD as its command) before CMD starts; if that database",
        "cannot be reached, run fails (exit 1) without starting CMD, so no output goes unrecorded.",
        "If storing fails while CMD runs, CMD's output still reaches the terminal in full, the log keeps what was",
        "stored (sealed, if sealing still works), and one line on stderr names the failure."},
        footer = {"", "Exit codes: CMD's exit code when CMD ran; " + Cinchlog.EXIT_STORAGE_FAILED + " when CMD exited 0 but storing or",
            "sealing its log failed; 1 when run failed before starting CMD, or CMD exited 0",
            "but its output could not be written to the terminal; 2 for usage errors."})
final class RunCommand implements Callable<Integer> {
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    @ParentCommand
    Cinchlog cli;

    @Option(names = "--job", paramLabel = "JOB", converter = JobIdConverter.class,
            description = "Job id (default: a new id, printed on stderr as 'job <id>').")
    JobId job;

    @Option(names = "--chunk-size", defaultValue = "65536", paramLabel = "BYTES", converter = ChunkSizeConverter.class,
            description = "Largest chunk (default: ${DEFAULT-VALUE}).")
    int chunkSize;

    @Option(names = "--secret-env", paramLabel = "NAME",
            description = {"Mask the value of environment variable NAME wherever CMD prints it (also base64- or",
                    "URL-encoded) before it is stored; repeatable. Values of at least 6 bytes are masked. The job's",
                    "repository forge token and values added with 'secret add' (also while CMD runs) are masked",
                    "too. Values are never printed."})
    List<String> secretEnv = new java.util.ArrayList<>();

    @picocli.CommandLine.Mixin
    SizeLimitOptions limits = new SizeLimitOptions();

    @Parameters(index = "0..*", arity = "1..*", paramLabel = "CMD", description = "The command and its arguments (after --).")
    List<String> command;

    @Override
    public Integer call() throws Exception {
        limits.apply(cli);
        JobId id = job != null ? job : newJobId();
        cli.err.println("job " + id.value());
        // Before CMD starts: if the metadata is unavailable nothing runs, rather than output landing in a log that
        // no job row points to (see AppendCommand).
        cli.metadata().ensureJob(id, commandLine(command));
        // Registered before CMD starts, so its first byte of output is already masked.
        RegisteredSecrets secrets = new RegisteredSecrets();
        for (String name : secretEnv) {
            String value = cli.env(name);
            if (value == null) {
                throw new Cinchlog.UsageException("--secret-env " + name + ": the variable is not set");
            }
            if (value.getBytes(StandardCharsets.UTF_8).length < MaskingLogStore.MIN_SECRET_BYTES) {
                cli.err.println("cinchlog: --secret-env " + name + ": shorter than " + MaskingLogStore.MIN_SECRET_BYTES
                        + " bytes, so it is not masked");
            }
            secrets.register(id, value.getBytes(StandardCharsets.UTF_8));
        }
        // The values in the metadata database (added with 'secret add', the repo's forge token) are read when the
        // first chunk arrives and again every few seconds, so a value added while CMD runs masks its later output.
        LogStore store = cli.maskingStore(secrets);
        // Read once before CMD starts too: an unreadable value (no key, a tampered row) stops run here, with nothing
        // started, rather than at the first chunk, where it would cost the log.
        new MetadataJobSecrets(cli.metadata().store()).secretsOf(id);
        // The writer role before CMD starts: another process writing this job's log makes run fail here, with
        // nothing started, rather than lose CMD's output to a collision later.
        LogWriter session = store.openWriter(id);
        Process process;
        try {
            process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            session.close();
            throw new IOException("cannot run '" + command.get(0) + "': " + e.getMessage(), e);
        }
        OutputTee tee = new OutputTee(new ChunkWriter(session), chunkSize);
        // Ctrl-C reaches the command and us alike: the command exits, and the JVM starts shutting down while this
        // thread still has the last output to store and the log to seal. The hook holds shutdown until then.
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            try {
                finished.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "cinchlog-run-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            Thread outPump = tee.start(process.getInputStream(), cli.out, LogStream.STDOUT);
            Thread errPump = tee.start(process.getErrorStream(), cli.err, LogStream.STDERR);
            int exit = process.waitFor();
            outPump.join();
            errPump.join();
            session.close();
            return finish(store, id, tee, exit);
        } finally {
            session.close();
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running and now returns
            }
        }
    }

    /** Seals the log (after a storage failure too, see the class doc), reports failures once, picks the exit code. */
    private int finish(LogStore store, JobId id, OutputTee tee, int commandExit) {
        Optional<RuntimeException> storing = tee.storageFailure();
        Optional<RuntimeException> sealing;
        try {
            store.seal(id);
            sealing = Optional.empty();
        } catch (RuntimeException e) {
            sealing = Optional.of(e);
        }
        Optional<OutputTee.PassThroughFailure> passThrough = tee.passThroughFailure();
        String job = "job " + id.value() + ": ";
        if (storing.isPresent()) {
            cli.err.println("cinchlog: " + job + "storing the command's output failed: " + cause(id, storing.get())
                    + "; the log holds the " + tee.bytesStored() + " bytes stored before that"
                    + sealing.map(e -> " and stays open: sealing it failed too: " + cause(id, e)).orElse(" and is sealed")
                    + (passThrough.isEmpty() ? "; the terminal got all of the output" : ""));
        } else if (sealing.isPresent()) {
            cli.err.println("cinchlog: " + job + "sealing the log failed: " + cause(id, sealing.get())
                    + "; all " + tee.bytesStored() + " bytes of output are stored, and the log stays open");
        }
        passThrough.ifPresent(f -> cli.err.println("cinchlog: " + job + "passing the command's " + f.stream().wireName()
                + " through stopped: " + f.what() + " failed: " + f.cause().getMessage()));
        if (commandExit != 0) {
            return commandExit;
        }
        if (passThrough.isPresent()) {
            return Cinchlog.EXIT_FAILURE;
        }
        return storing.isPresent() || sealing.isPresent() ? Cinchlog.EXIT_STORAGE_FAILED : 0;
    }

    /** A store error's message without its leading "job X: ", which the report already names, on one line. */
    private static String cause(JobId id, RuntimeException e) {
        String msg = Cinchlog.oneLine(e);
        String prefix = "job " + id.value() + ": ";
        return msg.startsWith(prefix) ? msg.substring(prefix.length()) : msg;
    }

    /** The command as a shell would show it: arguments with spaces or quotes are single-quoted. */
    static String commandLine(List<String> args) {
        StringBuilder line = new StringBuilder();
        for (String arg : args) {
            if (line.length() > 0) {
                line.append(' ');
            }
            if (!arg.isEmpty() && arg.chars().allMatch(c -> Character.isLetterOrDigit(c) || "-_./=:,+@%".indexOf(c) >= 0)) {
                line.append(arg);
            } else {
                line.append('\'').append(arg.replace("'", "'\\''")).append('\'');
            }
        }
        return line.toString();
    }

    static JobId newJobId() {
        SecureRandom rnd = new SecureRandom();
        StringBuilder suffix = new StringBuilder();
        String alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
        for (int i = 0; i < 6; i++) {
            suffix.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        return JobId.of("run-" + LocalDateTime.now(ZoneOffset.UTC).format(ID_TIME) + "-" + suffix);
    }
}

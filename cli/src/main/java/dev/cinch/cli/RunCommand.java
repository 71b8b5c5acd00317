package dev.cinch.cli;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

@Command(name = "run", description = {"Run CMD, storing its output as JOB's log; exit with CMD's exit code.",
        "Stores CMD's stdout and stderr live as JOB's log, passes them through, and seals the log when CMD exits.",
        "JOB is registered in the metadata database (with CMD as its command) before CMD starts; if that database",
        "cannot be reached, run fails (exit 1) without starting CMD, so no output goes unrecorded."})
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

    @Parameters(index = "0..*", arity = "1..*", paramLabel = "CMD", description = "The command and its arguments (after --).")
    List<String> command;

    @Override
    public Integer call() throws Exception {
        JobId id = job != null ? job : newJobId();
        cli.err.println("job " + id.value());
        // Before CMD starts: if the metadata is unavailable nothing runs, rather than output landing in a log that
        // no job row points to (see AppendCommand).
        cli.metadata().ensureJob(id, commandLine(command));
        LogStore store = cli.store();
        ChunkWriter writer = new ChunkWriter(store, id, AppendCommand.nextSeq(store, id));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new IOException("cannot run '" + command.get(0) + "': " + e.getMessage(), e);
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
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
            Thread outPump = pump(process.getInputStream(), cli.out, LogStream.STDOUT, writer, failure);
            Thread errPump = pump(process.getErrorStream(), cli.err, LogStream.STDERR, writer, failure);
            int exit = process.waitFor();
            outPump.join();
            errPump.join();
            if (failure.get() != null) {
                throw new IOException("storing the output of '" + command.get(0) + "' failed: " + failure.get().getMessage(), failure.get());
            }
            store.seal(id);
            return exit;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running and now returns
            }
        }
    }

    /** Copies one stream of the child to the terminal and, chunk by chunk as it arrives, into the log. */
    private Thread pump(InputStream from, OutputStream to, LogStream stream, ChunkWriter writer, AtomicReference<Throwable> failure) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[chunkSize];
            try {
                int n;
                while ((n = from.read(buf)) > 0) {
                    synchronized (to) {
                        to.write(buf, 0, n);
                        to.flush();
                    }
                    if (failure.get() == null) {
                        writer.write(stream, buf, n);
                    }
                }
            } catch (IOException | RuntimeException e) {
                failure.compareAndSet(null, e);
                drain(from);
            }
        }, "cinchlog-run-" + stream.wireName());
        t.start();
        return t;
    }

    /** Keeps reading so the child never blocks on a full pipe after storing failed. */
    private static void drain(InputStream from) {
        try {
            from.transferTo(OutputStream.nullOutputStream());
        } catch (IOException ignored) {
            // the child is gone
        }
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

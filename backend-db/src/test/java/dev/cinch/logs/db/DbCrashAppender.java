package dev.cinch.logs.db;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogLockedException;
import dev.cinch.logs.LogNotFoundException;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.config.CinchConfig;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * Child process of {@link DbCrashTest}: appends deterministic chunks to several logs of a db store at once, one thread
 * per log, and prints {@code ACK job seq} after each acknowledged append, until it is killed. Arguments: job count,
 * then the store's settings as {@code key=value}.
 */
public final class DbCrashAppender {
    public static void main(String[] args) throws Exception {
        int jobs = Integer.parseInt(args[0]);
        Map<String, String> settings = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            settings.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, StandardCharsets.US_ASCII);
        try (LogStore store = LogStores.fromClassPath().open(CinchConfig.of(settings))) {
            long[] next = new long[jobs];
            for (int j = 0; j < jobs; j++) {
                try {
                    next[j] = store.stat(jobId(j)).chunks();
                } catch (LogNotFoundException e) {
                    next[j] = 0;
                }
            }
            out.println("READY");
            out.flush();
            Thread[] writers = new Thread[jobs];
            for (int j = 0; j < jobs; j++) {
                int job = j;
                writers[j] = new Thread(() -> {
                    for (long seq = next[job]; ; seq++) {
                        appendWaitingForTheRole(store, job, seq);
                        synchronized (out) {
                            out.println("ACK " + job + " " + seq);
                            out.flush();
                        }
                    }
                });
                writers[j].start();
            }
            for (Thread t : writers) {
                t.join();
            }
        }
    }

    /** The killed child's writer lease runs out after {@code db.writer-lease}; until then the log is locked. */
    private static void appendWaitingForTheRole(LogStore store, int job, long seq) {
        while (true) {
            try {
                store.append(jobId(job), expected(job, seq));
                return;
            } catch (LogLockedException e) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    static JobId jobId(int j) {
        return JobId.of("crash-" + j);
    }

    /** The chunk every run writes at (job, seq): checkable after any crash. */
    static LogChunk expected(int job, long seq) {
        Random r = new Random(job * 1_000_003L + seq);
        int len = 1 + r.nextInt(r.nextBoolean() ? 200 : 20_000);
        byte[] data = new byte[len];
        for (int i = 0; i < len; i++) {
            data[i] = r.nextInt(10) == 0 ? (byte) '\n' : (byte) ('a' + r.nextInt(26));
        }
        return new LogChunk(seq, seq % 3 == 0 ? LogStream.STDERR : LogStream.STDOUT, 1_000_000 + seq, data);
    }
}

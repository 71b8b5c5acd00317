package dev.cinch.logs.fs;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogNotFoundException;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.config.CinchConfig;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;

/**
 * Child process of {@link FsCrashTest}: appends deterministic chunks to several logs at once, one thread per log, as
 * fast as it can, and prints {@code ACK job seq} after each acknowledged append, until it is killed.
 */
public final class CrashAppender {
    public static void main(String[] args) throws Exception {
        String dataDir = args[0];
        int jobs = Integer.parseInt(args[1]);
        String durability = args[2];
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, StandardCharsets.US_ASCII);
        try (LogStore store = LogStores.fromClassPath().open(CinchConfig.of(Map.of(
                "data-dir", dataDir, "fs.durability", durability)))) {
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
            // One thread per job, as a server receives many builds at once: their appends share group commits.
            Thread[] writers = new Thread[jobs];
            for (int j = 0; j < jobs; j++) {
                int job = j;
                writers[j] = new Thread(() -> {
                    for (long seq = next[job]; ; seq++) {
                        store.append(jobId(job), expected(job, seq));
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

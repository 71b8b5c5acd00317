package dev.cinch.logs.fs;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogNotFoundException;
import dev.cinch.logs.LogStat;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.config.CinchConfig;
import dev.cinch.logs.testkit.CiLogGenerator;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Child process of {@link FsProcessesTest}: "read what is stored, then append the rest", as a worker resuming after
 * a crash does. Asks the store how many bytes and chunks the log holds, then appends the rest of a deterministic log
 * in chunks of its own size, printing {@code ACK <bytes>} after each acknowledged append, until done or killed.
 */
public final class ResumingAppender {
    static final long SEED = 4242;
    static final int LOG_BYTES = 3 << 20;

    static byte[] log() {
        return Arrays.copyOf(CiLogGenerator.generate(SEED, LOG_BYTES), LOG_BYTES);
    }

    public static void main(String[] args) throws Exception {
        String dataDir = args[0];
        JobId job = JobId.of(args[1]);
        int chunkSize = Integer.parseInt(args[2]);
        byte[] log = log();
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, StandardCharsets.US_ASCII);
        try (LogStore store = LogStores.fromClassPath().open(CinchConfig.of(Map.of("data-dir", dataDir)))) {
            long seq;
            long at;
            try {
                LogStat stat = store.stat(job);
                seq = stat.chunks();
                at = stat.rawBytes();
            } catch (LogNotFoundException e) {
                seq = 0;
                at = 0;
            }
            out.println("RESUMING " + at);
            out.flush();
            while (at < log.length) {
                int n = (int) Math.min(chunkSize, log.length - at);
                store.append(job, new LogChunk(seq++, LogStream.STDOUT, seq, Arrays.copyOfRange(log, (int) at, (int) at + n)));
                at += n;
                out.println("ACK " + at);
                out.flush();
            }
            out.println("DONE");
            out.flush();
        }
    }
}

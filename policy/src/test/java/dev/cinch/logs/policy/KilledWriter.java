package dev.cinch.logs.policy;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.LogWriter;
import dev.cinch.logs.config.CinchConfig;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * A writer that is killed: appends the deterministic chunks of {@link #chunk} through a size limit into an fs store
 * (durability group: an acknowledged chunk is on disk) and prints {@code acked <seq>} after each append returns, until
 * {@link SizeLimitKillTest} kills it with SIGKILL.
 */
final class KilledWriter {
    private KilledWriter() {
    }

    /** Chunk {@code seq} of the job's output: 1..1500 bytes of short lines, the same in every process. */
    static byte[] chunk(long seq) {
        SplittableRandom rnd = new SplittableRandom(seq * 7919 + 17);
        return SizeLimitLogStoreTest.randomOutput(rnd, 1 + rnd.nextInt(1500));
    }

    static LogStream stream(long seq) {
        return seq % 3 == 0 ? LogStream.STDERR : LogStream.STDOUT;
    }

    public static void main(String[] args) {
        CinchConfig config = CinchConfig.of(Map.of("data-dir", args[0], "log-store", "fs"));
        SizeLimit limit = new SizeLimit(Long.parseLong(args[1]), Long.parseLong(args[2]));
        try (LogStore fs = LogStores.fromClassPath().open(config);
             LogStore store = new SizeLimitLogStore(fs, JobLimits.all(limit));
             LogWriter w = store.openWriter(JobId.of(args[3]))) {
            while (true) {
                long seq = w.nextSeq();
                byte[] data = chunk(seq);
                w.append(stream(seq), seq, data, 0, data.length);
                System.out.println("acked " + seq);
                System.out.flush();
            }
        }
    }
}

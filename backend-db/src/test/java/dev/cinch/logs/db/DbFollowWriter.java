package dev.cinch.logs.db;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.config.CinchConfig;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Child process of {@link DbTwoProcessFollowTest}: another server instance writing one log. Arguments: job id, chunk
 * count, then the store's settings as {@code key=value}. Each chunk carries the time its append started, so the
 * follower in the parent can measure how long the chunk took to reach it. Prints {@code DONE} after the seal.
 */
public final class DbFollowWriter {
    public static void main(String[] args) throws Exception {
        JobId job = JobId.of(args[0]);
        int chunks = Integer.parseInt(args[1]);
        Map<String, String> settings = new HashMap<>();
        for (int i = 2; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            settings.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        try (LogStore store = LogStores.fromClassPath().open(CinchConfig.of(settings))) {
            System.out.println("READY");
            System.out.flush();
            Thread.sleep(300); // the parent's follower is waiting by now
            for (int seq = 0; seq < chunks; seq++) {
                store.append(job, chunk(seq, System.currentTimeMillis()));
                Thread.sleep(seq % 10 == 0 ? 30 : 3);
            }
            store.seal(job);
        }
        System.out.println("DONE");
        System.out.flush();
    }

    static LogChunk chunk(long seq, long timestamp) {
        return new LogChunk(seq, LogStream.STDOUT, timestamp, ("line " + seq + " of a build in another process\n")
                .getBytes(StandardCharsets.UTF_8));
    }
}

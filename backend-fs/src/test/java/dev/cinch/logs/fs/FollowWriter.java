package dev.cinch.logs.fs;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.config.CinchConfig;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Child process for the cross-process tests: appends {@code count} chunks to a job, pausing between them, then seals
 * it (or, with mode {@code hold}, keeps the log open and waits to be killed, holding the writer lock).
 */
public final class FollowWriter {
    public static void main(String[] args) throws Exception {
        String dataDir = args[0];
        JobId job = JobId.of(args[1]);
        int count = Integer.parseInt(args[2]);
        String mode = args[3];
        try (LogStore store = LogStores.fromClassPath().open(CinchConfig.of(Map.of("data-dir", dataDir)))) {
            for (int i = 0; i < count; i++) {
                store.append(job, chunk(i));
                Thread.sleep(20);
            }
            if (mode.equals("hold")) {
                System.out.println("HOLDING");
                System.out.flush();
                Thread.sleep(Long.MAX_VALUE);
            }
            store.seal(job);
        }
    }

    static LogChunk chunk(int i) {
        return new LogChunk(i, LogStream.STDOUT, 1000 + i, ("line " + i + " \u001b[32mok\u001b[0m\n").getBytes(StandardCharsets.UTF_8));
    }
}

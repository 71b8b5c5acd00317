package dev.cinch.bench;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStream;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The child JVM of {@link FollowLatencyBench}'s cross-process case: a worker-side writer. Appends chunk 0, prints
 * {@code ready}, then appends one chunk per line read from stdin (the line is the seq) until stdin closes, and
 * seals the log.
 *
 * <p>Arguments: data-dir store durability job chunk-bytes.
 */
public final class FollowWriterProcess {
    private FollowWriterProcess() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        StoreSpec spec = StoreSpec.parse(args[1], args[2]);
        JobId job = JobId.of(args[3]);
        ChunkFeed feed = CorpusBytes.load().feed(Integer.parseInt(args[4]), 0);
        try (LogStore store = spec.open(dataDir);
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII))) {
            store.append(job, new LogChunk(0, LogStream.STDOUT, System.currentTimeMillis(), feed.next()));
            System.out.println("ready");
            System.out.flush();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                long seq = Long.parseLong(line.trim());
                store.append(job, new LogChunk(seq, LogStream.STDOUT, System.currentTimeMillis(), feed.next()));
            }
            store.seal(job);
        }
    }
}

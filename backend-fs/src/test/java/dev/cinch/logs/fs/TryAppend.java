package dev.cinch.logs.fs;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogLockedException;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.config.CinchConfig;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Child process of {@link FsProcessesTest}: tries once to append chunk {@code seq} to a job and prints {@code LOCKED}
 * when another process holds the writer role, {@code APPENDED} when it got in, or the error.
 */
public final class TryAppend {
    private TryAppend() {
    }

    public static void main(String[] args) {
        try (LogStore store = LogStores.fromClassPath().open(CinchConfig.of(Map.of("data-dir", args[0])))) {
            store.append(JobId.of(args[1]), new LogChunk(Long.parseLong(args[2]), LogStream.STDOUT, 1,
                    "from another process\n".getBytes(StandardCharsets.US_ASCII)));
            System.out.println("APPENDED");
        } catch (LogLockedException e) {
            System.out.println("LOCKED");
        } catch (RuntimeException e) {
            System.out.println("ERROR " + e);
        }
    }
}

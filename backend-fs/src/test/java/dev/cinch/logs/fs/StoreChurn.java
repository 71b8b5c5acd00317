package dev.cinch.logs.fs;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogNotFoundException;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.config.CinchConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Child process of {@link FsProcessesTest}: until killed, opens the store (which sweeps stale staged archives),
 * lists, stats and reads a job, sweeps again with no age bound at all (only the upload locks protect live seals),
 * and closes the store. Prints READY once the first round is done.
 */
public final class StoreChurn {
    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        JobId job = JobId.of(args[1]);
        boolean ready = false;
        while (true) {
            try (LogStore store = LogStores.fromClassPath().open(CinchConfig.of(Map.of("data-dir", dataDir.toString())))) {
                store.list("", null, 100);
                try {
                    long size = store.stat(job).rawBytes();
                    store.readRange(job, size / 2, 4096);
                } catch (LogNotFoundException e) {
                    // not there yet
                }
            }
            FsLogStorage.sweepStaleUploads(new FsLayout(dataDir.resolve("logs")), Duration.ZERO);
            if (!ready) {
                System.out.println("READY");
                System.out.flush();
                ready = true;
            }
            Thread.sleep(10); // twenty of these share two cores with the seal
        }
    }
}

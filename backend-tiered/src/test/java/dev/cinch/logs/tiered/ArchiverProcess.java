package dev.cinch.logs.tiered;

import java.nio.file.Path;
import java.util.Map;

/**
 * A child JVM running one archival pass over the crash test's tiers, killed with {@code kill -9} at a random moment.
 * Prints READY once the store is open, then DONE when the pass ended.
 */
public final class ArchiverProcess {
    private ArchiverProcess() {
    }

    public static void main(String[] args) throws Exception {
        TieredFixture f = new TieredFixture(Path.of(args[0]), Map.of("tiered.warm.archive-after", "0s",
                "tiered.cold.archive-after", "0s"));
        try (TieredLogStore store = f.open(); Archiver archiver = store.archiver("child-" + ProcessHandle.current().pid())) {
            System.out.println("READY");
            System.out.flush();
            Archiver.Report r = archiver.runOnce(new Archiver.Listener() {
            });
            System.out.println("DONE " + r.moved() + " " + r.failures());
            System.out.flush();
        }
    }
}

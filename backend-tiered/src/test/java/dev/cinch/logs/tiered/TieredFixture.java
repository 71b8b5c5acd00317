package dev.cinch.logs.tiered;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.config.CinchConfig;
import dev.cinch.logs.config.StoreContext;
import dev.cinch.logs.testkit.CiLogGenerator;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Three fs tiers (hot, warm, cold) with records in a real SQLite file under one data dir, for the archiver's tests. */
record TieredFixture(Path dataDir, Map<String, String> extra) {

    TieredFixture(Path dataDir) {
        this(dataDir, Map.of());
    }

    CinchConfig config() {
        Map<String, String> c = new HashMap<>();
        c.put("data-dir", dataDir.toString());
        c.put("log-store", "tiered");
        c.put("tiered.tiers", "hot, warm, cold");
        c.put("tiered.move-lease", "2s");
        c.put("tiered.hot.store", "fs");
        c.put("tiered.hot.fs.root", root("hot").toString());
        c.put("tiered.warm.store", "fs");
        c.put("tiered.warm.fs.root", root("warm").toString());
        c.put("tiered.cold.store", "fs");
        c.put("tiered.cold.fs.root", root("cold").toString());
        c.put("tiered.cold.fs.archive-level", "15");
        c.putAll(extra);
        return CinchConfig.of(c);
    }

    Path root(String tier) {
        return dataDir.resolve(tier);
    }

    TieredLogStore open() {
        return open(Clock.systemUTC());
    }

    TieredLogStore open(Clock clock) {
        return new TieredLogStoreProvider().open(new StoreContext(config(), LogStores.fromClassPath()), clock);
    }

    /** The tier's own store, opened directly (to look behind the tiered store's back). */
    LogStore tierStore(String tier) {
        CinchConfig view = config().nested(TieredConfig.prefix(tier)).with(CinchConfig.LOG_STORE, "fs");
        return LogStores.fromClassPath().open("fs", view);
    }

    /** A clock {@code ahead} in the future: its leases of stopped archivers have run out. */
    static Clock ahead(Duration ahead) {
        return Clock.offset(Clock.systemUTC(), ahead);
    }

    /** Writes a generated CI log in 4 KiB chunks and seals it; returns its bytes. */
    static byte[] writeSealed(LogStore store, JobId job, long seed, int bytes) {
        byte[] log = CiLogGenerator.generate(seed, bytes);
        List<byte[]> parts = CiLogGenerator.split(log, seed, 4096);
        long seq = 0;
        for (byte[] p : parts) {
            store.append(job, new LogChunk(seq, LogStream.STDOUT, 1_000 + seq, p));
            seq++;
        }
        store.seal(job);
        return log;
    }
}

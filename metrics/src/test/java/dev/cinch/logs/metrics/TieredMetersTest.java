package dev.cinch.logs.metrics;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.config.CinchConfig;
import dev.cinch.logs.testkit.CiLogGenerator;
import dev.cinch.logs.tiered.Archiver;
import dev.cinch.logs.tiered.TieredLogStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A real tiered store (two fs tiers, records in SQLite) opened metered: per-tier meters and the archiver's. */
class TieredMetersTest {
    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private CinchConfig config() {
        return CinchConfig.of(Map.of(
                "data-dir", dir.toString(),
                "log-store", "tiered",
                "tiered.tiers", "ssd, hdd",
                "tiered.ssd.store", "fs",
                "tiered.ssd.fs.root", dir.resolve("ssd").toString(),
                "tiered.hdd.store", "fs",
                "tiered.hdd.archive-after", "0s",
                "tiered.hdd.fs.root", dir.resolve("hdd").toString()));
    }

    private double count(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    @Test
    void eachTierIsMeteredUnderItsNameAndTheArchiverCountsWhatItMoves() {
        byte[] log = CiLogGenerator.generate(7, 100_000);
        List<byte[]> parts = CiLogGenerator.split(log, 7, 4096);
        JobId job = JobId.of("done-1");
        try (MeteredLogStore store = MeteredLogStore.open(LogStores.fromClassPath(), config(), Map.of(), registry)) {
            assertThat(store.tiers()).hasSize(2);
            for (int i = 0; i < parts.size(); i++) {
                store.append(job, new LogChunk(i, LogStream.STDOUT, 1_000 + i, parts.get(i)));
            }
            store.seal(job);

            TieredLogStore tiered = store.unwrap(TieredLogStore.class).orElseThrow();
            try (ArchiveMeters archive = new ArchiveMeters(tiered, registry);
                 Archiver archiver = tiered.archiver("test")) {
                archive.planned(archiver.plan());
                assertThat(registry.get(MeterNames.ARCHIVE_BACKLOG).tags("store", "tiered", "tier", "ssd").gauge().value())
                        .isEqualTo(1);
                Archiver.Report report = archiver.runOnce(archive);
                assertThat(report.moved()).isEqualTo(1);
                assertThat(registry.get(MeterNames.ARCHIVE_BACKLOG).tags("tier", "ssd").gauge().value()).isZero();
                assertThat(count(MeterNames.ARCHIVE_MOVED_BYTES, "store", "tiered", "tier", "hdd", "from", "ssd"))
                        .isEqualTo(log.length);
                assertThat(count(MeterNames.ARCHIVE_MOVES, "tier", "hdd", "outcome", "moved")).isEqualTo(1);
            }
            assertThat(store.readRange(job, 0, log.length)).isEqualTo(log);

            // The whole store, and each tier under its own name with its provider as the store tag.
            assertThat(registry.get(MeterNames.APPEND).tags("store", "tiered", "tier", "tiered", "op", "append").timer()
                    .count()).isEqualTo(parts.size());
            assertThat(registry.get(MeterNames.APPEND).tags("store", "fs", "tier", "ssd", "op", "append").timer()
                    .count()).isEqualTo(parts.size());
            assertThat(count(MeterNames.BYTES_IN, "store", "fs", "tier", "ssd", "op", "append")).isEqualTo(log.length);
            // The move: exported from the ssd tier, imported into the hdd tier, which now answers reads.
            assertThat(count(MeterNames.BYTES_OUT, "tier", "ssd", "op", "export")).isPositive();
            assertThat(count(MeterNames.BYTES_IN, "store", "fs", "tier", "hdd", "op", "import"))
                    .isEqualTo(count(MeterNames.BYTES_OUT, "tier", "ssd", "op", "export"));
            assertThat(count(MeterNames.BYTES_OUT, "store", "fs", "tier", "hdd", "op", "range")).isEqualTo(log.length);
            assertThat(count(MeterNames.BYTES_OUT, "store", "tiered", "tier", "tiered", "op", "range")).isEqualTo(log.length);

            assertThat(store.measureStorage(1000)).extracting(StorageMeasure::tier, StorageMeasure::logs)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("ssd", 0L), org.assertj.core.groups.Tuple.tuple("hdd", 1L));
            assertThat(registry.get(MeterNames.STORED_RAW_BYTES).tags("tier", "hdd").gauge().value()).isEqualTo(log.length);
        }
        registry.getMeters().forEach(m -> {
            assertThat(m.getId().getTag("store")).as(m.getId().toString()).isIn("fs", "tiered");
            assertThat(m.getId().getTag("tier")).as(m.getId().toString()).isIn("ssd", "hdd", "tiered");
        });
    }
}

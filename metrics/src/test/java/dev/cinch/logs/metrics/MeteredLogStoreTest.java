package dev.cinch.logs.metrics;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogFollower;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStoreClosedException;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.LogWriter;
import dev.cinch.logs.SequenceGapException;
import dev.cinch.logs.config.CinchConfig;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The decorator on a real fs store in a temp dir: what it counts, and that it changes nothing. */
class MeteredLogStoreTest {
    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private MeteredLogStore open() {
        return MeteredLogStore.wrap(LogStores.fromClassPath().open(CinchConfig.of(Map.of("data-dir", dir.toString()))), registry);
    }

    private static LogChunk chunk(long seq, long timestamp, String text) {
        return new LogChunk(seq, LogStream.STDOUT, timestamp, text.getBytes(StandardCharsets.UTF_8));
    }

    private Timer timer(String name, String op) {
        return registry.get(name).tags("store", "fs", "tier", "fs", "op", op).timer();
    }

    private double counter(String name, String op) {
        return registry.get(name).tags("store", "fs", "tier", "fs", "op", op).counter().count();
    }

    @Test
    void countsAppendsReadsAndTheirBytes() {
        JobId job = JobId.of("job-1");
        try (MeteredLogStore store = open()) {
            store.append(job, chunk(0, 1, "a\n"));
            store.append(job, chunk(1, 2, "bb\n"));
            store.append(job, chunk(2, 3, "ccc\n"));
            store.append(job, chunk(2, 3, "ccc\n")); // a retry: accepted, and its bytes were received again

            assertThat(store.readRange(job, 0, 100)).hasSize(9);
            assertThat(store.readTailLines(job, 1)).isEqualTo("ccc\n".getBytes(StandardCharsets.UTF_8));
            assertThat(store.readLines(job, 2, 5)).isEqualTo("bb\nccc\n".getBytes(StandardCharsets.UTF_8));
            assertThat(store.readChunks(job, 1, 10)).hasSize(2);
            assertThat(store.stat(job).rawBytes()).isEqualTo(9);
            assertThat(store.exists(job)).isTrue();
            store.seal(job);

            assertThat(timer(MeterNames.APPEND, "append").count()).isEqualTo(4);
            assertThat(counter(MeterNames.BYTES_IN, "append")).isEqualTo(13);
            assertThat(timer(MeterNames.READ, "range").count()).isEqualTo(1);
            assertThat(counter(MeterNames.BYTES_OUT, "range")).isEqualTo(9);
            assertThat(counter(MeterNames.BYTES_OUT, "tail")).isEqualTo(4);
            assertThat(timer(MeterNames.READ, "lines").count()).isEqualTo(1);
            assertThat(counter(MeterNames.BYTES_OUT, "lines")).isEqualTo(7);
            assertThat(counter(MeterNames.BYTES_OUT, "chunks")).isEqualTo(7);
            assertThat(timer(MeterNames.READ, "stat").count()).isEqualTo(1);
            assertThat(timer(MeterNames.READ, "exists").count()).isEqualTo(1);
            assertThat(timer(MeterNames.MANAGE, "seal").count()).isEqualTo(1);
            assertThat(timer(MeterNames.APPEND, "append").totalTime(TimeUnit.NANOSECONDS)).isPositive();
            // count, sum and max are published; percentile histograms are left to the monitoring server
            assertThat(timer(MeterNames.APPEND, "append").takeSnapshot().histogramCounts()).isEmpty();
            assertThat(timer(MeterNames.APPEND, "append").takeSnapshot().percentileValues()).isEmpty();
            assertThat(timer(MeterNames.APPEND, "append").max(TimeUnit.NANOSECONDS)).isPositive();
        }
        for (Meter m : registry.getMeters()) {
            assertThat(m.getId().getTag("store")).as(m.getId().toString()).isEqualTo("fs");
            assertThat(m.getId().getTag("tier")).as(m.getId().toString()).isEqualTo("fs");
        }
    }

    @Test
    void errorsAreCountedByTypeAndPropagatedUnchanged() {
        JobId job = JobId.of("job-1");
        try (MeteredLogStore store = open()) {
            store.append(job, chunk(0, 1, "a\n"));
            SequenceGapException gap = catchThrowableOfType(SequenceGapException.class,
                    () -> store.append(job, chunk(5, 1, "x\n")));
            assertThat(gap.getClass()).isEqualTo(SequenceGapException.class);
            assertThat(gap.expectedSeq()).isEqualTo(1);
            // Thrown where the store threw it, passing through the decorator: not a copy made by the decorator.
            assertThat(gap.getStackTrace()[0].getClassName()).isNotEqualTo(MeteredLogStore.class.getName());
            assertThat(Arrays.stream(gap.getStackTrace()).map(StackTraceElement::getClassName))
                    .contains(MeteredLogStore.class.getName());

            // Any runtime exception, of any type, comes out as the very instance thrown underneath.
            store.seal(job);
            IllegalStateException boom = new IllegalStateException("disk on fire");
            OutputStream failing = new OutputStream() {
                @Override
                public void write(int b) {
                    throw boom;
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    throw boom;
                }
            };
            assertThatThrownBy(() -> store.exportArchive(job, failing)).isSameAs(boom);

            assertThat(registry.get(MeterNames.ERRORS).tags("op", "append", "exception", "SequenceGapException",
                    "store", "fs", "tier", "fs").counter().count()).isEqualTo(1);
            assertThat(registry.get(MeterNames.ERRORS).tags("op", "export", "exception", "IllegalStateException")
                    .counter().count()).isEqualTo(1);
            assertThat(timer(MeterNames.APPEND, "append").count()).as("failed calls are not timed").isEqualTo(1);
        }
    }

    @Test
    void writersAndFollowersAreMeteredToo() throws Exception {
        JobId job = JobId.of("job-2");
        try (MeteredLogStore store = open()) {
            try (LogWriter writer = store.openWriter(job)) {
                byte[] line = "hello\n".getBytes(StandardCharsets.UTF_8);
                long stamped = System.currentTimeMillis() - 2_000;
                writer.append(LogStream.STDOUT, stamped, line, 0, line.length);
                writer.append(LogStream.STDERR, stamped, line, 0, 3);
            }
            store.seal(job);
            List<LogChunk> got = new ArrayList<>();
            try (LogFollower follower = store.follow(job, 0)) {
                while (!follower.isFinished()) {
                    got.addAll(follower.poll(Duration.ofSeconds(5)));
                }
            }
            assertThat(got).hasSize(2);
            assertThat(timer(MeterNames.MANAGE, "open_writer").count()).isEqualTo(1);
            assertThat(timer(MeterNames.APPEND, "writer").count()).isEqualTo(2);
            assertThat(counter(MeterNames.BYTES_IN, "writer")).isEqualTo(9);
            assertThat(timer(MeterNames.READ, "follow").count()).isEqualTo(1);
            assertThat(counter(MeterNames.BYTES_OUT, "follow")).isEqualTo(9);
            Timer lag = registry.get(MeterNames.FOLLOW_LAG).tags("store", "fs", "tier", "fs").timer();
            assertThat(lag.count()).isEqualTo(2);
            assertThat(lag.max(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(2_000);
        }
    }

    @Test
    void storageIsMeasuredOnDemandWithACap() {
        try (MeteredLogStore store = open()) {
            assertThat(registry.find(MeterNames.STORED_BYTES).gauge()).as("no gauge before a measure").isNull();
            for (int i = 0; i < 3; i++) {
                JobId job = JobId.of("job-" + i);
                store.append(job, chunk(0, 1, "line " + i + "\n"));
                store.seal(job);
            }
            assertThat(store.measureStorage(100)).singleElement().satisfies(m -> {
                assertThat(m.logs()).isEqualTo(3);
                assertThat(m.rawBytes()).isEqualTo(21);
                assertThat(m.storedBytes()).isPositive();
                assertThat(m.capped()).isFalse();
                assertThat(m.tier()).isEqualTo("fs");
            });
            assertThat(registry.get(MeterNames.STORED_LOGS).tags("store", "fs", "tier", "fs").gauge().value()).isEqualTo(3);
            assertThat(registry.get(MeterNames.STORED_RAW_BYTES).gauge().value()).isEqualTo(21);
            assertThat(registry.get(MeterNames.STORED_BYTES).gauge().value()).isPositive();

            assertThat(store.measureStorage(2)).singleElement().satisfies(m -> {
                assertThat(m.logs()).isEqualTo(2);
                assertThat(m.capped()).isTrue();
            });
            assertThat(registry.get(MeterNames.STORED_LOGS).gauge().value()).isEqualTo(2);
        }
        assertThat(registry.find(MeterNames.STORED_LOGS).gauge()).as("removed with the store").isNull();
    }

    @Test
    void closeClosesTheStoreUnderneath() {
        MeteredLogStore store = open();
        LogStore inner = store.unwrap(LogStore.class).orElseThrow();
        store.close();
        assertThatThrownBy(() -> inner.exists(JobId.of("job-1"))).isInstanceOf(LogStoreClosedException.class);
        assertThatThrownBy(() -> store.exists(JobId.of("job-1"))).isInstanceOf(LogStoreClosedException.class);
        assertThat(registry.get(MeterNames.ERRORS).tags("op", "exists", "exception", "LogStoreClosedException")
                .counter().count()).isEqualTo(1);
    }
}

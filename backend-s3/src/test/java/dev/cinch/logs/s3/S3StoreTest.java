package dev.cinch.logs.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogLockedException;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStoreException;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.config.CinchConfig;
import dev.cinch.logs.config.ConfigException;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What the contract suite cannot see: S3 keys, the writer lease, two writers that both think they hold the role. */
class S3StoreTest {
    @RegisterExtension
    static final S3ProxyExtension S3 = TestS3.extension();
    private static final S3Layout LAYOUT = new S3Layout(TestS3.PREFIX);

    private S3Client raw;
    private final List<LogStore> stores = new ArrayList<>();

    @BeforeEach
    void bucket() {
        raw = TestS3.client(S3);
        TestS3.createBucket(raw);
    }

    @AfterEach
    void close() {
        stores.forEach(s -> {
            try {
                s.close();
            } catch (RuntimeException e) {
                // a store whose role was taken away may fail to give it back; that is the point of some cases
            }
        });
        raw.close();
    }

    private LogStore open(CinchConfig config) {
        LogStore s = LogStores.fromClassPath().open(config);
        stores.add(s);
        return s;
    }

    private static LogChunk chunk(long seq, String text) {
        return new LogChunk(seq, LogStream.STDOUT, 1000 + seq, text.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** The version digit of every segment of the job's open log, in key order. */
    private String segmentVersions(JobId job) {
        StringBuilder out = new StringBuilder();
        for (var o : raw.listObjectsV2Paginator(b -> b.bucket(TestS3.BUCKET).prefix(LAYOUT.segmentPrefix(job))).contents()) {
            byte[] head = raw.getObjectAsBytes(b -> b.bucket(TestS3.BUCKET).key(o.key()).range("bytes=0-7")).asByteArray();
            out.append((char) head[7]);
        }
        return out.toString();
    }

    private static List<LogChunk> lineChunks(int from, int count, java.io.ByteArrayOutputStream all) {
        List<LogChunk> out = new ArrayList<>();
        for (int c = from; c < from + count; c++) {
            StringBuilder b = new StringBuilder();
            for (int l = 0; l <= c % 11; l++) {
                b.append("chunk ").append(c).append(" line ").append(l).append('\n');
            }
            if (c % 3 == 2) {
                b.append("unfinished ");
            }
            out.add(chunk(c, b.toString()));
            all.writeBytes(out.get(out.size() - 1).data());
        }
        return out;
    }

    private static void assertLinesMatch(LogStore store, JobId job, byte[] bytes) {
        long lines = 1;
        for (byte b : bytes) {
            lines += b == '\n' ? 1 : 0;
        }
        for (long from = 1; from <= lines; from += 23) {
            assertThat(store.readLines(job, from, 17)).as("lines %d+17", from)
                    .isEqualTo(dev.cinch.logs.testkit.LogReference.lines(bytes, from, 17));
        }
    }

    /**
     * Segments of a log stored before newline counts were kept (version 1, written here through the storage with
     * totals that have no count, as that store wrote them) are read by a scan, correctly, and the log goes on getting
     * version 1 segments; a new log gets version 2 segments.
     */
    @Test
    void anOpenLogStoredBeforeLineCountsWereKeptIsReadByAScanAndStaysWithout() throws Exception {
        JobId old = JobId.of("old-lines");
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        S3StoreConfig config = S3StoreConfig.from(TestS3.config(S3));
        try (S3LogStorage storage = new S3LogStorage(config, S3Clients.build(config, List.of()));
             dev.cinch.logs.codec.ChunkCodec codec = new dev.cinch.logs.codec.ChunkCodec(dev.cinch.logs.codec.ChunkCodec.DEFAULT_LEVEL);
             dev.cinch.logs.storage.OpenLogAppender a = storage.openAppender(old, true).orElseThrow()) {
            dev.cinch.logs.storage.LogTotals t = a.written().withoutNewlines();
            for (LogChunk c : lineChunks(0, 40, all)) {
                var body = codec.encode(c.data());
                var entry = new dev.cinch.logs.archive.ChunkIndexEntry(c.seq(), t.rawBytes(), c.data().length, c.stream(),
                        c.timestampMillis(), body.crc32c());
                var after = t.plus(entry, 0);
                a.write(new dev.cinch.logs.storage.StoredChunk(entry, body), after);
                a.sync();
                t = after;
            }
            a.flush();
        }
        assertThat(segmentVersions(old)).isNotEmpty().matches("1+");
        LogStore store = open(TestS3.config(S3));
        assertLinesMatch(store, old, all.toByteArray());
        lineChunks(40, 15, all).forEach(c -> store.append(old, c));
        assertLinesMatch(store, old, all.toByteArray());
        store.close();
        assertThat(segmentVersions(old)).matches("1+");

        JobId fresh = JobId.of("new-lines");
        java.io.ByteArrayOutputStream again = new java.io.ByteArrayOutputStream();
        LogStore second = open(TestS3.config(S3));
        lineChunks(0, 30, again).forEach(c -> second.append(fresh, c));
        assertLinesMatch(second, fresh, again.toByteArray());
        second.close();
        assertThat(segmentVersions(fresh)).isNotEmpty().matches("2+");
    }

    @Test
    void twoWritersThatBothBelieveTheyHoldTheRoleNeverReplaceAStoredChunk() {
        JobId j = JobId.of("split-brain");
        LogStore a = open(TestS3.config(S3));
        LogStore b = open(TestS3.config(S3));
        for (int i = 0; i < 5; i++) {
            a.append(j, chunk(i, "a" + i + "\n"));
        }
        // The lease vanishes under A (an operator, a bucket rule, a lease A could not renew in time): B takes the role.
        raw.deleteObject(r -> r.bucket(TestS3.BUCKET).key(LAYOUT.writer(j)));
        b.append(j, chunk(5, "b5\n"));
        // A still believes it writes the log. Its next segment has B's key, so its PUT is refused and it stops.
        assertThatThrownBy(() -> a.append(j, chunk(5, "a5\n"))).isInstanceOf(LogLockedException.class)
                .hasMessageContaining(j.value()).hasMessageContaining("stored by another writer");
        b.append(j, chunk(6, "b6\n"));
        assertThat(text(b.readRange(j, 0, 100))).isEqualTo("a0\na1\na2\na3\na4\nb5\nb6\n");
        assertThat(text(open(TestS3.config(S3)).readRange(j, 0, 100))).isEqualTo("a0\na1\na2\na3\na4\nb5\nb6\n");
    }

    @Test
    void aLeaseNotRenewedForItsPeriodIsTakenOverAndALiveOneIsNot() throws Exception {
        JobId j = JobId.of("stale-lease");
        CinchConfig config = TestS3.config(S3).with("s3.writer-lease", "2s");
        LogStore first = open(config);
        first.append(j, chunk(0, "x\n"));
        // A holder that died: its lease object stays, nobody renews it.
        raw.putObject(r -> r.bucket(TestS3.BUCKET).key(LAYOUT.writer(JobId.of("dead-holder"))),
                RequestBody.fromString("holder=gone\n"));
        raw.putObject(r -> r.bucket(TestS3.BUCKET).key(LAYOUT.open(JobId.of("dead-holder"))), RequestBody.fromString(""));
        LogStore second = open(config);
        assertThatThrownBy(() -> second.append(JobId.of("dead-holder"), chunk(0, "y\n"))).isInstanceOf(LogLockedException.class)
                .hasMessageContaining("renewed");
        Thread.sleep(4_500); // past the lease and the one-second resolution of HTTP dates: the live holder (first) has renewed, the dead one has not
        second.append(JobId.of("dead-holder"), chunk(0, "y\n"));
        assertThatThrownBy(() -> second.append(j, chunk(1, "z\n"))).isInstanceOf(LogLockedException.class);
        first.append(j, chunk(1, "w\n"));
        assertThat(text(second.readRange(j, 0, 10))).isEqualTo("x\nw\n");
    }

    @Test
    void bufferedAppendsReachS3WithinTheFlushIntervalAndEverySegmentIsBoundedBySize() throws Exception {
        JobId j = JobId.of("buffered");
        CinchConfig config = TestS3.config(S3).with("s3.durability", "buffered").with("s3.flush-interval", "300ms")
                .with("s3.segment-size", "64KiB").with("s3.chunk-level", "1");
        LogStore writer = open(config);
        LogStore reader = open(config);
        java.util.Random rnd = new java.util.Random(5);
        byte[] noise = new byte[4096];
        for (int i = 0; i < 100; i++) {
            rnd.nextBytes(noise); // incompressible: 100 chunks of 4 KiB cannot fit one 64 KiB segment
            writer.append(j, new LogChunk(i, LogStream.STDOUT, i, noise.clone()));
        }
        assertThat(writer.stat(j).chunks()).as("the writer's own store sees buffered chunks").isEqualTo(100);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (reader.stat(j).chunks() < 100 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(reader.stat(j).chunks()).as("another instance sees them once stored").isEqualTo(100);
        var segments = S3LogStoreContractTest.keysOf(raw, LAYOUT.segmentPrefix(j));
        assertThat(segments.size()).isGreaterThanOrEqualTo(7);
        for (String key : segments) {
            long size = raw.headObject(r -> r.bucket(TestS3.BUCKET).key(key)).contentLength();
            assertThat(size).as(key).isLessThan(64 * 1024 + 4096 + 1024);
        }
    }

    @Test
    void aStoredAppendIsInS3WhenItReturns() {
        JobId j = JobId.of("stored");
        LogStore writer = open(TestS3.config(S3));
        LogStore reader = open(TestS3.config(S3));
        for (int i = 0; i < 20; i++) {
            writer.append(j, chunk(i, "line " + i + "\n"));
            // No waiting: the default durability returns only once the chunk's segment is stored.
            assertThat(reader.stat(j).chunks()).as("after append %d", i).isEqualTo(i + 1);
            assertThat(S3LogStoreContractTest.keysOf(raw, LAYOUT.segmentPrefix(j))).hasSize(i + 1);
        }
    }

    @Test
    void uploadsLeftUnfinishedByAKilledSealAreAbortedByTheNextSealOrDelete() throws Exception {
        CinchConfig config = TestS3.config(S3).with("s3.part-size", "5MiB");
        S3StoreConfig settings = S3StoreConfig.from(config);
        for (String how : List.of("seal", "delete")) {
            JobId j = JobId.of("orphan-upload-" + how);
            LogStore s = open(config);
            s.append(j, chunk(0, "x\n"));
            // A seal that died after its first part: the upload is never completed, aborted or closed.
            S3LogStorage storage = new S3LogStorage(settings, S3Clients.build(settings, List.of()));
            var upload = storage.newArchive(j);
            upload.out().write(new byte[6 << 20]);
            String prefix = LAYOUT.jobPrefix(j);
            assertThat(raw.listMultipartUploads(b -> b.bucket(TestS3.BUCKET).prefix(prefix)).uploads()).hasSize(1);
            if (how.equals("seal")) {
                s.seal(j);
                assertThat(text(s.readRange(j, 0, 10))).isEqualTo("x\n");
            } else {
                s.delete(j);
                assertThat(s.exists(j)).isFalse();
            }
            assertThat(raw.listMultipartUploads(b -> b.bucket(TestS3.BUCKET).prefix(prefix)).uploads()).as(how).isEmpty();
            storage.close();
        }
    }

    @Test
    void aFollowerInAnotherInstanceIsWokenByThePollWellBeforeTheSafetyRecheck() throws Exception {
        JobId j = JobId.of("followed-elsewhere");
        LogStore writer = open(TestS3.config(S3));
        LogStore reader = open(TestS3.config(S3));
        writer.append(j, chunk(0, "first\n"));
        try (dev.cinch.logs.LogFollower f = reader.follow(j, 1)) {
            assertThat(f.poll(java.time.Duration.ofMillis(50))).isEmpty();
            for (int seq = 1; seq <= 3; seq++) {
                Thread.sleep(300); // the poll has seen the log as it was
                long appended = System.nanoTime();
                writer.append(j, chunk(seq, "line " + seq + "\n"));
                List<LogChunk> got = new ArrayList<>();
                while (got.isEmpty() && System.nanoTime() - appended < 10_000_000_000L) {
                    got.addAll(f.poll(java.time.Duration.ofSeconds(5)));
                }
                long ms = (System.nanoTime() - appended) / 1_000_000;
                assertThat(got).containsExactly(chunk(seq, "line " + seq + "\n"));
                assertThat(ms).as("wake-up latency ms").isLessThan(1_000);
            }
            writer.seal(j);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!f.isFinished() && System.nanoTime() < deadline) {
                f.poll(java.time.Duration.ofSeconds(1));
            }
            assertThat(f.isFinished()).isTrue();
        }
    }

    @Test
    void sealLeavesOnlyThePointerAndTheArchive() {
        JobId j = JobId.of("sealed-keys");
        LogStore s = open(TestS3.config(S3));
        for (int i = 0; i < 10; i++) {
            s.append(j, chunk(i, "line " + i + "\n"));
        }
        s.seal(j);
        List<String> keys = S3LogStoreContractTest.keysOf(raw, LAYOUT.jobPrefix(j));
        assertThat(keys).hasSize(2);
        assertThat(keys.get(0)).startsWith(LAYOUT.jobPrefix(j) + "archive-").endsWith(".zst");
        assertThat(keys.get(1)).isEqualTo(LAYOUT.sealed(j));
    }

    @Test
    void secretsNeverAppearInToStringOrMessages() {
        CinchConfig config = TestS3.config(S3);
        LogStore s = open(config);
        assertThat(s.toString()).doesNotContain(TestS3.SECRET_KEY);
        assertThat(S3StoreConfig.from(config).toString()).doesNotContain(TestS3.SECRET_KEY).contains(TestS3.ACCESS_KEY);
        // A bucket that does not exist: the failure names bucket and key, never the secret.
        LogStore missing = open(config.with("s3.bucket", "no-such-bucket"));
        assertThatThrownBy(() -> missing.append(JobId.of("j"), chunk(0, "x")))
                .isInstanceOf(LogStoreException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains("no-such-bucket").doesNotContain(TestS3.SECRET_KEY));
        assertThatThrownBy(() -> S3StoreConfig.from(CinchConfig.of(Map.of("s3.bucket", "b-1", "s3.secret-access-key", TestS3.SECRET_KEY))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("s3.access-key-id")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TestS3.SECRET_KEY));
        assertThatThrownBy(() -> S3StoreConfig.from(CinchConfig.of(Map.of("s3.bucket", "b-1", "s3.prefix", "a!b"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("s3.prefix");
        assertThatThrownBy(() -> S3StoreConfig.from(CinchConfig.of(Map.of()))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("s3.bucket");
    }
}

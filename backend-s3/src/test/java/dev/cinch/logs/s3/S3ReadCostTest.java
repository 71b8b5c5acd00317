package dev.cinch.logs.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogStat;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.config.CinchConfig;
import dev.cinch.logs.testkit.LogReference;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What reads cost in requests and bytes, counted by an SDK interceptor on the store's own client: a small range of a
 * sealed log is the seal pointer, one suffix-range GET for the footer and index (once; then cached) and range GETs of
 * just the frames it touches; open logs are read through the segment list; no read downloads the whole log.
 */
class S3ReadCostTest {
    @RegisterExtension
    static final S3ProxyExtension S3 = TestS3.extension();

    private final RequestCounter counter = new RequestCounter();
    private LogStore store;
    private int chunkSize = 64 << 10;
    private int chunks = 256; // 16 MiB: 64 archive frames of 256 KiB

    @BeforeEach
    void open() {
        try (S3Client c = TestS3.client(S3)) {
            TestS3.createBucket(c);
        }
        CinchConfig cfg = TestS3.config(S3).with("s3.durability", "buffered").with("s3.segment-size", "1MiB");
        S3StoreConfig config = S3StoreConfig.from(cfg);
        store = S3LogStoreProvider.open(config, new S3LogStorage(config, S3Clients.build(config, List.of(counter))));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private byte[] fill(JobId j) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < chunks; i++) {
            LogChunk c = S3SealTest.chunk(i, chunkSize);
            store.append(j, c);
            all.writeBytes(c.data());
        }
        return all.toByteArray();
    }

    private String describe() {
        List<String> lines = new ArrayList<>();
        counter.requests().forEach(r -> lines.add(r.operation() + " " + r.range() + " " + r.responseBytes()));
        return String.join("\n", lines);
    }

    @Test
    void aSmallRangeOfASealedLogCostsThePointerTheFooterOnceAndItsFrames() {
        JobId j = JobId.of("sealed-cost");
        byte[] log = fill(j);
        store.seal(j);
        counter.reset();
        LogStat st = store.stat(j); // the first read of the archive: pointer and one suffix-range GET
        long archive = st.storedBytes();
        long maxFrame = 2L * archive / 64 + (16 << 10); // two frames of an even split, with slack for unevenness
        long offset = 5L * (1 << 20) + 1234;
        assertThat(store.readRange(j, offset, 64 << 10)).isEqualTo(Arrays.copyOfRange(log, (int) offset, (int) offset + (64 << 10)));
        String first = describe();
        System.err.println("sealed log of " + archive + " archive bytes; stat + first 64 KiB read:\n" + first);
        assertThat(counter.count()).as(first).isLessThanOrEqualTo(4); // stat: pointer, suffix GET; read: pointer, frames
        assertThat(counter.requests().stream().filter(r -> r.range().startsWith("bytes=-")).count()).as(first).isEqualTo(1);
        assertThat(counter.bytes()).as(first).isLessThan(maxFrame + (64 << 10) + 1024);

        counter.reset();
        long offset2 = 11L * (1 << 20) + 99;
        assertThat(store.readRange(j, offset2, 64 << 10)).isEqualTo(Arrays.copyOfRange(log, (int) offset2, (int) offset2 + (64 << 10)));
        String second = describe();
        System.err.println("next 64 KiB read:\n" + second);
        assertThat(counter.requests().stream().filter(r -> r.range().startsWith("bytes=-")).count())
                .as("the footer and index are cached: " + second).isZero();
        assertThat(counter.count()).as(second).isLessThanOrEqualTo(3);
        assertThat(counter.bytes()).as("bytes of a 64 KiB read: at most 2 frames and the pointer\n" + second)
                .isLessThan(maxFrame + 1024);

        counter.reset();
        assertThat(store.readTailLines(j, 5)).isEqualTo(LogReference.tail(log, 5));
        assertThat(counter.bytes()).as(describe()).isLessThan(maxFrame + 1024);
        assertThat(counter.bytes()).isLessThan(archive / 8);
    }

    @Test
    void aSearchOfASealedLogFetchesItsFiltersOnceAndOnlyTheFramesThatMayMatch() {
        JobId j = JobId.of("search-cost");
        byte[] text = dev.cinch.logs.testkit.CiLogGenerator.generate(77, chunks * chunkSize);
        String needle = "NeedleXq: java.lang.OutOfMemoryError in shard 7";
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < chunks; i++) {
            byte[] data = Arrays.copyOfRange(text, i * chunkSize, (i + 1) * chunkSize);
            if (i == chunks / 3) {
                data = (new String(data, java.nio.charset.StandardCharsets.ISO_8859_1) + "\n" + needle + "\n")
                        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            }
            store.append(j, new LogChunk(i, dev.cinch.logs.LogStream.STDOUT, i, data));
            all.writeBytes(data);
        }
        store.seal(j);
        store.close();
        // A reader with nothing cached (another instance, frame cache off): every byte it needs is a request here.
        CinchConfig cfg = TestS3.config(S3).with("s3.frame-cache-size", "0");
        S3StoreConfig config = S3StoreConfig.from(cfg);
        store = S3LogStoreProvider.open(config, new S3LogStorage(config, S3Clients.build(config, List.of(counter))));
        long archive = store.stat(j).storedBytes();
        long maxFrame = 2L * archive / 64 + (16 << 10);
        dev.cinch.logs.text.SearchOptions fixed = dev.cinch.logs.text.SearchOptions.defaults().withFixedStrings(true);

        counter.reset();
        assertThat(store.search(j, "ZqNoSuchStringXw", fixed).count()).isZero();
        String first = describe();
        System.err.println("first search for a string the log lacks:\n" + first);
        assertThat(counter.bytes()).as("the filter frame (a few % of the archive), no data frame\n" + first)
                .isLessThan(archive / 20 + 1024);
        counter.reset();
        assertThat(store.search(j, "ZqNoSuchStringXw", fixed).count()).isZero();
        assertThat(counter.bytes()).as("filters cached: the seal pointer only\n" + describe()).isLessThan(1024);

        counter.reset();
        java.util.List<dev.cinch.logs.text.SearchMatch> found = store.search(j, needle, fixed).toList();
        String hit = describe();
        System.err.println("search for the one line that holds it:\n" + hit);
        assertThat(found).singleElement().satisfies(m -> assertThat(new String(m.line(),
                java.nio.charset.StandardCharsets.ISO_8859_1)).isEqualTo(needle));
        assertThat(counter.bytes()).as("the frames around the line, not the log\n" + hit).isLessThan(2 * maxFrame + 2048)
                .isPositive();
    }

    @Test
    void anOpenLogIsReadThroughItsSegmentListNeverWhole() {
        JobId j = JobId.of("open-cost");
        byte[] log = fill(j);
        LogStore other = S3LogStoreProvider.open(S3StoreConfig.from(TestS3.config(S3)),
                new S3LogStorage(S3StoreConfig.from(TestS3.config(S3)), S3Clients.build(S3StoreConfig.from(TestS3.config(S3)), List.of(counter))));
        try {
            store.close(); // everything is stored; another instance reads
            counter.reset();
            long offset = 7L * (1 << 20) + 5;
            assertThat(other.readRange(j, offset, 64 << 10)).isEqualTo(Arrays.copyOfRange(log, (int) offset, (int) offset + (64 << 10)));
            String d = describe();
            System.err.println("64 KiB read of an open log from another instance:\n" + d);
            // pointer (absent), open marker, one LIST of segments, the last segment's header, the touched segment's
            // header and bodies
            assertThat(counter.count()).as(d).isLessThanOrEqualTo(7);
            assertThat(counter.bytes()).as(d).isLessThan(log.length / 8);
        } finally {
            other.close();
        }
    }
}

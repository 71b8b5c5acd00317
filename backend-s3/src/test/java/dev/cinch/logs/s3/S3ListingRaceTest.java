package dev.cinch.logs.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cinch.logs.ChunkConflictException;
import dev.cinch.logs.CorruptLogException;
import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogLockedException;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.SequenceGapException;
import dev.cinch.logs.config.CinchConfig;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A listing of a log's segments taken while another instance stores segments. S3 promises only that a listing shows
 * every object stored before it began; of the objects stored while it runs it may show some and not others, whatever
 * their order (S3Proxy's filesystem store reads its directory in the filesystem's order, hash order on ext4, and under
 * two racing writers showed segment n+5 without n+1..n+4, listing after listing, for as long as the other writer kept
 * writing). Such a listing is the log as it was before the segments it misses were stored, not damage; a link missing
 * below segments that an earlier listing showed still is.
 */
class S3ListingRaceTest {
    @RegisterExtension
    static final S3ProxyExtension S3 = TestS3.extension();
    private static final S3Layout LAYOUT = new S3Layout(TestS3.PREFIX);
    private static final JobId JOB = JobId.of("raced");

    private final List<LogStore> stores = new ArrayList<>();

    @BeforeEach
    void createBucket() {
        try (S3Client c = TestS3.client(S3)) {
            TestS3.createBucket(c);
        }
    }

    @AfterEach
    void close() {
        stores.forEach(LogStore::close);
    }

    private static LogChunk chunk(long seq) {
        return new LogChunk(seq, LogStream.STDOUT, seq, ("line " + seq + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static LogChunk otherChunk(long seq) {
        return new LogChunk(seq, LogStream.STDOUT, seq, ("other " + seq + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private LogStore store(ExecutionInterceptor... interceptors) {
        return store(TestS3.config(S3), interceptors);
    }

    private LogStore store(CinchConfig settings, ExecutionInterceptor... interceptors) {
        S3StoreConfig config = S3StoreConfig.from(settings);
        LogStore s = S3LogStoreProvider.open(config, new S3LogStorage(config, S3Clients.build(config, List.of(interceptors))));
        stores.add(s);
        return s;
    }

    /**
     * On every listing of the job's segments it sees: the writer stores two more segments once the request is on its
     * way, and the listing shows the second of them but not the first.
     */
    private static final class WritesWhileListing implements ExecutionInterceptor {
        private static final ExecutionAttribute<Long> HIDDEN = new ExecutionAttribute<>("segment-stored-while-listing");

        private final LogStore writer;
        private long next;
        private volatile boolean on = true;
        private int listings;

        WritesWhileListing(LogStore writer, long next) {
            this.writer = writer;
            this.next = next;
        }

        private static boolean segmentListing(SdkRequest request) {
            return request instanceof ListObjectsV2Request l && l.prefix().equals(LAYOUT.segmentPrefix(JOB));
        }

        @Override
        public synchronized void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            if (!on || !segmentListing(context.request())) {
                return;
            }
            listings++;
            attributes.putAttribute(HIDDEN, next);
            writer.append(JOB, chunk(next++)); // each append returns once its segment is stored
            writer.append(JOB, chunk(next++));
        }

        @Override
        public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
            Long hidden = attributes.getAttribute(HIDDEN);
            if (hidden == null || !(context.response() instanceof ListObjectsV2Response r)) {
                return context.response();
            }
            String prefix = LAYOUT.segmentPrefix(JOB);
            List<S3Object> shown = new ArrayList<>();
            for (S3Object o : r.contents()) {
                long[] at = S3Layout.parseSegment(o.key(), prefix);
                if (at == null || at[0] != hidden) {
                    shown.add(o);
                }
            }
            return r.toBuilder().contents(shown).keyCount(shown.size()).build();
        }

        synchronized long appended() {
            return next;
        }

        synchronized int listings() {
            return listings;
        }
    }

    @Test
    @Timeout(60)
    void aListingThatMissesSegmentsStoredWhileItRanReadsAsTheLogBeforeThem() {
        LogStore writer = store();
        for (long seq = 0; seq < 5; seq++) {
            writer.append(JOB, chunk(seq));
        }
        WritesWhileListing race = new WritesWhileListing(writer, 5);
        LogStore reader = store(race);

        long chunks = reader.stat(JOB).chunks();
        race.on = false;

        // Seqs 5 and 6 were stored while the first listing ran, so the next listing shows both: the log read has at
        // least them, and never more than was stored.
        assertThat(race.listings()).as("listings taken").isGreaterThanOrEqualTo(2);
        assertThat(chunks).isBetween(7L, race.appended());
        List<LogChunk> read = reader.readChunks(JOB, 0, (int) chunks);
        assertThat(read).hasSize((int) chunks);
        for (LogChunk c : read) {
            assertThat(c.data()).as("seq %d", c.seq()).isEqualTo(chunk(c.seq()).data());
        }
        assertThat(reader.stat(JOB).chunks()).as("once nothing is stored meanwhile").isEqualTo(race.appended());
    }

    @Test
    @Timeout(60)
    void aWriterTakingTheRoleFromSuchAListingFindsItsFirstSegmentKeyTakenAndStoresNothing() {
        // A lease long enough that the first instance never renews it during the test: its role stays usable
        // (for the appends made while the second one lists) after its lease is removed below.
        LogStore writer = store(TestS3.config(S3).with("s3.writer-lease", "60s"));
        for (long seq = 0; seq < 5; seq++) {
            writer.append(JOB, chunk(seq));
        }
        WritesWhileListing race = new WritesWhileListing(writer, 5);
        LogStore second = store(race);
        try (S3Client raw = TestS3.client(S3)) {
            raw.deleteObject(b -> b.bucket(TestS3.BUCKET).key(LAYOUT.writer(JOB))); // as if the lease had lapsed
        }
        // The second instance takes the role from a chain that ends before some of what the first one stored while
        // it listed. The seqs it has are the first one's (a conflict for other bytes); at the first seq past its
        // chain, the segment key is taken, and it gives the role up without storing anything.
        long seq = 5;
        boolean locked = false;
        for (int i = 0; i < 20 && !locked; i++) {
            try {
                second.append(JOB, otherChunk(seq));
                throw new AssertionError("seq " + seq + " acknowledged to the second instance");
            } catch (ChunkConflictException e) {
                seq++;
            } catch (SequenceGapException e) {
                seq = e.expectedSeq();
            } catch (LogLockedException e) {
                locked = true;
            }
        }
        race.on = false;
        assertThat(locked).as("the second instance found the role taken").isTrue();
        List<LogChunk> read = writer.readChunks(JOB, 0, (int) race.appended());
        assertThat(read).hasSize((int) race.appended());
        for (LogChunk c : read) {
            assertThat(c.data()).as("seq %d", c.seq()).isEqualTo(chunk(c.seq()).data());
        }
    }

    @Test
    @Timeout(60)
    void aSegmentMissingBelowOnesAlreadyListedIsDamage() {
        LogStore writer = store();
        for (long seq = 0; seq < 5; seq++) {
            writer.append(JOB, chunk(seq));
        }
        try (S3Client raw = TestS3.client(S3)) {
            String prefix = LAYOUT.segmentPrefix(JOB);
            String third = raw.listObjectsV2(b -> b.bucket(TestS3.BUCKET).prefix(prefix)).contents().stream()
                    .map(S3Object::key).filter(k -> S3Layout.parseSegment(k, prefix)[0] == 2).findFirst().orElseThrow();
            raw.deleteObject(b -> b.bucket(TestS3.BUCKET).key(third));
        }
        LogStore reader = store();
        assertThatThrownBy(() -> reader.stat(JOB)).isInstanceOf(CorruptLogException.class).hasMessageContaining("does not follow");
    }
}

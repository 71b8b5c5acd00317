package dev.cinch.logs.s3;

import dev.cinch.logs.AbstractLogStoreContractTest;
import dev.cinch.logs.JobId;
import dev.cinch.logs.config.CinchConfig;
import dev.cinch.logs.storage.LogStorage;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The whole contract on the s3 store against a real S3 server in-process (S3Proxy, filesystem backend, a fresh one
 * per case), opened the way users open it: through ServiceLoader by name, with the settings as config keys. The
 * two-instance cases open a second store over the same bucket.
 */
class S3LogStoreContractTest extends AbstractLogStoreContractTest {
    @RegisterExtension
    static final S3ProxyExtension S3 = TestS3.extension();

    @Override
    protected CinchConfig storeConfig() {
        return TestS3.config(S3);
    }

    @Override
    protected void prepareStorage() {
        try (S3Client c = TestS3.client(S3)) {
            TestS3.createBucket(c);
        }
    }

    @Override
    protected int scalePercent() {
        return 50;
    }

    private static final S3Layout LAYOUT = new S3Layout(TestS3.PREFIX);

    @Override
    protected boolean canOpenStorage() {
        return true;
    }

    @Override
    protected LogStorage openStorage() {
        S3StoreConfig config = S3StoreConfig.from(storeConfig());
        return new S3LogStorage(config, S3Clients.build(config, List.of()));
    }

    /** The writer role is a lease, which a live holder loses when it is not renewed in time. */
    @Override
    protected boolean canLoseWriterRole() {
        return true;
    }

    /** Removes the writer lease, as if its holder had not renewed it in time. */
    @Override
    protected void loseWriterRole(JobId job) {
        try (S3Client c = TestS3.client(S3)) {
            c.deleteObject(b -> b.bucket(TestS3.BUCKET).key(LAYOUT.writer(job)));
        }
    }

    /** The segment holding {@code seq} and its bytes. */
    private static String segmentKey(S3Client c, JobId job, long seq) {
        String found = null;
        for (S3Object o : c.listObjectsV2Paginator(b -> b.bucket(TestS3.BUCKET).prefix(LAYOUT.segmentPrefix(job))).contents()) {
            long[] at = S3Layout.parseSegment(o.key(), LAYOUT.segmentPrefix(job));
            if (at != null && at[0] <= seq) {
                found = o.key();
            }
        }
        return found;
    }

    private static void flip(S3Client c, String key, int at) {
        byte[] bytes = c.getObjectAsBytes(b -> b.bucket(TestS3.BUCKET).key(key)).asByteArray();
        bytes[at] ^= 0x5A;
        c.putObject(b -> b.bucket(TestS3.BUCKET).key(key), RequestBody.fromBytes(bytes));
    }

    /** Flips a byte in the middle of the chunk's stored body inside its segment. */
    @Override
    protected void damageChunk(JobId job, long seq) {
        try (S3Client c = TestS3.client(S3)) {
            String key = segmentKey(c, job, seq);
            byte[] bytes = c.getObjectAsBytes(b -> b.bucket(TestS3.BUCKET).key(key)).asByteArray();
            long[] at = S3Layout.parseSegment(key, LAYOUT.segmentPrefix(job));
            Segment.Header h = Segment.parse(job, key, bytes, bytes.length, at[0], at[1]);
            int i = (int) (seq - h.firstSeq());
            flip(c, key, (int) ((h.bodyOffsets()[i] + h.bodyOffsets()[i + 1]) / 2));
        }
    }

    /** Flips a byte of the chunk's entry in its segment's header (its length field). */
    @Override
    protected void damageIndex(JobId job, long seq) {
        try (S3Client c = TestS3.client(S3)) {
            String key = segmentKey(c, job, seq);
            long[] at = S3Layout.parseSegment(key, LAYOUT.segmentPrefix(job));
            byte[] bytes = c.getObjectAsBytes(b -> b.bucket(TestS3.BUCKET).key(key)).asByteArray();
            flip(c, key, Segment.entryOffset(bytes, (int) (seq - at[0])));
        }
    }

    /** Flips one byte inside the first zstd data frame of the archive the seal pointer names. */
    @Override
    protected void damageArchive(JobId job) {
        try (S3Client c = TestS3.client(S3)) {
            String pointer = c.getObjectAsBytes(b -> b.bucket(TestS3.BUCKET).key(LAYOUT.sealed(job))).asString(StandardCharsets.UTF_8);
            String key = pointer.lines().filter(l -> l.startsWith("archive=")).findFirst().orElseThrow().substring(8);
            flip(c, key, 40);
        }
    }

    static List<String> keysOf(S3Client c, String prefix) {
        return c.listObjectsV2Paginator(b -> b.bucket(TestS3.BUCKET).prefix(prefix)).contents().stream().map(S3Object::key).toList();
    }
}

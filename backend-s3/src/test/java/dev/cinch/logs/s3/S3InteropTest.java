package dev.cinch.logs.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.testkit.Corpus;
import dev.cinch.logs.testkit.ExternalTools;
import dev.cinch.logs.testkit.LogReference;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A second, independent S3 client (MinIO's) finds a sealed log's archive object through the store's keys, reads it,
 * and the stock {@code zstd} command decodes those bytes to exactly the log.
 */
class S3InteropTest {
    @RegisterExtension
    static final S3ProxyExtension S3 = TestS3.extension();
    private static final S3Layout LAYOUT = new S3Layout(TestS3.PREFIX);

    @TempDir
    Path tmp;

    @Test
    void minioReadsTheArchiveObjectAndZstdDecodesItToTheLog() throws Exception {
        Path zstd = ExternalTools.require("zstd", "apt-get install zstd");
        try (S3Client c = TestS3.client(S3)) {
            TestS3.createBucket(c);
        }
        MinioClient minio = MinioClient.builder().endpoint(S3.getUri().toString())
                .credentials(TestS3.ACCESS_KEY, TestS3.SECRET_KEY).region("us-east-1").build();
        List<Corpus.Log> logs = Corpus.load();
        try (LogStore store = LogStores.fromClassPath().open(TestS3.config(S3))) {
            for (int n = 0; n < Math.min(4, logs.size()); n++) {
                Corpus.Log log = logs.get(n);
                JobId j = JobId.of("interop-" + n);
                List<LogChunk> chunks = LogReference.chunk(log.bytes(), new Random(n), 8192);
                for (LogChunk c : chunks) {
                    store.append(j, c);
                }
                store.seal(j);

                // Find the archive with MinIO alone: the pointer names it, and it is the job's only archive object.
                String pointer;
                try (InputStream in = minio.getObject(GetObjectArgs.builder().bucket(TestS3.BUCKET).object(LAYOUT.sealed(j)).build())) {
                    pointer = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                }
                String key = pointer.lines().filter(l -> l.startsWith("archive=")).findFirst().orElseThrow().substring(8);
                List<String> archives = new ArrayList<>();
                for (Result<Item> r : minio.listObjects(ListObjectsArgs.builder().bucket(TestS3.BUCKET)
                        .prefix(LAYOUT.jobPrefix(j) + S3Layout.ARCHIVE_PREFIX).recursive(true).build())) {
                    archives.add(r.get().objectName());
                }
                assertThat(archives).containsExactly(key);

                Path file = tmp.resolve("interop-" + n + ".zst");
                try (InputStream in = minio.getObject(GetObjectArgs.builder().bucket(TestS3.BUCKET).object(key).build())) {
                    Files.copy(in, file);
                }
                ExternalTools.Result r = ExternalTools.run(List.of(zstd.toString(), "-dc", file.toString()));
                assertThat(r.exitCode()).as("zstd -dc of %s: %s", log.name(), r.stderr()).isZero();
                assertThat(r.stdout()).as("zstd -dc of %s", log.name()).isEqualTo(log.bytes());
            }
        }
    }
}

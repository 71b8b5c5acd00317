package dev.cinch.cli;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogFollower;
import dev.cinch.logs.LogStat;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.config.CinchConfig;
import dev.cinch.logs.tiered.Archiver;
import dev.cinch.logs.tiered.TieredLogStore;
import dev.cinch.metadata.TestPostgres;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two server instances share a tiered store: hot {@code db} on the real Postgres server and archive {@code s3} on
 * S3Proxy. Instance A, a child JVM, runs a command with {@code cinchlog run} (appending its output live and sealing
 * at exit). Instance B, this JVM, follows the log live while A writes it, then runs the archival job, which moves the
 * sealed log to S3, and reads it from there; a third process reads it too. Everyone sees the same bytes.
 */
class TwoInstancesTieredTest {
    private static final String ACCESS = "two-access";
    private static final String SECRET = "two-secret-never-shown";
    private static final String BUCKET = "cinch-two";

    @RegisterExtension
    static final S3ProxyExtension S3 = S3ProxyExtension.builder().withCredentials(ACCESS, SECRET)
            .withBlobStoreProvider("filesystem").build();

    @TempDir
    Path dir;

    @Test
    @Timeout(300)
    void aWriterInOneInstanceAndAFollowerInAnotherSeeTheSameBytesBeforeAndAfterTheMoveToS3() throws Exception {
        TestPostgres.requireReachable();
        try (TestPostgres.Schema schema = TestPostgres.freshSchema();
             S3Client s3 = S3Client.builder().endpointOverride(S3.getUri()).region(Region.US_EAST_1).forcePathStyle(true)
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET)))
                     .httpClientBuilder(ApacheHttpClient.builder()).build()) {
            s3.createBucket(b -> b.bucket(BUCKET));
            Path config = dir.resolve("cinch.yml");
            Files.writeString(config, """
                    data-dir: %s
                    log-store: tiered
                    tiered:
                      tiers: live, archive
                      live:
                        store: db
                      archive:
                        store: s3
                        s3:
                          bucket: %s
                          prefix: archive/
                    """.formatted(dir.resolve("data"), BUCKET));
            Map<String, String> env = new HashMap<>();
            env.put("DATABASE_URL", schema.databaseUrl());
            env.put("CINCH_S3_ENDPOINT", S3.getUri().toString());
            env.put("CINCH_S3_PATH_STYLE", "true");
            env.put("CINCH_S3_ACCESS_KEY_ID", ACCESS);
            env.put("CINCH_S3_SECRET_ACCESS_KEY", SECRET);
            CinchConfig cfg = CinchConfig.load(Optional.of(config), env, Map.of());
            JobId job = JobId.of("shared-1");
            StringBuilder script = new StringBuilder();
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < 60; i++) {
                script.append("echo 'step ").append(i).append(": \033[32mok\033[0m'; sleep 0.03; ");
                expected.append("step ").append(i).append(": \033[32mok\033[0m\n");
            }

            try (LogStore b = LogStores.fromClassPath().open(cfg)) {
                // Instance B follows a log that does not exist yet; instance A starts writing it.
                LogFollower follower = b.follow(job, 0);
                Process a = cinchlog(env, config, "run", "--job", job.value(), "--", "sh", "-c", script.toString());
                ByteArrayOutputStream followed = new ByteArrayOutputStream();
                List<Integer> sizesSeenWhileRunning = new ArrayList<>();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (!follower.isFinished() && System.nanoTime() < deadline) {
                    for (LogChunk c : follower.poll(Duration.ofMillis(500))) {
                        followed.write(c.data());
                    }
                    if (a.isAlive()) {
                        sizesSeenWhileRunning.add(followed.size());
                    }
                }
                follower.close();
                byte[] aOut = a.getInputStream().readAllBytes();
                assertThat(a.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(a.exitValue()).as(new String(a.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
                assertThat(follower.isFinished()).as("the follower saw the seal").isTrue();
                assertThat(followed.toString(StandardCharsets.UTF_8)).isEqualTo(expected.toString());
                assertThat(aOut).isEqualTo(expected.toString().getBytes(StandardCharsets.UTF_8));
                assertThat(sizesSeenWhileRunning.stream().filter(n -> n > 0 && n < expected.length()))
                        .as("B saw parts of the log while A was still writing it").isNotEmpty();
                assertThat(b.stat(job).tier()).isEqualTo("live");

                try (Archiver archiver = ((TieredLogStore) b).archiver("instance-b")) {
                    Archiver.Report r = archiver.runOnce(new Archiver.Listener() {
                    });
                    assertThat(r.failures()).isEmpty();
                    assertThat(r.moved()).isEqualTo(1);
                }
                LogStat moved = b.stat(job);
                assertThat(moved.tier()).isEqualTo("archive");
                assertThat(b.readRange(job, 0, (int) moved.rawBytes())).isEqualTo(expected.toString().getBytes(StandardCharsets.UTF_8));
                assertThat(s3.listObjectsV2(l -> l.bucket(BUCKET).prefix("archive/")).contents()).isNotEmpty();
            }
            // Another process reads the archived log through its own store instance.
            Process c = cinchlog(env, config, "cat", job.value());
            byte[] cOut = c.getInputStream().readAllBytes();
            assertThat(c.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(c.exitValue()).isZero();
            assertThat(cOut).isEqualTo(expected.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static Process cinchlog(Map<String, String> env, Path config, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", ChildJvm.classPath(), Cinchlog.class.getName(), "--config", config.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        return pb.start();
    }

}

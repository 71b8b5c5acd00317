package dev.cinch.cli;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogStat;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.config.CinchConfig;
import dev.cinch.logs.config.StoreContext;
import dev.cinch.logs.testkit.CiLogGenerator;
import dev.cinch.logs.tiered.Archiver;
import dev.cinch.logs.tiered.TieredLogStore;
import dev.cinch.logs.tiered.TieredLogStoreProvider;
import dev.cinch.metadata.TestPostgres;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every profile under {@code examples/} works as shipped, against real parts: the fs store on disk, the db store on
 * SQLite or the real Postgres server, the s3 store on S3Proxy. A log is written, sealed and archived with the CLI,
 * read back and verified; then the archival job runs with a clock a year ahead, so every age rule holds, and the log
 * must be in the last tier and read back byte-exact. Absolute paths move into a temp folder, the Postgres URL to a
 * fresh schema, and S3 settings come from the environment, as the files' comments tell operators.
 */
class ExampleProfilesTest extends InProcessCli {
    private static final Path EXAMPLES = Path.of("..", "examples");
    private static final String ACCESS = "profiles-access";
    private static final String SECRET = "profiles-secret-never-shown";

    @RegisterExtension
    static final S3ProxyExtension S3 = S3ProxyExtension.builder().withCredentials(ACCESS, SECRET)
            .withBlobStoreProvider("filesystem").build();

    private static final Pattern BUCKET = Pattern.compile("(?m)^\\s*bucket:\\s*(\\S+)");
    private static final Pattern DATABASE_URL = Pattern.compile("(?m)^(\\s*url:\\s*)\\S+");

    private record Profile(Path config, Map<String, String> env, TestPostgres.Schema schema) implements AutoCloseable {
        @Override
        public void close() {
            if (schema != null) {
                schema.close();
            }
        }
    }

    /** The example with paths, database and S3 pointed at this test's real parts. */
    private Profile relocated(Path example) throws Exception {
        Path base = Files.createDirectories(dir.resolve(example.getFileName().toString().replace(".yml", "")));
        String text = Files.readString(example).replaceAll("(?m)(:\\s+)/", "$1" + base.toString().replace("\\", "/") + "/");
        TestPostgres.Schema schema = null;
        if (DATABASE_URL.matcher(text).find()) {
            TestPostgres.requireReachable();
            schema = TestPostgres.freshSchema();
            text = DATABASE_URL.matcher(text).replaceAll("$1" + Matcher.quoteReplacement(schema.databaseUrl()));
        }
        Matcher buckets = BUCKET.matcher(text);
        while (buckets.find()) {
            String bucket = buckets.group(1);
            try (S3Client c = S3Client.builder().endpointOverride(S3.getUri()).region(Region.US_EAST_1).forcePathStyle(true)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET)))
                    .httpClientBuilder(ApacheHttpClient.builder()).build()) {
                if (c.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(bucket))) {
                    c.createBucket(b -> b.bucket(bucket));
                }
            }
        }
        Path file = base.resolve(example.getFileName());
        Files.writeString(file, text);
        Map<String, String> env = new HashMap<>();
        env.put("CINCH_S3_ENDPOINT", S3.getUri().toString());
        env.put("CINCH_S3_PATH_STYLE", "true");
        env.put("CINCH_S3_ACCESS_KEY_ID", ACCESS);
        env.put("CINCH_S3_SECRET_ACCESS_KEY", SECRET);
        return new Profile(file, env, schema);
    }

    private Result cli(Profile p, byte[] stdin, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--config";
        all[1] = p.config().toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return runWithEnv(stdin, p.env(), all);
    }

    @Test
    void everyShippedProfileStoresSealsArchivesAndReadsBack() throws Exception {
        List<Path> examples;
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            examples = files.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
        }
        assertThat(examples).extracting(p -> p.getFileName().toString()).containsExactlyInAnyOrder("hosted-postgres-s3.yml",
                "offsite-fs-then-s3.yml", "single-machine.yml", "sqlite-db-then-fs.yml", "ssd-then-hdd.yml");
        byte[] log = CiLogGenerator.generate(8, 300_000);
        for (Path example : examples) {
            String name = example.getFileName().toString();
            try (Profile p = relocated(example)) {
                Result append = cli(p, log, "append", "job-1", "--chunk-size", "4096");
                assertThat(append.code()).as("%s: %s", name, append.err()).isZero();
                assertThat(cli(p, new byte[0], "seal", "job-1").code()).as(name).isZero();
                boolean tiered = Files.readString(p.config()).contains("log-store: tiered");
                Result archive = cli(p, new byte[0], "archive", "--once");
                assertThat(archive.code()).as("%s: %s", name, archive.err()).isEqualTo(tiered ? 0 : 2);
                assertThat(cli(p, new byte[0], "cat", "job-1").out()).as(name).isEqualTo(log);
                Result verify = cli(p, new byte[0], "verify", "--all");
                assertThat(verify.code()).as("%s: %s", name, verify.outText()).isZero();
                if (tiered) {
                    String lastTier = moveAYearLater(p);
                    Result stat = cli(p, new byte[0], "stat", "job-1");
                    assertThat(stat.outText()).as(name).contains("tier:          " + lastTier).contains("sealed:        true");
                    assertThat(cli(p, new byte[0], "cat", "job-1").out()).as(name).isEqualTo(log);
                }
            }
        }
    }

    /** Runs the archival job as of a year from now; returns the profile's last tier. */
    private String moveAYearLater(Profile p) {
        CinchConfig config = CinchConfig.load(Optional.of(p.config()), p.env(), Map.of());
        try (TieredLogStore store = new TieredLogStoreProvider().open(new StoreContext(config, LogStores.fromClassPath()),
                Clock.offset(Clock.systemUTC(), Duration.ofDays(365)));
             Archiver archiver = store.archiver("profiles-test")) {
            assertThat(archiver.runOnce(new Archiver.Listener() {
            }).failures()).isEmpty();
            List<String> tiers = store.tierNames();
            LogStat stat = store.stat(JobId.of("job-1"));
            assertThat(stat.tier()).isEqualTo(tiers.get(tiers.size() - 1));
            return stat.tier();
        }
    }
}

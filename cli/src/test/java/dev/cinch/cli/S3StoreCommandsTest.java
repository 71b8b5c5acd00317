package dev.cinch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cinch.logs.testkit.ExternalTools;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every CLI command with the s3 store ({@code --store s3} or {@code log-store: s3}), its settings from the
 * environment ({@code CINCH_S3_*}) or a config file, against a real S3 server in-process. The inherited cases run
 * every metadata command (token, migrate, db status, cleanup, keys rotate, run, append) with logs on S3.
 */
class S3StoreCommandsTest extends AbstractMetadataCommandsTest {
    @RegisterExtension
    static final S3ProxyExtension S3 = S3ProxyExtension.builder().withCredentials("cli-access", "cli-secret-never-shown")
            .withBlobStoreProvider("filesystem").build();
    private static final String BUCKET = "cinch-cli";

    @BeforeEach
    void bucket() {
        try (S3Client c = client()) {
            c.createBucket(b -> b.bucket(BUCKET));
        }
    }

    private static S3Client client() {
        return S3Client.builder().endpointOverride(S3.getUri()).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("cli-access", "cli-secret-never-shown")))
                .httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    /** The s3 store's settings as environment variables, and the store chosen by env too. */
    @Override
    Map<String, String> databaseEnv() {
        Map<String, String> e = new HashMap<>();
        e.put("CINCH_LOG_STORE", "s3");
        e.put("CINCH_S3_BUCKET", BUCKET);
        e.put("CINCH_S3_PREFIX", "cli");
        e.put("CINCH_S3_ENDPOINT", S3.getUri().toString());
        e.put("CINCH_S3_PATH_STYLE", "true");
        e.put("CINCH_S3_REGION", "us-east-1");
        e.put("CINCH_S3_ACCESS_KEY_ID", "cli-access");
        e.put("CINCH_S3_SECRET_ACCESS_KEY", "cli-secret-never-shown");
        return e;
    }

    @Override
    String dialect() {
        return "sqlite";
    }

    private static List<String> keys(String prefix) {
        try (S3Client c = client()) {
            return c.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(prefix)).contents().stream().map(S3Object::key).toList();
        }
    }

    @Test
    void everyLogCommandWorksOnS3() throws Exception {
        String log = "building...\n\u001b[31mwarning\u001b[0m: demo\nprogress 10%\rprogress 100%\nline 4\nline 5\n";
        assertThat(pipe(log, "--store", "s3", "append", "j1", "--chunk-size", "16").code()).isZero();
        assertThat(keys("cli/logs/j1!/seg/")).as("segments in the bucket").isNotEmpty();
        assertThat(Files.exists(dir.resolve("data/logs"))).as("nothing in the fs store").isFalse();
        assertThat(run("--store", "s3", "cat", "j1").out()).isEqualTo(log);
        assertThat(run("--store", "s3", "cat", "j1", "--offset", "5", "--length", "10").out()).isEqualTo(log.substring(5, 15));
        assertThat(run("--store", "s3", "cat", "j1", "--tail-lines", "2").out()).isEqualTo("line 4\nline 5\n");
        assertThat(run("--store", "s3", "cat", "j1", "--from-seq", "1").out()).isEqualTo(log.substring(16));
        JsonNode stat = new ObjectMapper().readTree(run("--store", "s3", "stat", "j1", "--json").out());
        assertThat(stat.get("sealed").asBoolean()).isFalse();
        assertThat(stat.get("tier").asText()).isEqualTo("s3");
        assertThat(run("--store", "s3", "seal", "j1").code()).isZero();
        assertThat(keys("cli/logs/j1!/seg/")).as("segments removed by the seal").isEmpty();
        assertThat(run("--store", "s3", "follow", "j1").out()).isEqualTo(log);
        Path archive = dir.resolve("j1.zst");
        assertThat(run("--store", "s3", "export", "j1", "-o", archive.toString()).code()).isZero();
        Path zstd = ExternalTools.require("zstd", "apt-get install zstd");
        assertThat(new String(ExternalTools.run(List.of(zstd.toString(), "-dc", archive.toString())).stdout(), StandardCharsets.UTF_8))
                .isEqualTo(log);
        Result ran = run("--store", "s3", "run", "--job", "r1", "--", "sh", "-c", "echo out; echo err >&2");
        assertThat(ran.code()).isZero();
        assertThat(run("--store", "s3", "stat", "r1").out()).contains("sealed:        true");
        JsonNode ls = new ObjectMapper().readTree(run("--store", "s3", "ls", "--json").out());
        assertThat(ls.size()).isEqualTo(2);
        assertThat(ls.get(0).get("job").asText()).isEqualTo("j1");
        assertThat(ls.get(1).get("job").asText()).isEqualTo("r1");
        for (Result r : List.of(run("--store", "s3", "stat", "j1"), run("--store", "s3", "cat", "missing"))) {
            assertThat(r.out() + r.err()).doesNotContain("cli-secret-never-shown");
        }
    }

    @Test
    void settingsComeFromAConfigFileToo() throws Exception {
        Path config = dir.resolve("cinch.yml");
        Files.writeString(config, "log-store: s3\ns3:\n  bucket: " + BUCKET + "\n  prefix: from-file\n  endpoint: "
                + S3.getUri() + "\n  path-style: true\n  access-key-id: cli-access\n  secret-access-key: cli-secret-never-shown\n");
        Map<String, String> onlyDataDir = Map.of("CINCH_DATA_DIR", dir.resolve("data").toString());
        Result appended = runOnly(onlyDataDir, "line\n", "--config", config.toString(), "append", "f1");
        assertThat(appended.code()).as(appended.err()).isZero();
        assertThat(keys("from-file/logs/f1!/")).isNotEmpty();
        assertThat(runOnly(onlyDataDir, "", "--config", config.toString(), "cat", "f1").out()).isEqualTo("line\n");
        // a typo in the s3 section is refused, naming the key and never the secret
        Files.writeString(config, Files.readString(config) + "  bukcet: x\n");
        Result typo = runOnly(onlyDataDir, "", "--config", config.toString(), "cat", "f1");
        assertThat(typo.code()).isEqualTo(2);
        assertThat(typo.err()).contains("s3.bukcet").doesNotContain("cli-secret-never-shown");
    }

    /** Runs with exactly {@code env} (no S3 variables), so the file is the only source of the s3 settings. */
    private Result runOnly(Map<String, String> env, String stdin, String... args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        try (Cinchlog cli = new Cinchlog(new java.io.ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), out,
                new java.io.PrintStream(err, true, StandardCharsets.UTF_8), env)) {
            int code = cli.execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }
}

package dev.cinch.bench;

import dev.cinch.logs.config.CinchConfig;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.zip.CRC32C;

/**
 * The stores the benchmarks compare, by the names {@code run.sh} passes ({@code CINCH_BENCH_STORES}), each a provider
 * with what it needs on this machine, so that every tier is measured by the same benchmark code:
 * <ul>
 *   <li>{@code fs}: files under the data folder;</li>
 *   <li>{@code db}: the db store on a SQLite file in the data folder;</li>
 *   <li>{@code db-postgres}: the db store on Postgres ({@code CINCH_BENCH_DATABASE_URL}, else
 *       {@code CINCH_TEST_DATABASE_URL}, else 127.0.0.1:5432/test as postgres), one schema per data folder;</li>
 *   <li>{@code s3}: the s3 store on S3Proxy, started in this JVM over a folder beside the data folder (so built logs
 *       are kept between runs as the other stores' are), one key prefix per data folder;</li>
 *   <li>{@code tiered}: the one-SQLite-file profile: hot {@code db} on SQLite, archive {@code fs} at seal.</li>
 * </ul>
 * Any other name is a provider opened with its defaults.
 */
final class BenchTargets {
    static final String S3_BUCKET = "cinch-bench";
    private static final String S3_ACCESS = "bench";
    private static final String S3_SECRET = "bench-secret";

    private BenchTargets() {
    }

    /** The provider behind a target name. */
    static String provider(String target) {
        return switch (target) {
            case "db-postgres" -> "db";
            default -> target;
        };
    }

    /** What the target needs beyond {@code data-dir} to open over {@code dataDir}. */
    static Map<String, String> settings(String target, Path dataDir) {
        Map<String, String> s = new HashMap<>();
        switch (target) {
            case "db-postgres" -> s.put("database.url", postgresSchemaUrl(dataDir));
            case "s3" -> {
                s.put("s3.bucket", S3_BUCKET);
                s.put("s3.prefix", "d" + tag(dataDir) + "/");
                s.put("s3.endpoint", S3Server.INSTANCE.uri().toString());
                s.put("s3.path-style", "true");
                s.put("s3.access-key-id", S3_ACCESS);
                s.put("s3.secret-access-key", S3_SECRET);
            }
            case "tiered" -> {
                s.put("tiered.tiers", "hot, archive");
                s.put("tiered.move-at-seal", "true");
                s.put("tiered.hot.store", "db");
                s.put("tiered.archive.store", "fs");
                s.put("tiered.archive.fs.root", dataDir.resolve("archive").toString());
            }
            default -> {
            }
        }
        return s;
    }

    /** A short stable name for a data folder: its path's CRC32C in hex. */
    static String tag(Path dataDir) {
        CRC32C crc = new CRC32C();
        crc.update(dataDir.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
        return String.format(Locale.ROOT, "%08x", crc.getValue());
    }

    private static String postgresUrl() {
        String url = System.getenv("CINCH_BENCH_DATABASE_URL");
        if (url == null || url.isBlank()) {
            url = System.getenv("CINCH_TEST_DATABASE_URL");
        }
        return url == null || url.isBlank() ? "jdbc:postgresql://127.0.0.1:5432/test?user=postgres" : url;
    }

    /** The Postgres URL selecting this data folder's schema, created when missing. */
    private static String postgresSchemaUrl(Path dataDir) {
        String base = postgresUrl();
        String schema = "bench_" + tag(dataDir);
        try (Connection c = DriverManager.getConnection(base); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS " + schema); // schema is bench_ + hex: a plain identifier
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare schema " + schema + " on the benchmark's Postgres: " + e.getMessage(), e);
        }
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** One S3Proxy per benchmark JVM, started on first use and stopped when the JVM exits. */
    private static final class S3Server {
        static final S3Server INSTANCE = new S3Server();

        private final URI uri;

        private S3Server() {
            try {
                Path dir = Files.createDirectories(BenchDirs.cacheRoot().resolve("s3proxy"));
                Properties p = new Properties();
                p.setProperty("jclouds.filesystem.basedir", dir.toString());
                p.setProperty("jclouds.identity", S3_ACCESS);
                p.setProperty("jclouds.credential", S3_SECRET);
                S3Proxy proxy = S3Proxy.builder().blobStore(BlobStores.create("filesystem", p))
                        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, S3_ACCESS, S3_SECRET)
                        .ignoreUnknownHeaders(true)
                        .endpoint(URI.create("http://127.0.0.1:0")).build();
                proxy.start();
                while (!proxy.getState().equals("STARTED")) {
                    Thread.sleep(10);
                }
                uri = URI.create("http://127.0.0.1:" + proxy.getPort());
                try (software.amazon.awssdk.services.s3.S3Client c = software.amazon.awssdk.services.s3.S3Client.builder()
                        .endpointOverride(uri).region(software.amazon.awssdk.regions.Region.US_EAST_1).forcePathStyle(true)
                        .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                                software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(S3_ACCESS, S3_SECRET)))
                        .httpClientBuilder(software.amazon.awssdk.http.apache.ApacheHttpClient.builder()).build()) {
                    if (c.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(S3_BUCKET))) {
                        c.createBucket(b -> b.bucket(S3_BUCKET));
                    }
                }
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        proxy.stop();
                    } catch (Exception ignored) {
                        // the JVM is exiting
                    }
                }));
            } catch (Exception e) {
                throw new IllegalStateException("starting S3Proxy for the s3 benchmarks: " + e.getMessage(), e);
            }
        }

        URI uri() {
            return uri;
        }
    }

    /** The configuration a target opens with (for tools that open stores outside {@link StoreSpec}). */
    static CinchConfig config(String target, Path dataDir) {
        Map<String, String> s = new HashMap<>(settings(target, dataDir));
        s.put(CinchConfig.DATA_DIR, dataDir.toString());
        return CinchConfig.of(s);
    }
}

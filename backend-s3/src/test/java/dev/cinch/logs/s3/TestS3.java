package dev.cinch.logs.s3;

import dev.cinch.logs.config.CinchConfig;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.util.HashMap;
import java.util.Map;

/** The in-process S3 server the tests run against, and a plain client of it. */
final class TestS3 {
    static final String BUCKET = "cinch-test";
    static final String ACCESS_KEY = "test-access";
    static final String SECRET_KEY = "test-secret-do-not-print";
    static final String PREFIX = "ci/";

    private TestS3() {
    }

    /** A fresh S3Proxy on a random port per test, storing objects in a temporary folder. */
    static S3ProxyExtension extension() {
        return S3ProxyExtension.builder()
                .withCredentials(ACCESS_KEY, SECRET_KEY)
                .withBlobStoreProvider("filesystem")
                .build();
    }

    static S3Client client(S3ProxyExtension s3) {
        return S3Client.builder()
                .endpointOverride(s3.getUri())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }

    /** The store's settings for this server, as an operator would write them. */
    static CinchConfig config(S3ProxyExtension s3) {
        Map<String, String> m = new HashMap<>();
        m.put("log-store", "s3");
        m.put("s3.bucket", BUCKET);
        m.put("s3.prefix", PREFIX);
        m.put("s3.endpoint", s3.getUri().toString());
        m.put("s3.path-style", "true");
        m.put("s3.access-key-id", ACCESS_KEY);
        m.put("s3.secret-access-key", SECRET_KEY);
        m.put("s3.writer-lease", "5s");
        return CinchConfig.of(m);
    }

    static void createBucket(S3Client client) {
        client.createBucket(b -> b.bucket(BUCKET));
    }
}

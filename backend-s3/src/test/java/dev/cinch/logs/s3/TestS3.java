package dev.cinch.logs.s3;

import org.gaul.s3proxy.junit.S3ProxyExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** The in-process S3 server the tests run against, and a plain client of it. */
final class TestS3 {
    static final String BUCKET = "cinch-test";
    static final String ACCESS_KEY = "test-access";
    static final String SECRET_KEY = "test-secret-do-not-print";

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

    static void createBucket(S3Client client) {
        client.createBucket(b -> b.bucket(BUCKET));
    }
}

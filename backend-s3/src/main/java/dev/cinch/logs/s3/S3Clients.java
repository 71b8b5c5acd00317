package dev.cinch.logs.s3;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

import java.time.Duration;
import java.util.List;

/** Builds the one {@link S3Client} a store owns, from its settings. */
public final class S3Clients {
    private S3Clients() {
    }

    /**
     * A client on the Apache HTTP client (it kept every conditional PUT under races where the URL-connection client
     * lost some), retrying throttling (503 SlowDown), 5xx, connection resets and timeouts with exponential backoff and
     * full jitter. The retry quota ("circuit breaker") is off: a store must ride out a bad minute of its S3 server, and
     * every request here is safe to repeat (writes are conditional, and a repeated one is recognised).
     */
    public static S3Client build(S3StoreConfig config, List<ExecutionInterceptor> interceptors) {
        AwsCredentialsProvider credentials = config.credentials()
                .<AwsCredentialsProvider>map(c -> StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey())))
                .orElseGet(() -> DefaultCredentialsProvider.builder().build());
        ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder()
                .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(config.maxAttempts())
                        .backoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(50), Duration.ofSeconds(5)))
                        .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(200), Duration.ofSeconds(10)))
                        .circuitBreakerEnabled(false)
                        .build())
                .apiCallAttemptTimeout(config.requestTimeout());
        interceptors.forEach(override::addExecutionInterceptor);
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(config.region()))
                .forcePathStyle(config.pathStyle())
                .credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder()
                        .maxConnections(64)
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(config.requestTimeout()))
                .overrideConfiguration(override.build());
        config.endpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }
}

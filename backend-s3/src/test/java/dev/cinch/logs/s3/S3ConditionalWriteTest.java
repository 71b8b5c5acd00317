package dev.cinch.logs.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What the backend's safety rests on, checked first against the server the tests use: a conditional PUT
 * ({@code If-None-Match: *}) of a key that exists is refused with 412 and leaves the object as it was, also when
 * several clients race for one key; a PUT with {@code If-Match: <etag>} replaces only that version.
 */
class S3ConditionalWriteTest {
    @RegisterExtension
    static final S3ProxyExtension S3 = TestS3.extension();

    private S3Client client;

    @BeforeEach
    void connect() {
        client = TestS3.client(S3);
        TestS3.createBucket(client);
    }

    @AfterEach
    void disconnect() {
        client.close();
    }

    private PutObjectResponse putIfAbsent(String key, String body) {
        return client.putObject(b -> b.bucket(TestS3.BUCKET).key(key).ifNoneMatch("*"),
                RequestBody.fromString(body, StandardCharsets.UTF_8));
    }

    private String get(String key) {
        return client.getObjectAsBytes(b -> b.bucket(TestS3.BUCKET).key(key)).asUtf8String();
    }

    @Test
    void aSecondConditionalPutOfTheSameKeyGets412AndChangesNothing() {
        putIfAbsent("seg/0", "first");
        assertThatThrownBy(() -> putIfAbsent("seg/0", "second"))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(412));
        assertThat(get("seg/0")).isEqualTo("first");
    }

    @Test
    void exactlyOneOfEightRacingConditionalPutsWins() throws Exception {
        for (int round = 0; round < 20; round++) {
            String key = "race/" + round;
            ExecutorService pool = Executors.newFixedThreadPool(8);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String body = "writer-" + i;
                results.add(pool.submit(() -> {
                    start.await();
                    try {
                        putIfAbsent(key, body);
                        return true;
                    } catch (S3Exception e) {
                        if (e.statusCode() == 412 || e.statusCode() == 409) {
                            return false;
                        }
                        throw e;
                    }
                }));
            }
            start.countDown();
            int winners = 0;
            int winner = -1;
            for (int i = 0; i < 8; i++) {
                if (results.get(i).get()) {
                    winners++;
                    winner = i;
                }
            }
            pool.shutdown();
            assertThat(winners).as("round %d", round).isEqualTo(1);
            assertThat(get(key)).isEqualTo("writer-" + winner);
        }
    }

    @Test
    void ifMatchReplacesOnlyTheVersionItNames() {
        String etag = putIfAbsent("lease", "a").eTag();
        String next = client.putObject(b -> b.bucket(TestS3.BUCKET).key("lease").ifMatch(etag),
                RequestBody.fromString("b", StandardCharsets.UTF_8)).eTag();
        assertThat(get("lease")).isEqualTo("b");
        assertThatThrownBy(() -> client.putObject(b -> b.bucket(TestS3.BUCKET).key("lease").ifMatch(etag),
                RequestBody.fromString("c", StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(412));
        assertThat(get("lease")).isEqualTo("b");
        assertThat(next).isNotEqualTo(etag);
    }
}

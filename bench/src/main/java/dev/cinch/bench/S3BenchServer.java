package dev.cinch.bench;

import dev.cinch.logs.LogStore;
import dev.cinch.logs.config.CinchConfig;
import dev.cinch.logs.s3.S3Clients;
import dev.cinch.logs.s3.S3LogStorage;
import dev.cinch.logs.s3.S3LogStoreProvider;
import dev.cinch.logs.s3.S3StoreConfig;
import org.gaul.s3proxy.junit.S3ProxyJunitCore;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An S3 server on this machine for the s3 benchmarks (S3Proxy in-process, filesystem storage in a temporary folder,
 * fresh per trial), and s3 stores on it whose client counts the requests it sends and the response bytes it receives.
 */
final class S3BenchServer implements AutoCloseable {
    static final String BUCKET = "cinch-bench";
    private static final String ACCESS = "bench";
    private static final String SECRET = "bench-secret";

    private final S3ProxyJunitCore proxy;

    /** Requests sent and response body bytes received by the stores' clients. */
    static final class Counter implements ExecutionInterceptor {
        final AtomicLong requests = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();

        @Override
        public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
            requests.incrementAndGet();
            bytes.addAndGet(context.httpResponse().firstMatchingHeader("Content-Length").map(Long::parseLong).orElse(0L));
        }

        void reset() {
            requests.set(0);
            bytes.set(0);
        }
    }

    S3BenchServer() {
        proxy = new S3ProxyJunitCore.Builder().withCredentials(ACCESS, SECRET).withBlobStoreProvider("filesystem").build();
        try {
            proxy.beforeEach();
        } catch (Exception e) {
            throw new IllegalStateException("starting S3Proxy", e);
        }
        try (var c = S3Clients.build(config(Map.of()), List.of())) {
            c.createBucket(b -> b.bucket(BUCKET));
        }
    }

    S3StoreConfig config(Map<String, String> extra) {
        Map<String, String> m = new HashMap<>();
        m.put("s3.bucket", BUCKET);
        m.put("s3.endpoint", proxy.getUri().toString());
        m.put("s3.path-style", "true");
        m.put("s3.access-key-id", ACCESS);
        m.put("s3.secret-access-key", SECRET);
        m.putAll(extra);
        return S3StoreConfig.from(CinchConfig.of(m));
    }

    /** An s3 store with {@code extra} settings whose requests {@code counter} counts. */
    LogStore open(Map<String, String> extra, Counter counter) {
        S3StoreConfig config = config(extra);
        return S3LogStoreProvider.open(config, new S3LogStorage(config, S3Clients.build(config, List.of(counter))));
    }

    @Override
    public void close() {
        proxy.afterEach();
    }
}

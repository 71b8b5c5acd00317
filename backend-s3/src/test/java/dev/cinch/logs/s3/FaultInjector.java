package dev.cinch.logs.s3;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpResponse;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes a share of the S3 responses a client receives fail, each in one of the ways a real S3 fails: 503 SlowDown
 * (throttling), 500 InternalError, a connection reset part way through the body, and a response that stalls past the
 * client's attempt timeout. Faults are injected after the server has done the work, so a failed PUT may have stored
 * its object: the client's retry then meets its own write, which is the hard case for conditional writes.
 */
final class FaultInjector implements ExecutionInterceptor {
    enum Fault { SLOW_DOWN, INTERNAL_ERROR, RESET, STALL }

    private static final ExecutionAttribute<Fault> FAULT = new ExecutionAttribute<>("injected-fault");

    private final double rate;
    private final long stallMillis;
    private volatile boolean enabled;
    private final Map<Fault, AtomicLong> injected = new EnumMap<>(Fault.class);
    private final AtomicLong requests = new AtomicLong();

    FaultInjector(double rate, long stallMillis) {
        this.rate = rate;
        this.stallMillis = stallMillis;
        for (Fault f : Fault.values()) {
            injected.put(f, new AtomicLong());
        }
    }

    void enable(boolean on) {
        enabled = on;
    }

    Map<Fault, Long> injected() {
        Map<Fault, Long> m = new EnumMap<>(Fault.class);
        injected.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    long requests() {
        return requests.get();
    }

    @Override
    public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
        attributes.putAttribute(FAULT, null);
        if (!enabled) {
            return context.httpResponse();
        }
        requests.incrementAndGet();
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        if (rnd.nextDouble() >= rate) {
            return context.httpResponse();
        }
        Fault f = Fault.values()[rnd.nextInt(Fault.values().length)];
        boolean hasBody = context.responseBody().isPresent();
        if (!hasBody && (f == Fault.RESET || f == Fault.STALL)) {
            f = rnd.nextBoolean() ? Fault.SLOW_DOWN : Fault.INTERNAL_ERROR; // a HEAD has no body to break
        }
        attributes.putAttribute(FAULT, f);
        injected.get(f).incrementAndGet();
        return switch (f) {
            case SLOW_DOWN -> context.httpResponse().toBuilder().statusCode(503).statusText("Slow Down")
                    .removeHeader("Content-Length").removeHeader("ETag").build();
            case INTERNAL_ERROR -> context.httpResponse().toBuilder().statusCode(500).statusText("Internal Server Error")
                    .removeHeader("Content-Length").removeHeader("ETag").build();
            default -> context.httpResponse();
        };
    }

    @Override
    public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
        Fault f = attributes.getAttribute(FAULT);
        if (f == null) {
            return context.responseBody();
        }
        Optional<InputStream> real = context.responseBody();
        return switch (f) {
            case SLOW_DOWN -> Optional.of(xml("SlowDown", "Please reduce your request rate.", real));
            case INTERNAL_ERROR -> Optional.of(xml("InternalError", "We encountered an internal error. Please try again.", real));
            case RESET -> context.responseBody().map(in -> new FilterInputStream(in) {
                private long left = ThreadLocalRandom.current().nextLong(0, 64);

                @Override
                public int read() throws IOException {
                    if (left-- <= 0) {
                        throw new IOException("Connection reset (injected)");
                    }
                    return super.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (left <= 0) {
                        throw new IOException("Connection reset (injected)");
                    }
                    int n = super.read(b, off, (int) Math.min(len, left));
                    left -= Math.max(n, 0);
                    return n;
                }
            });
            case STALL -> context.responseBody().map(in -> new FilterInputStream(in) {
                private boolean stalled;

                private void stall() throws IOException {
                    if (!stalled) {
                        stalled = true;
                        try {
                            Thread.sleep(stallMillis);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new InterruptedIOException("stalled response interrupted");
                        }
                        throw new java.net.SocketTimeoutException("Read timed out (injected stall)");
                    }
                }

                @Override
                public int read() throws IOException {
                    stall();
                    return super.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    stall();
                    return super.read(b, off, len);
                }
            });
        };
    }

    /**
     * An error body in place of the real one; closing it closes the real body too, which gives the connection back
     * to the client's pool (an abandoned body would hold it for good).
     */
    private static InputStream xml(String code, String message, Optional<InputStream> real) {
        return new FilterInputStream(new ByteArrayInputStream(("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>"
                + code + "</Code><Message>" + message + "</Message><RequestId>injected</RequestId></Error>")
                .getBytes(StandardCharsets.UTF_8))) {
            @Override
            public void close() throws IOException {
                try {
                    if (real.isPresent()) {
                        real.get().close();
                    }
                } finally {
                    super.close();
                }
            }
        };
    }
}

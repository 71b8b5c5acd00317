package dev.cinch.logs.codec;

import com.github.luben.zstd.ZstdDecompressCtx;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * zstd decompression contexts kept for reuse. Creating one allocates and initialises a few hundred KiB of native
 * state, which costs as much as decompressing a small frame; a context serves one call at a time. Up to
 * {@code idleBound} idle contexts are kept; more callers at once get extra ones that are freed after use, so native
 * memory stays bounded whatever the concurrency. Thread-safe; {@link #close()} frees the idle ones, and contexts
 * returned after it are freed at once.
 */
public final class DecompressContexts implements AutoCloseable {
    private final BlockingQueue<ZstdDecompressCtx> idle;
    private volatile boolean closed;

    /** A pool keeping at most {@code idleBound} idle contexts; 0 keeps none (each call creates and frees one). */
    public DecompressContexts(int idleBound) {
        if (idleBound < 0) {
            throw new IllegalArgumentException("idle bound must be >= 0, got " + idleBound);
        }
        this.idle = idleBound == 0 ? null : new ArrayBlockingQueue<>(idleBound);
    }

    /** A pool sized for this machine: two idle contexts per processor. */
    public static DecompressContexts forThisMachine() {
        return new DecompressContexts(Math.max(2, Runtime.getRuntime().availableProcessors() * 2));
    }

    /**
     * Decompresses the single zstd frame {@code src[srcOff, srcOff + srcLen)} into {@code dst[dstOff, dstOff + dstLen)}
     * and returns the number of bytes produced.
     *
     * @throws com.github.luben.zstd.ZstdException if the input is not a valid frame or does not fit
     */
    public int decompress(byte[] dst, int dstOff, int dstLen, byte[] src, int srcOff, int srcLen) {
        ZstdDecompressCtx ctx = idle == null ? null : idle.poll();
        if (ctx == null) {
            ctx = new ZstdDecompressCtx();
        }
        try {
            return ctx.decompressByteArray(dst, dstOff, dstLen, src, srcOff, srcLen);
        } finally {
            release(ctx);
        }
    }

    private void release(ZstdDecompressCtx ctx) {
        if (closed || idle == null || !idle.offer(ctx)) {
            ctx.close();
        } else if (closed) {
            freeIdle(); // close() ran between the check and the offer
        }
    }

    private void freeIdle() {
        if (idle == null) {
            return;
        }
        ZstdDecompressCtx ctx;
        while ((ctx = idle.poll()) != null) {
            ctx.close();
        }
    }

    /** Idle contexts held now (for tests and metrics). */
    public int idleCount() {
        return idle == null ? 0 : idle.size();
    }

    @Override
    public void close() {
        closed = true;
        freeIdle();
    }
}

package dev.cinch.logs.codec;

import com.github.luben.zstd.ZstdDecompressCtx;


/**
 * zstd decompression contexts kept for reuse. Creating one allocates and initialises a few hundred KiB of native
 * state, which costs as much as decompressing a small frame; a context serves one call at a time. At most
 * {@code size} contexts exist; a caller finding all in use waits for one (see {@link ContextPool} for why it does not
 * make more). Thread-safe; {@link #close()} frees the idle ones, and contexts returned after it are freed at once.
 */
public final class DecompressContexts implements AutoCloseable {
    private final ContextPool<ZstdDecompressCtx> pool;

    /** A pool of at most {@code size} contexts; 0 keeps none (each call creates and frees one). */
    public DecompressContexts(int size) {
        this.pool = new ContextPool<>(size, ZstdDecompressCtx::new, ZstdDecompressCtx::new);
    }

    /** A pool sized for this machine: two contexts per processor. */
    public static DecompressContexts forThisMachine() {
        return new DecompressContexts(ContextPool.sizeForThisMachine());
    }

    /**
     * Decompresses the single zstd frame {@code src[srcOff, srcOff + srcLen)} into {@code dst[dstOff, dstOff + dstLen)}
     * and returns the number of bytes produced.
     *
     * @throws com.github.luben.zstd.ZstdException if the input is not a valid frame or does not fit
     */
    public int decompress(byte[] dst, int dstOff, int dstLen, byte[] src, int srcOff, int srcLen) {
        ContextPool.Lease<ZstdDecompressCtx> lease = pool.borrow();
        try {
            return lease.context().decompressByteArray(dst, dstOff, dstLen, src, srcOff, srcLen);
        } finally {
            pool.release(lease);
        }
    }

    /** Idle contexts held now (for tests and metrics). */
    public int idleCount() {
        return pool.idleCount();
    }

    @Override
    public void close() {
        pool.close();
    }
}

package dev.cinch.logs.codec;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDictCompress;
import com.github.luben.zstd.ZstdDictDecompress;
import com.github.luben.zstd.ZstdException;
import dev.cinch.logs.CorruptLogException;
import dev.cinch.logs.JobId;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Compresses chunks one at a time with zstd and checks them on the way back: the hot-tier encoding.
 *
 * <p>Each chunk is an independent zstd frame, so any chunk can be read alone. A chunk that zstd cannot shrink is
 * stored raw. The CRC32C is of the raw bytes, so a decode checks the whole path (storage, decompression) end to end.
 *
 * <p>zstd contexts are expensive to create (hundreds of KiB each) and not thread-safe, so the codec keeps a small,
 * bounded pool of them (a {@link ContextPool}: callers wait rather than make more). Thread-safe.
 *
 * <p>Chunks up to {@link #DIRECT_LIMIT} are compressed between direct buffers, not Java arrays: zstd-jni's array
 * calls hold a JNI critical section for the whole compression, during which JDK 17's G1 cannot start a collection
 * (see {@link ContextPool}: hundreds of appending threads once made allocations fail with OutOfMemoryError that
 * way). Bounding the contexts alone already fixed that; compressing outside critical sections keeps even the pooled
 * few out of the collector's way. The copy into the direct buffer costs far less than the compression.
 */
public final class ChunkCodec implements AutoCloseable {
    public static final int DEFAULT_LEVEL = 3;

    /** Largest chunk compressed through direct buffers; larger ones (rare, and few per second) use the array call. */
    static final int DIRECT_LIMIT = 256 << 10;

    private final int level;
    private final ContextPool<Compressor> compressors;
    private final DecompressContexts decompressors = DecompressContexts.forThisMachine();
    /**
     * Dictionary calls in progress at once are bounded like the pooled contexts: they are zstd-jni array calls, each
     * a JNI critical section (see {@link ContextPool}).
     */
    private final Semaphore dictionaryCalls;

    public ChunkCodec(int level) {
        if (level < 1 || level > Zstd.maxCompressionLevel()) {
            throw new IllegalArgumentException("zstd level must be 1.." + Zstd.maxCompressionLevel() + ", got " + level);
        }
        this.level = level;
        int pool = ContextPool.sizeForThisMachine();
        this.compressors = new ContextPool<>(pool, () -> new Compressor(level, true), () -> new Compressor(level, false));
        this.dictionaryCalls = new Semaphore(pool);
    }

    public int level() {
        return level;
    }

    /** Encodes {@code data[off, off+len)}. */
    public EncodedChunk encode(byte[] data, int off, int len) {
        int crc = Crc32c.of(data, off, len);
        if (len == 0) {
            return new EncodedChunk(new byte[0], 0, crc, ChunkEncoding.RAW, 0);
        }
        ContextPool.Lease<Compressor> lease = compressors.borrow();
        try {
            byte[] compressed = lease.context().compress(data, off, len);
            if (compressed == null) {
                return new EncodedChunk(Arrays.copyOfRange(data, off, off + len), len, crc, ChunkEncoding.RAW, 0);
            }
            return new EncodedChunk(compressed, len, crc, ChunkEncoding.ZSTD, 0);
        } finally {
            compressors.release(lease);
        }
    }

    /** A compression context and the direct buffers it compresses between (grown on demand up to the limit). */
    private static final class Compressor implements AutoCloseable {
        private final ZstdCompressCtx ctx = new ZstdCompressCtx();
        private final boolean direct;
        private ByteBuffer src;
        private ByteBuffer dst;

        Compressor(int level, boolean direct) {
            this.direct = direct;
            ctx.setLevel(level);
            ctx.setChecksum(false); // the CRC32C of the raw bytes already covers each chunk
        }

        /** {@code data[off, off+len)} compressed, or null when zstd cannot make it smaller. */
        byte[] compress(byte[] data, int off, int len) {
            if (!direct || len > DIRECT_LIMIT) {
                byte[] out = new byte[(int) Zstd.compressBound(len)];
                int n = ctx.compressByteArray(out, 0, out.length, data, off, len);
                return n >= len ? null : Arrays.copyOf(out, n);
            }
            if (src == null || src.capacity() < len) {
                // Sized for this chunk rounded up, so one pooled context serves a job's usual chunks without growing.
                int capacity = Math.min(DIRECT_LIMIT, Math.max(64 << 10, Integer.highestOneBit(len - 1) << 1));
                src = ByteBuffer.allocateDirect(capacity);
                dst = ByteBuffer.allocateDirect((int) Zstd.compressBound(capacity));
            }
            src.clear();
            src.put(data, off, len);
            int n = ctx.compressDirectByteBuffer(dst, 0, dst.capacity(), src, 0, len);
            if (n >= len) {
                return null;
            }
            byte[] out = new byte[n];
            dst.get(0, out, 0, n);
            return out;
        }

        @Override
        public void close() {
            ctx.close();
        }
    }

    public EncodedChunk encode(byte[] data) {
        return encode(data, 0, data.length);
    }

    /**
     * Encodes {@code data} with a dictionary (null: without); the result records the dictionary's id unless the chunk
     * is stored raw.
     */
    public EncodedChunk encode(byte[] data, ChunkDictionary dictionary) {
        if (dictionary == null || data.length == 0) {
            return encode(data);
        }
        int crc = Crc32c.of(data, 0, data.length);
        byte[] dst = new byte[(int) Zstd.compressBound(data.length)];
        ZstdDictCompress digested = compressDictionary(dictionary);
        long n;
        dictionaryCalls.acquireUninterruptibly();
        try {
            n = Zstd.compressFastDict(dst, 0, data, 0, data.length, digested);
        } finally {
            dictionaryCalls.release();
        }
        if (Zstd.isError(n)) {
            throw new IllegalStateException("zstd with dictionary " + dictionary.id() + ": " + Zstd.getErrorName(n));
        }
        if (n >= data.length) {
            return new EncodedChunk(data.clone(), data.length, crc, ChunkEncoding.RAW, 0);
        }
        return new EncodedChunk(Arrays.copyOf(dst, (int) n), data.length, crc, ChunkEncoding.ZSTD, dictionary.id());
    }

    /**
     * Decodes a payload compressed with {@code dictionary} (which must be the one its chunk records) and checks its
     * length and CRC32C; a null dictionary is {@link #decode(JobId, long, byte[], int, int, ChunkEncoding, int, int)}.
     */
    public byte[] decode(JobId job, long seq, byte[] payload, int off, int len, ChunkEncoding encoding, int rawLength,
                         int expectedCrc, ChunkDictionary dictionary) {
        if (dictionary == null || encoding == ChunkEncoding.RAW) {
            return decode(job, seq, payload, off, len, encoding, rawLength, expectedCrc);
        }
        byte[] raw = new byte[rawLength];
        ZstdDictDecompress digested = decompressDictionary(dictionary);
        long n;
        dictionaryCalls.acquireUninterruptibly();
        try {
            n = Zstd.decompressFastDict(raw, 0, payload, off, len, digested);
        } finally {
            dictionaryCalls.release();
        }
        if (Zstd.isError(n)) {
            throw new CorruptLogException(job, "seq " + seq + ": zstd with dictionary " + dictionary.id() + ": "
                    + Zstd.getErrorName(n));
        }
        if (n != rawLength) {
            throw new CorruptLogException(job, "seq " + seq + ": decoded " + n + " bytes, expected " + rawLength);
        }
        int crc = Crc32c.of(raw, 0, raw.length);
        if (crc != expectedCrc) {
            throw new CorruptLogException(job, String.format("seq %d: CRC32C %08x != recorded %08x", seq, crc, expectedCrc));
        }
        return raw;
    }

    /** Digested dictionaries, by id: preparing one costs far more than a chunk's compression. */
    private final ConcurrentHashMap<Integer, ZstdDictCompress> compressDictionaries = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, ZstdDictDecompress> decompressDictionaries = new ConcurrentHashMap<>();

    private ZstdDictCompress compressDictionary(ChunkDictionary d) {
        return compressDictionaries.computeIfAbsent(d.id(), id -> new ZstdDictCompress(d.bytes(), level));
    }

    private ZstdDictDecompress decompressDictionary(ChunkDictionary d) {
        return decompressDictionaries.computeIfAbsent(d.id(), id -> new ZstdDictDecompress(d.bytes()));
    }

    /**
     * Decodes a stored payload and checks its length and CRC32C.
     *
     * @throws CorruptLogException naming the job and seq when the payload does not decode to the recorded bytes
     */
    public byte[] decode(JobId job, long seq, byte[] payload, int off, int len, ChunkEncoding encoding,
                         int rawLength, int expectedCrc) {
        byte[] raw;
        if (encoding == ChunkEncoding.RAW) {
            if (len != rawLength) {
                throw new CorruptLogException(job, "seq " + seq + ": stored length " + len + " != raw length " + rawLength);
            }
            raw = Arrays.copyOfRange(payload, off, off + len);
        } else {
            raw = new byte[rawLength];
            try {
                int n = decompressors.decompress(raw, 0, rawLength, payload, off, len);
                if (n != rawLength) {
                    throw new CorruptLogException(job, "seq " + seq + ": decoded " + n + " bytes, expected " + rawLength);
                }
            } catch (ZstdException e) {
                throw new CorruptLogException(job, "seq " + seq + ": zstd: " + e.getMessage(), e);
            }
        }
        int crc = Crc32c.of(raw, 0, raw.length);
        if (crc != expectedCrc) {
            throw new CorruptLogException(job, String.format("seq %d: CRC32C %08x != recorded %08x", seq, crc, expectedCrc));
        }
        return raw;
    }

    /** Frees the pooled native contexts and digested dictionaries. */
    @Override
    public void close() {
        compressDictionaries.values().forEach(ZstdDictCompress::close);
        compressDictionaries.clear();
        decompressDictionaries.values().forEach(ZstdDictDecompress::close);
        decompressDictionaries.clear();
        compressors.close();
        decompressors.close();
    }
}

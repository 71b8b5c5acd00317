package dev.cinch.logs.codec;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDictCompress;
import com.github.luben.zstd.ZstdDictDecompress;
import com.github.luben.zstd.ZstdException;
import dev.cinch.logs.CorruptLogException;
import dev.cinch.logs.JobId;

import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compresses chunks one at a time with zstd and checks them on the way back: the hot-tier encoding.
 *
 * <p>Each chunk is an independent zstd frame, so any chunk can be read alone. A chunk that zstd cannot shrink is
 * stored raw. The CRC32C is of the raw bytes, so a decode checks the whole path (storage, decompression) end to end.
 *
 * <p>zstd contexts are expensive to create (hundreds of KiB each) and not thread-safe, so the codec keeps a small
 * pool of them instead of creating one per call. Thread-safe.
 */
public final class ChunkCodec implements AutoCloseable {
    public static final int DEFAULT_LEVEL = 3;

    private final int level;
    private final BlockingQueue<ZstdCompressCtx> compressors;
    private final DecompressContexts decompressors = DecompressContexts.forThisMachine();

    public ChunkCodec(int level) {
        if (level < 1 || level > Zstd.maxCompressionLevel()) {
            throw new IllegalArgumentException("zstd level must be 1.." + Zstd.maxCompressionLevel() + ", got " + level);
        }
        this.level = level;
        int pool = Math.max(2, Runtime.getRuntime().availableProcessors() * 2);
        this.compressors = new ArrayBlockingQueue<>(pool);
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
        ZstdCompressCtx ctx = compressors.poll();
        if (ctx == null) {
            ctx = new ZstdCompressCtx();
            ctx.setLevel(level);
            ctx.setChecksum(false); // the CRC32C of the raw bytes already covers this chunk
        }
        try {
            byte[] dst = new byte[(int) Zstd.compressBound(len)];
            int n = ctx.compressByteArray(dst, 0, dst.length, data, off, len);
            if (n >= len) {
                return new EncodedChunk(Arrays.copyOfRange(data, off, off + len), len, crc, ChunkEncoding.RAW, 0);
            }
            return new EncodedChunk(Arrays.copyOf(dst, n), len, crc, ChunkEncoding.ZSTD, 0);
        } finally {
            if (!compressors.offer(ctx)) {
                ctx.close();
            }
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
        long n = Zstd.compressFastDict(dst, 0, data, 0, data.length, compressDictionary(dictionary));
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
        long n = Zstd.decompressFastDict(raw, 0, payload, off, len, decompressDictionary(dictionary));
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
        ZstdCompressCtx c;
        while ((c = compressors.poll()) != null) {
            c.close();
        }
        decompressors.close();
    }
}

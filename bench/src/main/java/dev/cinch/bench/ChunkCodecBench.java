package dev.cinch.bench;

import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * gzip (DEFLATE level 6, the JDK's) against zstd (level 3, the stores' chunk level) on single chunks of real logs:
 * compress and decompress time per chunk. The compressed sizes are in the compression report.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ChunkCodecBench {
    private static final int CHUNKS = 256;

    @Param({"zstd-3", "gzip-6"})
    public String codec;

    @Param({"4096", "65536"})
    public int chunkBytes;

    byte[][] raw;
    byte[][] compressed;
    byte[] out;
    int next;
    ZstdCompressCtx zstdCompress;
    ZstdDecompressCtx zstdDecompress;
    Deflater deflater;
    Inflater inflater;

    @Setup(Level.Trial)
    public void prepare() throws DataFormatException {
        ChunkFeed feed = CorpusBytes.load().feed(chunkBytes, 0);
        zstdCompress = new ZstdCompressCtx().setLevel(3);
        zstdDecompress = new ZstdDecompressCtx();
        deflater = new Deflater(6, true);
        inflater = new Inflater(true);
        out = new byte[chunkBytes * 2 + 1024];
        raw = new byte[CHUNKS][];
        compressed = new byte[CHUNKS][];
        for (int i = 0; i < CHUNKS; i++) {
            raw[i] = feed.next();
            compressed[i] = compress(raw[i]);
            byte[] back = new byte[chunkBytes];
            if (decompress(compressed[i], back) != chunkBytes) {
                throw new IllegalStateException(codec + " did not round-trip chunk " + i);
            }
        }
    }

    @TearDown(Level.Trial)
    public void release() {
        zstdCompress.close();
        zstdDecompress.close();
        deflater.end();
        inflater.end();
    }

    byte[] compress(byte[] data) {
        if (codec.equals("zstd-3")) {
            return zstdCompress.compress(data);
        }
        deflater.reset();
        deflater.setInput(data);
        deflater.finish();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(data.length / 3);
        while (!deflater.finished()) {
            int n = deflater.deflate(out);
            bytes.write(out, 0, n);
        }
        return bytes.toByteArray();
    }

    int decompress(byte[] data, byte[] into) throws DataFormatException {
        if (codec.equals("zstd-3")) {
            return zstdDecompress.decompressByteArray(into, 0, into.length, data, 0, data.length);
        }
        inflater.reset();
        inflater.setInput(data);
        int n = 0;
        while (!inflater.finished() && n < into.length) {
            n += inflater.inflate(into, n, into.length - n);
        }
        return n;
    }

    @Benchmark
    public byte[] compressChunk() {
        next = (next + 1) % CHUNKS;
        return compress(raw[next]);
    }

    @Benchmark
    public int decompressChunk() throws DataFormatException {
        next = (next + 1) % CHUNKS;
        return decompress(compressed[next], out);
    }
}

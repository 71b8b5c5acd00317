package dev.cinch.logs.fs;

import dev.cinch.logs.AbstractLogStoreContractTest;
import dev.cinch.logs.JobId;
import dev.cinch.logs.config.CinchConfig;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/** The whole contract on the fs store, opened the way users open it: through ServiceLoader by name. */
class FsLogStoreContractTest extends AbstractLogStoreContractTest {
    @TempDir
    Path dataDir;

    @Override
    protected CinchConfig storeConfig() {
        return CinchConfig.of(Map.of("data-dir", dataDir.toString(), "log-store", "fs"));
    }

    private Path jobDir(JobId job) {
        return new FsLayout(dataDir.resolve("logs")).jobDir(job);
    }

    /** Flips one byte in the middle of the chunk's compressed payload in open.log. */
    @Override
    protected void damageChunk(JobId job, long seq) throws IOException {
        IndexEntry e;
        try (FileChannel idx = FileChannel.open(jobDir(job).resolve(FsLayout.OPEN_INDEX))) {
            ByteBuffer b = ByteBuffer.allocate(IndexEntry.BYTES);
            idx.read(b, seq * IndexEntry.BYTES);
            e = IndexEntry.decode(b, 0);
        }
        flip(jobDir(job).resolve(FsLayout.OPEN_LOG), e.fileOffset() + ChunkFrame.HEADER_BYTES + e.storedLength() / 2);
    }

    /** Flips one byte of the chunk's entry in open.idx (its raw offset field). */
    @Override
    protected void damageIndex(JobId job, long seq) throws IOException {
        flip(jobDir(job).resolve(FsLayout.OPEN_INDEX), seq * IndexEntry.BYTES + 9);
    }

    /** Flips one byte inside the first zstd data frame of sealed.zst. */
    @Override
    protected void damageArchive(JobId job) throws IOException {
        flip(jobDir(job).resolve(FsLayout.SEALED), 40);
    }

    static void flip(Path file, long at) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, at);
            b.put(0, (byte) (b.get(0) ^ 0x5A)).rewind();
            ch.write(b, at);
        }
    }
}

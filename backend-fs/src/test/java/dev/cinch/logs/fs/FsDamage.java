package dev.cinch.logs.fs;

import dev.cinch.logs.JobId;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Damages an fs store's files the way disks do (one flipped byte), for the contract suite's damage cases: of the
 * fs store itself, and of composite stores whose tiers are fs stores. Public through this module's test-jar.
 */
public final class FsDamage {
    private FsDamage() {
    }

    /** Flips one byte in the middle of the chunk's compressed payload in open.log, under fs root {@code root}. */
    public static void damageChunk(Path root, JobId job, long seq) throws IOException {
        Path dir = new FsLayout(root).jobDir(job);
        IndexEntry e;
        try (FileChannel idx = FileChannel.open(dir.resolve(FsLayout.OPEN_INDEX))) {
            ByteBuffer b = ByteBuffer.allocate(IndexEntry.BYTES);
            idx.read(b, seq * IndexEntry.BYTES);
            e = IndexEntry.decode(b, 0);
        }
        flip(dir.resolve(FsLayout.OPEN_LOG), e.fileOffset() + ChunkFrame.HEADER_BYTES + e.storedLength() / 2);
    }

    /** Flips one byte of the chunk's entry in open.idx (its raw offset field). */
    public static void damageIndex(Path root, JobId job, long seq) throws IOException {
        flip(new FsLayout(root).jobDir(job).resolve(FsLayout.OPEN_INDEX), seq * IndexEntry.BYTES + 9);
    }

    /** Flips one byte inside the first zstd data frame of sealed.zst. */
    public static void damageArchive(Path root, JobId job) throws IOException {
        flip(new FsLayout(root).jobDir(job).resolve(FsLayout.SEALED), 40);
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

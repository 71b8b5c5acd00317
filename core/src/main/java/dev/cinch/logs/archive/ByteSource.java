package dev.cinch.logs.archive;

import java.io.Closeable;
import java.io.IOException;

/**
 * Positional, read-only access to an immutable blob (a file, an in-memory array, later an object read with range
 * requests): what {@link SeekableArchiveReader} needs and nothing more.
 *
 * <p>Implementations must allow concurrent {@link #readFully} calls from several threads; there is no shared
 * file position. Each call may cost a system call or a network round trip, so callers read in few, large pieces.
 */
public interface ByteSource extends Closeable {
    /** Size of the blob in bytes; fixed for the life of the source. */
    long size();

    /**
     * Reads exactly {@code len} bytes starting at {@code position} into {@code dst[off..off+len)}.
     *
     * @throws java.io.EOFException if the blob ends before {@code position + len}
     * @throws IOException if the underlying storage fails
     */
    void readFully(long position, byte[] dst, int off, int len) throws IOException;
}

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

    /**
     * The argument checks every {@link #readFully} starts with: {@code dst[off..off+len)} is inside {@code dst}, and
     * {@code [position, position+len)} inside a blob of {@code size} bytes.
     *
     * @param what the blob, for the message (a path, an object key, an archive id)
     * @throws java.io.EOFException naming {@code what} when the range is outside the blob
     */
    static void checkRead(long size, long position, byte[] dst, int off, int len, String what) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, dst.length);
        if (position < 0 || position > size - len) {
            throw new java.io.EOFException("read of " + len + " bytes at " + position + " is outside " + what + " ("
                    + size + " bytes)");
        }
    }
}

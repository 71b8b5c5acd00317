package dev.cinch.logs.archive;

import java.io.EOFException;
import java.util.Objects;

/**
 * A {@link ByteSource} over a byte array. The array is not copied (archives can be large); the caller must not
 * modify it while the source is in use. {@link #close()} does nothing.
 */
public final class ArrayByteSource implements ByteSource {
    private final byte[] bytes;

    public ArrayByteSource(byte[] bytes) {
        this.bytes = Objects.requireNonNull(bytes, "bytes");
    }

    @Override
    public long size() {
        return bytes.length;
    }

    @Override
    public void readFully(long position, byte[] dst, int off, int len) throws EOFException {
        Objects.checkFromIndexSize(off, len, dst.length);
        if (position < 0 || position > bytes.length - (long) len) {
            throw new EOFException("read of " + len + " bytes at " + position + " is outside a " + bytes.length
                    + "-byte source");
        }
        System.arraycopy(bytes, (int) position, dst, off, len);
    }

    @Override
    public void close() {
        // Nothing to release: the array belongs to the caller.
    }
}

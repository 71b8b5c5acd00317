package dev.cinch.logs.storage;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The stream an {@link ArchiveUpload} hands core when its medium stores an archive in fixed-size parts (database
 * rows, multipart upload parts): it collects the bytes core writes into one part-sized buffer and gives each full
 * part to a sink, so memory stays one part whatever the archive's size. What is left in the buffer when core is done
 * is the upload's to send ({@link #flushPart}, or {@link #buffer()} for a medium that stores a short archive in one
 * piece). Once {@link #finish finished}, writes fail. Not thread-safe: one upload writes it.
 */
public final class PartBufferStream extends OutputStream {
    /** Receives each full part; {@code bytes} is reused after the call returns. */
    @FunctionalInterface
    public interface PartSink {
        void part(byte[] bytes, int length) throws IOException;
    }

    private final byte[] buffer;
    private final PartSink sink;
    private int buffered;
    private long written;
    private String finished;

    public PartBufferStream(int partBytes, PartSink sink) {
        if (partBytes < 1) {
            throw new IllegalArgumentException("a part holds at least one byte, got " + partBytes);
        }
        this.buffer = new byte[partBytes];
        this.sink = sink;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (finished != null) {
            throw new IOException(finished);
        }
        while (len > 0) {
            int n = Math.min(len, buffer.length - buffered);
            System.arraycopy(b, off, buffer, buffered, n);
            buffered += n;
            written += n;
            off += n;
            len -= n;
            if (buffered == buffer.length) {
                flushPart();
            }
        }
    }

    /** Gives the buffered bytes, if any, to the sink as a (possibly short) part. */
    public void flushPart() throws IOException {
        if (buffered > 0) {
            sink.part(buffer, buffered);
            buffered = 0;
        }
    }

    /** The buffer: its first {@link #buffered()} bytes are not yet given to the sink. */
    public byte[] buffer() {
        return buffer;
    }

    public int buffered() {
        return buffered;
    }

    /** Bytes written so far, given to the sink or still buffered. */
    public long written() {
        return written;
    }

    /** Refuses further writes with {@code reason} (the upload is complete, committed or closed). */
    public void finish(String reason) {
        finished = reason;
        buffered = 0;
    }
}

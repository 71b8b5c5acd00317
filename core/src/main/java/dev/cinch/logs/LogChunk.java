package dev.cinch.logs;

import java.util.Arrays;
import java.util.Objects;

/**
 * One chunk of a job's log: the unit a worker sends and {@link LogStore#append} stores.
 *
 * <p>{@code data} is arbitrary bytes (ANSI escapes, {@code \r}, NUL, invalid UTF-8 are all legal); it is never
 * decoded as text. The record copies the array on the way in and out, so a caller can reuse its buffer.
 *
 * @param seq position of the chunk in the log, from 0 with no gaps
 * @param stream stdout or stderr
 * @param timestampMillis when the worker produced the chunk, epoch milliseconds
 * @param data the chunk's bytes
 */
public record LogChunk(long seq, LogStream stream, long timestampMillis, byte[] data) {
    public LogChunk {
        if (seq < 0) {
            throw new IllegalArgumentException("chunk seq must be >= 0, got " + seq);
        }
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(data, "data");
        data = data.clone();
    }

    /** A copy of the chunk's bytes. */
    @Override
    public byte[] data() {
        return data.clone();
    }

    /** Number of bytes in the chunk, without copying it. */
    public int length() {
        return data.length;
    }

    /** True when {@code other} holds exactly the same bytes: how a retried append is recognised. */
    public boolean sameBytes(byte[] other) {
        return Arrays.equals(data, other);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogChunk c
                && seq == c.seq
                && stream == c.stream
                && timestampMillis == c.timestampMillis
                && Arrays.equals(data, c.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(seq, stream, timestampMillis) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "LogChunk[seq=" + seq + ", stream=" + stream.wireName() + ", timestampMillis=" + timestampMillis
                + ", length=" + data.length + "]";
    }
}

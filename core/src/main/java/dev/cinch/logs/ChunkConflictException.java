package dev.cinch.logs;

/**
 * A chunk arrived for a seq the store already holds, with different bytes (or stream). Retrying the same chunk is
 * not a conflict: identical repeats are no-ops.
 */
public class ChunkConflictException extends LogStoreException {
    private final long seq;

    public ChunkConflictException(JobId job, long seq, String detail) {
        super(job, "seq " + seq + " is already stored with different content (" + detail + ")");
        this.seq = seq;
    }

    public long seq() {
        return seq;
    }
}

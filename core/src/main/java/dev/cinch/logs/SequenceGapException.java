package dev.cinch.logs;

/** A chunk skipped ahead of the next expected seq; the writer should resend from {@link #expectedSeq()}. */
public class SequenceGapException extends LogStoreException {
    private final long expectedSeq;
    private final long actualSeq;

    public SequenceGapException(JobId job, long expectedSeq, long actualSeq) {
        super(job, "expected seq " + expectedSeq + " but got seq " + actualSeq + "; resend from seq " + expectedSeq);
        this.expectedSeq = expectedSeq;
        this.actualSeq = actualSeq;
    }

    public long expectedSeq() {
        return expectedSeq;
    }

    public long actualSeq() {
        return actualSeq;
    }
}

package dev.cinch.logs;

/** An append was made to a log that is already sealed. */
public class LogSealedException extends LogStoreException {
    private final long seq;

    public LogSealedException(JobId job, long seq) {
        super(job, "log is sealed; cannot append seq " + seq);
        this.seq = seq;
    }

    /** The log is sealed, so {@code operation} (e.g. "take the writer role") cannot happen; {@link #seq()} is -1. */
    public LogSealedException(JobId job, String operation) {
        super(job, "log is sealed; cannot " + operation);
        this.seq = -1;
    }

    public long seq() {
        return seq;
    }
}

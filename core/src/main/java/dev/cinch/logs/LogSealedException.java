package dev.cinch.logs;

/** An append was made to a log that is already sealed. */
public class LogSealedException extends LogStoreException {
    private final long seq;

    public LogSealedException(JobId job, long seq) {
        super(job, "log is sealed; cannot append seq " + seq);
        this.seq = seq;
    }

    public long seq() {
        return seq;
    }
}

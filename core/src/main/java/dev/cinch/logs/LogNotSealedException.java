package dev.cinch.logs;

/** The operation needs a sealed log (archive export, tier moves) and the log is still open. */
public class LogNotSealedException extends LogStoreException {
    public LogNotSealedException(JobId job, String operation) {
        super(job, operation + " needs a sealed log; the log is still open");
    }
}

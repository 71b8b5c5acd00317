package dev.cinch.logs;

/** Another process (or another store instance) is writing this log; one writer per log at a time. */
public class LogLockedException extends LogStoreException {
    public LogLockedException(JobId job, String holder) {
        super(job, "log is being written by " + holder);
    }
}

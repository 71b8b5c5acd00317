package dev.cinch.logs;

/** The store holds no log for the job. */
public class LogNotFoundException extends LogStoreException {
    public LogNotFoundException(JobId job) {
        super(job, "no log stored");
    }
}

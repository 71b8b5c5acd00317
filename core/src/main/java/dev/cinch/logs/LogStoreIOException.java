package dev.cinch.logs;

import java.io.IOException;

/** The underlying storage failed (disk, network, database); the operation may be retried. */
public class LogStoreIOException extends LogStoreException {
    public LogStoreIOException(JobId job, String operation, IOException cause) {
        super(job, operation + " failed: " + cause, cause);
    }

    public LogStoreIOException(JobId job, String operation, Exception cause) {
        super(job, operation + " failed: " + cause, cause);
    }
}

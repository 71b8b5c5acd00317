package dev.cinch.logs.storage;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogStoreException;

/**
 * The open form a snapshot reads went away under it (the log was sealed or deleted meanwhile, by this or another
 * instance). Core looks the log up again; users never see this exception.
 */
public class StaleSnapshotException extends LogStoreException {
    public StaleSnapshotException(JobId job, String detail) {
        super(job, "the open log changed form during the read: " + detail);
    }
}

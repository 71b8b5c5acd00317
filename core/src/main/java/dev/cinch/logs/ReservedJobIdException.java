package dev.cinch.logs;

/**
 * A client tried to write a job id that starts with {@link JobId#RESERVED_PREFIX}: such ids hold a store's own records
 * kept beside a job's log (a size limit's tail buffer, its summary), so only the store itself writes them.
 */
public class ReservedJobIdException extends LogStoreException {
    public ReservedJobIdException(JobId job, String operation) {
        super(job, "job ids starting with " + JobId.RESERVED_PREFIX + " are reserved for the store's own records; cannot "
                + operation);
    }
}

package dev.cinch.logs;

/**
 * Stored bytes failed a check (CRC32C, frame structure, index consistency). The store never returns such bytes as
 * data; it reports where they are instead.
 */
public class CorruptLogException extends LogStoreException {
    public CorruptLogException(JobId job, String where) {
        super(job, "corrupt log data at " + where);
    }

    public CorruptLogException(JobId job, String where, Throwable cause) {
        super(job, "corrupt log data at " + where, cause);
    }
}

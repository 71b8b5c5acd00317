package dev.cinch.logs;

/** A chunk that can never be stored as given (too large, negative timestamp). */
public class InvalidChunkException extends LogStoreException {
    public InvalidChunkException(JobId job, long seq, String problem) {
        super(job, "seq " + seq + ": " + problem);
    }
}

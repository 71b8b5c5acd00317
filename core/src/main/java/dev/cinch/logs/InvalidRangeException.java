package dev.cinch.logs;

/** A read asked for an offset, length, seq or line count outside what the log or the API allows. */
public class InvalidRangeException extends LogStoreException {
    public InvalidRangeException(JobId job, String message) {
        super(job, message);
    }
}

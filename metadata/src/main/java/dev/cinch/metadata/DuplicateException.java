package dev.cinch.metadata;

/** A row with the same unique key already exists (e.g. a repo with the same forge, owner and name). */
public class DuplicateException extends MetadataException {
    public DuplicateException(String message, Throwable cause) {
        super(message, cause);
    }
}

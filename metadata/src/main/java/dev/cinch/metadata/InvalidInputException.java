package dev.cinch.metadata;

/**
 * A value was rejected before anything was written: an unknown status, labels that are not a JSON array of
 * strings, a NUL byte in a text field, a value out of range. The message names the field.
 */
public class InvalidInputException extends MetadataException {
    private final String field;

    public InvalidInputException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}

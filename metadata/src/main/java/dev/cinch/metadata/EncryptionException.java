package dev.cinch.metadata;

/**
 * A secret column could not be encrypted or decrypted: no key configured, a key in the wrong format, a value
 * written under a key that is not configured, or a value that fails authentication (wrong key or tampering).
 * The message names the column and row, never the value or the key.
 */
public class EncryptionException extends MetadataException {
    public EncryptionException(String message) {
        super(message);
    }

    public EncryptionException(String message, Throwable cause) {
        super(message, cause);
    }
}

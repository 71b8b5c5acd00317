package dev.cinch.logs.storage;

/**
 * Names one stored archive of a sealed log, cheaply: what a backend answers without opening the archive. Two refs
 * are equal exactly when they name the same immutable bytes (a file's identity and size, an object's ETag, a
 * database row id), so core may keep a reader open for a ref and reuse it as long as the backend still answers an
 * equal ref.
 *
 * @param identity backend-defined value with a meaningful {@code equals}
 * @param size the archive's length in bytes
 */
public record ArchiveRef(Object identity, long size) {
}

package dev.cinch.metadata;

/**
 * What {@link MetadataStore#rotateKeys()} did.
 *
 * @param keyId the current key every secret is now encrypted with
 * @param valuesReencrypted secret values rewritten under the current key
 * @param valuesAlreadyCurrent secret values that were already under it
 */
public record KeyRotationReport(String keyId, int valuesReencrypted, int valuesAlreadyCurrent) {
}

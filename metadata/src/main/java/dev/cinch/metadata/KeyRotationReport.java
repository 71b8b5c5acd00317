package dev.cinch.metadata;

/**
 * What {@link MetadataStore#rotateKeys()} did.
 *
 * @param keyId the current key every secret is now encrypted with
 * @param valuesReencrypted secret values rewritten under the current key: written with an older key, or in the
 *     older format v1 (not bound to the row's scoping columns)
 * @param valuesAlreadyCurrent secret values that were already in format v2 under the current key
 * @param plaintextValuesEncrypted {@code jobs.env_json} values stored in plaintext (written while no key was set),
 *     now encrypted
 */
public record KeyRotationReport(String keyId, int valuesReencrypted, int valuesAlreadyCurrent, int plaintextValuesEncrypted) {
}

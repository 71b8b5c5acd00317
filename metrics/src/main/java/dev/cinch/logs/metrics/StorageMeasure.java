package dev.cinch.logs.metrics;

/**
 * What {@link MeteredLogStore#measureStorage} counted in one store or tier.
 *
 * @param store the provider's name
 * @param tier the tier's name (the store's name for a plain store)
 * @param logs logs counted
 * @param rawBytes the length of their byte views
 * @param storedBytes what they occupy in the store
 * @param capped true when the store holds more logs than the cap allowed to count: the figures are a lower bound
 */
public record StorageMeasure(String store, String tier, long logs, long rawBytes, long storedBytes, boolean capped) {
}

package dev.cinch.metadata;

/**
 * The answer of {@link MetadataStore#ensureJob}: the job, and whether this call created it.
 */
public record EnsuredJob(Job job, boolean created) {
}

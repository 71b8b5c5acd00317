package dev.cinch.metadata;

/** A job a worker claimed ({@link MetadataStore#claimNextJob}), with the lease it holds on it. */
public record ClaimedJob(Job job, Lease lease) {
}

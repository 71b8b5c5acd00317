package dev.cinch.metadata;

import dev.cinch.logs.JobId;

import java.time.Instant;

/**
 * What {@link MetadataStore#addJobSecret} stored: never the value, only where it went and how long it is.
 *
 * @param job the job whose log the value is masked in
 * @param id the {@code job_secrets} row
 * @param bytes the value's length
 * @param createdAt when it was added
 */
public record AddedJobSecret(JobId job, String id, int bytes, Instant createdAt) {
}

package dev.cinch.logs.policy;

import dev.cinch.logs.JobId;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the masking store learns a job's secrets: values registered for the job (its secret environment values, the
 * repository's forge token, values added through the API). Called when a job's first chunk arrives and again every
 * refresh interval while it is written, so a source may read a database. Implementations never log the values.
 */
@FunctionalInterface
public interface JobSecrets {
    /** The job's secret values as bytes (a value registered as text is its UTF-8 encoding); empty when none. */
    List<byte[]> secretsOf(JobId job);

    /** No secrets for any job. */
    JobSecrets NONE = job -> List.of();

    /** The secrets of this source and of {@code other}. */
    default JobSecrets and(JobSecrets other) {
        return job -> {
            List<byte[]> all = new ArrayList<>(secretsOf(job));
            all.addAll(other.secretsOf(job));
            return all;
        };
    }
}

package dev.cinch.cli;

import dev.cinch.logs.JobId;
import dev.cinch.logs.policy.JobSecrets;
import dev.cinch.metadata.MetadataStore;

import java.util.List;

/**
 * A job's secrets as the metadata database holds them ({@link MetadataStore#jobSecretsToMask}): values added with
 * {@code secret add} or the API, and the forge token of the job's repository. The masking store asks when a job's
 * first chunk arrives and again every refresh interval, so a value added while a job writes reaches its later output.
 *
 * <p>If the database cannot be read (or a value cannot be decrypted), the append that asked fails: storing the
 * chunk unmasked could keep a secret, and a failed append is retried by its writer.
 *
 * <p>Lives here, not in {@code policy} or {@code metadata}, so that neither of those depends on the other.
 */
record MetadataJobSecrets(MetadataStore metadata) implements JobSecrets {
    @Override
    public List<byte[]> secretsOf(JobId job) {
        return metadata.jobSecretsToMask(job);
    }

    @Override
    public String toString() {
        return "MetadataJobSecrets"; // never the values
    }
}

package dev.cinch.logs.policy;

import dev.cinch.logs.JobId;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Secrets registered in this process, per job: what an embedding server (or {@code cinchlog run --secret-env}) adds
 * before the job's output starts. Held only in memory; {@link #forget} drops a job's values once it is done.
 */
public final class RegisteredSecrets implements JobSecrets {
    private final Map<JobId, List<byte[]>> byJob = new ConcurrentHashMap<>();

    /** Registers a value for the job; its copy is kept, so the caller may wipe its array. */
    public void register(JobId job, byte[] value) {
        byJob.computeIfAbsent(job, j -> new CopyOnWriteArrayList<>()).add(value.clone());
    }

    public void forget(JobId job) {
        byJob.remove(job);
    }

    @Override
    public List<byte[]> secretsOf(JobId job) {
        List<byte[]> values = byJob.get(job);
        if (values == null) {
            return List.of();
        }
        List<byte[]> out = new ArrayList<>(values.size());
        for (byte[] v : values) {
            out.add(v.clone());
        }
        return out;
    }

    @Override
    public String toString() {
        return "RegisteredSecrets[" + byJob.size() + " jobs]"; // never the values
    }
}

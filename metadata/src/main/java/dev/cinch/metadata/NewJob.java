package dev.cinch.metadata;

import dev.cinch.logs.JobId;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a caller gives to create a job. The store sets status {@code pending} and {@code created_at}.
 *
 * @param id the job's id, or null to have one generated ({@code j_} + time-ordered hex + random)
 * @param timeoutSec null for the seed's default, 1800
 * @param labels labels a worker must carry to claim the job; empty: any worker
 * @param maxAttempts claims allowed (a claim whose lease expires counts); null for the default, 3
 * @param secretEnv names of {@code env} variables whose values are secrets: masked in the job's log like values added
 *     with {@link MetadataStore#addJobSecret} (they need an encryption key, as they are never stored in plaintext)
 */
public record NewJob(JobId id, String repoId, String commitSha, String branch, boolean isPr, Integer prNumber,
                     String command, Integer timeoutSec, Map<String, String> env, String triggeredBy,
                     String triggerUser, List<String> labels, Integer maxAttempts, Set<String> secretEnv) {
    public static final int DEFAULT_TIMEOUT_SEC = 1800;
    public static final int DEFAULT_MAX_ATTEMPTS = 3;

    public NewJob {
        env = env == null ? Map.of() : env;
        labels = labels == null ? List.of() : labels;
        secretEnv = secretEnv == null ? Set.of() : Set.copyOf(secretEnv);
    }

    /** Without secret env variables. */
    public NewJob(JobId id, String repoId, String commitSha, String branch, boolean isPr, Integer prNumber,
                  String command, Integer timeoutSec, Map<String, String> env, String triggeredBy, String triggerUser,
                  List<String> labels, Integer maxAttempts) {
        this(id, repoId, commitSha, branch, isPr, prNumber, command, timeoutSec, env, triggeredBy, triggerUser, labels,
                maxAttempts, Set.of());
    }

    /** Without labels, with the default number of attempts. */
    public NewJob(JobId id, String repoId, String commitSha, String branch, boolean isPr, Integer prNumber,
                  String command, Integer timeoutSec, Map<String, String> env, String triggeredBy, String triggerUser) {
        this(id, repoId, commitSha, branch, isPr, prNumber, command, timeoutSec, env, triggeredBy, triggerUser, null, null);
    }

    /** A job on a branch, triggered manually, with defaults for everything else. */
    public static NewJob of(String repoId, String commitSha, String branch, String command) {
        return new NewJob(null, repoId, commitSha, branch, false, null, command, null, Map.of(), "manual", null);
    }

    public NewJob withId(JobId newId) {
        return new NewJob(Objects.requireNonNull(newId), repoId, commitSha, branch, isPr, prNumber, command, timeoutSec,
                env, triggeredBy, triggerUser, labels, maxAttempts, secretEnv);
    }

    public NewJob withPullRequest(int number) {
        return new NewJob(id, repoId, commitSha, branch, true, number, command, timeoutSec, env, triggeredBy, triggerUser,
                labels, maxAttempts, secretEnv);
    }

    public NewJob withEnv(Map<String, String> newEnv) {
        return new NewJob(id, repoId, commitSha, branch, isPr, prNumber, command, timeoutSec, newEnv, triggeredBy,
                triggerUser, labels, maxAttempts, secretEnv);
    }

    public NewJob withTimeoutSec(int seconds) {
        return new NewJob(id, repoId, commitSha, branch, isPr, prNumber, command, seconds, env, triggeredBy, triggerUser,
                labels, maxAttempts, secretEnv);
    }

    public NewJob withTrigger(String by, String user) {
        return new NewJob(id, repoId, commitSha, branch, isPr, prNumber, command, timeoutSec, env, by, user, labels,
                maxAttempts, secretEnv);
    }

    public NewJob withLabels(List<String> required) {
        return new NewJob(id, repoId, commitSha, branch, isPr, prNumber, command, timeoutSec, env, triggeredBy,
                triggerUser, required, maxAttempts, secretEnv);
    }

    public NewJob withMaxAttempts(int attempts) {
        return new NewJob(id, repoId, commitSha, branch, isPr, prNumber, command, timeoutSec, env, triggeredBy,
                triggerUser, labels, attempts, secretEnv);
    }

    /** Marks these {@code env} variables as secrets (see {@link #secretEnv()}). */
    public NewJob withSecretEnv(Set<String> names) {
        return new NewJob(id, repoId, commitSha, branch, isPr, prNumber, command, timeoutSec, env, triggeredBy,
                triggerUser, labels, maxAttempts, names);
    }

    @Override
    public String toString() {
        return "NewJob[id=" + id + ", repoId=" + repoId + ", commitSha=" + commitSha + ", branch=" + branch
                + ", isPr=" + isPr + ", prNumber=" + prNumber + ", env=" + new TreeSet<>(env.keySet())
                + ", labels=" + labels + ", secretEnv=" + new TreeSet<>(secretEnv) + "]";
    }
}

package dev.cinch.metadata;

import dev.cinch.logs.JobId;

import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What a caller gives to create a job. The store sets status {@code pending} and {@code created_at}.
 *
 * @param id the job's id, or null to have one generated ({@code j_} + time-ordered hex + random)
 * @param timeoutSec null for the seed's default, 1800
 */
public record NewJob(JobId id, String repoId, String commitSha, String branch, boolean isPr, Integer prNumber,
                     String command, Integer timeoutSec, Map<String, String> env, String triggeredBy,
                     String triggerUser) {
    public static final int DEFAULT_TIMEOUT_SEC = 1800;

    public NewJob {
        env = env == null ? Map.of() : env;
    }

    /** A job on a branch, triggered manually, with defaults for everything else. */
    public static NewJob of(String repoId, String commitSha, String branch, String command) {
        return new NewJob(null, repoId, commitSha, branch, false, null, command, null, Map.of(), "manual", null);
    }

    public NewJob withId(JobId newId) {
        return new NewJob(Objects.requireNonNull(newId), repoId, commitSha, branch, isPr, prNumber, command, timeoutSec,
                env, triggeredBy, triggerUser);
    }

    public NewJob withPullRequest(int number) {
        return new NewJob(id, repoId, commitSha, branch, true, number, command, timeoutSec, env, triggeredBy, triggerUser);
    }

    public NewJob withEnv(Map<String, String> newEnv) {
        return new NewJob(id, repoId, commitSha, branch, isPr, prNumber, command, timeoutSec, newEnv, triggeredBy,
                triggerUser);
    }

    public NewJob withTimeoutSec(int seconds) {
        return new NewJob(id, repoId, commitSha, branch, isPr, prNumber, command, seconds, env, triggeredBy, triggerUser);
    }

    public NewJob withTrigger(String by, String user) {
        return new NewJob(id, repoId, commitSha, branch, isPr, prNumber, command, timeoutSec, env, by, user);
    }

    @Override
    public String toString() {
        return "NewJob[id=" + id + ", repoId=" + repoId + ", commitSha=" + commitSha + ", branch=" + branch
                + ", isPr=" + isPr + ", prNumber=" + prNumber + ", env=" + new TreeSet<>(env.keySet()) + "]";
    }
}

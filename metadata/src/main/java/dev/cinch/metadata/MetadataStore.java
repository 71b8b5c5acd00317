package dev.cinch.metadata;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogStore;

import java.util.List;
import java.util.Optional;

/**
 * Cinch's metadata: the seed's {@code DB} interface, on SQLite or Postgres.
 *
 * <h2>Errors</h2>
 * Every method throws {@link MetadataException} subtypes only: {@link NotFoundException} for a missing row,
 * {@link InvalidInputException} for rejected input (checked before anything is written),
 * {@link InvalidTransitionException}, {@link DuplicateException}, {@link EncryptionException} (tampering:
 * {@link SecretAuthenticationException}), {@link LeaseLostException}, {@link DatabaseBusyException}. Every value reaches
 * SQL as a bound parameter. Every multi-statement write runs in one transaction: all or nothing.
 *
 * <h2>Logs</h2>
 * Build logs belong to the {@link LogStore} SPI, which replaces the seed's {@code AppendLog}, {@code GetLogs} and
 * {@code CreateJobWithLogs}: the db log store owns the chunk rows (see {@code docs/adr/0004-db-store.md}); create the
 * job here, then append its chunks through the store (appends are idempotent per seq, so a retry after a crash in
 * between is safe).
 *
 * <h2>Thread safety</h2>
 * Safe for concurrent use; each call takes a pooled connection.
 */
public interface MetadataStore extends AutoCloseable {
    /** The longest value {@link #addJobSecret} takes: more than any token or private key; a larger one is a mistake. */
    int MAX_JOB_SECRET_BYTES = 16 * 1024;

    // ---- jobs

    /** Creates a pending job. @throws DuplicateException if the id exists; InvalidInputException if the repo does not */
    Job createJob(NewJob job);


    Optional<Job> findJob(JobId id);

    /** @throws NotFoundException if there is no such job */
    Job getJob(JobId id);

    /**
     * Changes a job's status if the life cycle allows it ({@link JobStatus#canMoveTo}), atomically: two callers
     * racing to finish the same job cannot both succeed.
     *
     * @throws InvalidTransitionException naming the job and both statuses; nothing is written
     * @throws NotFoundException if there is no such job
     */
    Job updateJobStatus(JobId id, JobStatusUpdate update);

    /**
     * Lists jobs matching {@code filter}, newest first ({@code created_at DESC, id DESC}), one page at a time.
     * Pagination is by key, not offset: a page costs the same however deep it is, and rows inserted meanwhile do
     * not shift later pages.
     *
     * @param cursor null for the first page, else {@link Page#nextCursor()} of the previous one
     * @param limit 1..1000
     */
    Page<Job> listJobs(JobFilter filter, String cursor, int limit);

    /**
     * Registers a job created outside the server (by the CLI's {@code run}/{@code append}) when it does not exist,
     * under a placeholder repository {@code local/local/cli}. Safe to race: one caller creates, the others get it.
     */
    EnsuredJob ensureJob(JobId id, String command);

    // ---- job secrets

    /**
     * Registers a value to be masked in the job's log (the API's and {@code cinchlog secret add}'s way in). It is
     * stored encrypted, bound to its row and job, and deleted with the job. Values shorter than the masking minimum
     * are stored too (masking skips them; the caller may warn). The value never appears in the answer, in
     * exceptions or in logs.
     *
     * @param value 1 to {@link #MAX_JOB_SECRET_BYTES} bytes, any bytes; the caller may wipe the array afterwards
     * @throws NotFoundException if there is no such job
     * @throws InvalidInputException if the value is empty or too long (the message gives its length only)
     * @throws EncryptionException if no encryption key is configured: these values are never stored in plaintext
     */
    AddedJobSecret addJobSecret(JobId job, byte[] value);

    /**
     * Every value to mask in the job's log, decrypted, for masking only: the values added with
     * {@link #addJobSecret} (by the second they were added in), then the values of its env variables marked secret
     * ({@link NewJob#secretEnv()}), then the forge token of the job's repository when it has one. Empty for an
     * unknown job. Cheap enough to call every few seconds while a job writes (one indexed read).
     */
    List<byte[]> jobSecretsToMask(JobId job);

    // ---- workers

    /**
     * Registers a worker together with its worker token, in one transaction. The raw token is returned once.
     */
    CreatedWorker createWorker(NewWorker worker);

    Optional<Worker> findWorker(String id);

    Worker getWorker(String id);

    Worker updateWorkerStatus(String id, WorkerStatus status);

    /** Every worker, by name. */
    List<Worker> listWorkers();

    /** Workers carrying {@code label}, by name. */
    List<Worker> listWorkersWithLabel(String label);

    // ---- job queue

    /**
     * Claims the oldest pending job whose required labels are all among {@code labels} (a job without labels suits
     * every worker): it moves to running under this worker with {@code attempts + 1} and a lease of
     * {@link QueuePolicy#lease()}. Safe with many workers and several server instances on one database: each job is
     * claimed by one worker at a time. Marks the worker busy and seen.
     *
     * @return empty when nothing suits the worker
     * @throws NotFoundException if there is no such worker
     */
    Optional<ClaimedJob> claimNextJob(String workerId, List<String> labels);

    /**
     * Extends a lease by {@link QueuePolicy#lease()} from now and marks the worker seen.
     *
     * @throws LeaseLostException when the job is no longer running under this worker and attempt
     */
    Lease heartbeat(Lease lease);

    /**
     * Finishes a claimed job with a terminal status, exit code and message.
     *
     * @throws LeaseLostException when the job is no longer running under this worker and attempt (it was requeued,
     *     timed out or cancelled): nothing is written
     */
    Job completeJob(Lease lease, JobStatusUpdate update);

    /** A worker's sign of life without a job: {@code last_seen} now, status online (busy while it holds a job). */
    Worker workerHeartbeat(String workerId);

    /**
     * Enforces leases and timeouts: fails running jobs past {@code timeout_sec}; puts running jobs whose lease expired
     * back to pending, or fails them when they used their last attempt; marks workers offline that were not seen for
     * {@link QueuePolicy#workerOfflineAfter()}. Every server instance may call it periodically (e.g. every few
     * seconds); on Postgres concurrent sweeps skip rather than queue.
     */
    SweepReport sweep();

    // ---- repos

    /** @throws DuplicateException if the forge, owner and name are taken */
    Repo createRepo(NewRepo repo);

    Optional<Repo> findRepo(String id);

    Repo getRepo(String id);

    Optional<Repo> getRepoByName(String forgeType, String owner, String name);

    /** Replaces a repo's secrets (null clears one). */
    Repo updateRepoSecrets(String id, Secret webhookSecret, Secret forgeToken);

    // ---- forge credentials

    ForgeCredential createForgeCredential(NewForgeCredential credential);

    Optional<ForgeCredential> findForgeCredential(String id);

    /** Credentials for a forge; {@code owner} null lists every owner's and the global ones. */
    List<ForgeCredential> listForgeCredentials(String forgeType, String owner);

    ForgeCredential updateForgeCredential(String id, NewForgeCredential credential);

    /** @return true if a row was deleted */
    boolean deleteForgeCredential(String id);

    // ---- tokens

    /** Creates a token; the raw form {@code cinch_<id>_<secret>} is in the answer only. */
    CreatedToken createToken(NewToken token);

    /**
     * Checks a raw token; any input gives a typed result and nothing throws on bad input. Input not of the raw form is
     * {@code MALFORMED} without a database read or bcrypt; an unknown id is {@code UNKNOWN} without bcrypt; otherwise
     * one bcrypt verification, unless this token and secret were verified within {@code tokens.cache-ttl}. A valid
     * use is recorded in {@code last_used} at most once a minute per token, in batches.
     */
    TokenValidation validateToken(String raw);

    /**
     * Marks a token revoked; this process stops accepting it at once, other processes within their token cache time.
     * A worker's token is its only credential: revoking it locks the worker out.
     *
     * @return false if it was already revoked
     * @throws NotFoundException if unknown
     */
    boolean revokeToken(String id);

    /** Every token, newest first, without hashes. */
    List<Token> listTokens();

    // ---- maintenance

    /**
     * Deletes finished jobs whose {@code finished_at} is older than the policy's cutoff, in batches. For each job the
     * logs go first, through {@code logs}, then the row: a crash in between
     * leaves a row without logs, which the next run deletes — never logs without a row. A job whose log deletion
     * fails keeps its row and is reported. In a dry run nothing is deleted and the report lists what would go.
     */
    CleanupReport cleanup(RetentionPolicy policy, JobLogDeleter logs, boolean dryRun);

    /** {@link #cleanup(RetentionPolicy, JobLogDeleter, boolean)} through a {@link LogStore}. */
    default CleanupReport cleanup(RetentionPolicy policy, LogStore logs, boolean dryRun) {
        return cleanup(policy, JobLogDeleter.of(logs), dryRun);
    }

    /**
     * Rewrites every secret not yet in format v2 under the current key (older key, or format v1 from before secrets
     * were bound to their rows), job secrets included, and encrypts {@code jobs.env_json} values stored in plaintext,
     * in batches of transactions. Requires every key that wrote a stored value to be configured (current or old).
     */
    KeyRotationReport rotateKeys();

    @Override
    void close();
}

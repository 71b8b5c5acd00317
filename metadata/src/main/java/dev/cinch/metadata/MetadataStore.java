package dev.cinch.metadata;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogStore;

import java.util.List;
import java.util.Optional;

/**
 * Cinch's metadata: the seed's {@code DB} interface, on SQLite or Postgres.
 *
 * <h2>Errors</h2>
 * Every method throws {@link MetadataException} subtypes only: {@link NotFoundException} for a missing row,
 * {@link InvalidInputException} for rejected input (checked before anything is written),
 * {@link InvalidTransitionException}, {@link DuplicateException}, {@link EncryptionException}. Every value reaches
 * SQL as a bound parameter. Every multi-statement write runs in one transaction: all or nothing.
 *
 * <h2>Logs</h2>
 * Build logs belong to the {@link LogStore} SPI (the seed's {@code AppendLog}/{@code GetLogs}); this store only
 * writes {@code job_logs} rows in the seed's {@link #createJobWithLogs} case and reads them back with
 * {@link #getLogs}.
 *
 * <h2>Thread safety</h2>
 * Safe for concurrent use; each call takes a pooled connection.
 */
public interface MetadataStore extends AutoCloseable {

    // ---- jobs

    /** Creates a pending job. @throws DuplicateException if the id exists; InvalidInputException if the repo does not */
    Job createJob(NewJob job);

    /** Creates a job and its first log chunks in one transaction (the seed's {@code CreateJobWithLogs}). */
    Job createJobWithLogs(NewJob job, List<LogChunk> chunks);

    /** The job's {@code job_logs} rows from {@code sinceSeq} on, in seq order (at most 10000). */
    List<StoredLogChunk> getLogs(JobId job, long sinceSeq);

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
     * Checks a raw token: one bcrypt verification, against the row named by the token's id, or against a dummy hash
     * when there is no such row (so an unknown id costs what a wrong secret costs). On success updates
     * {@code last_used}.
     */
    TokenValidation validateToken(String raw);

    /** Marks a token revoked. @return false if it was already revoked; @throws NotFoundException if unknown */
    boolean revokeToken(String id);

    /** Every token, newest first, without hashes. */
    List<Token> listTokens();

    // ---- maintenance

    /**
     * Deletes finished jobs whose {@code finished_at} is older than the policy's cutoff, in batches. For each job the
     * logs go first, through {@code logs}, then the row (and its {@code job_logs} by cascade): a crash in between
     * leaves a row without logs, which the next run deletes — never logs without a row. A job whose log deletion
     * fails keeps its row and is reported. In a dry run nothing is deleted and the report lists what would go.
     */
    CleanupReport cleanup(RetentionPolicy policy, JobLogDeleter logs, boolean dryRun);

    /** {@link #cleanup(RetentionPolicy, JobLogDeleter, boolean)} through a {@link LogStore}. */
    default CleanupReport cleanup(RetentionPolicy policy, LogStore logs, boolean dryRun) {
        return cleanup(policy, JobLogDeleter.of(logs), dryRun);
    }

    /**
     * Re-encrypts every secret column value that is not under the current key, in batches of transactions.
     * Requires every key that wrote a stored value to be configured (current or old).
     */
    KeyRotationReport rotateKeys();

    @Override
    void close();
}

package dev.cinch.logs.storage;

import dev.cinch.logs.JobId;
import dev.cinch.logs.JobPage;
import dev.cinch.logs.archive.ByteSource;
import dev.cinch.logs.follow.ChangeFeed;

import java.io.IOException;
import java.util.Optional;

/**
 * What a backend implements: how chunks, archives and indexes are put, fetched, listed and deleted in one medium
 * (files, database rows, objects). Nothing else. The seq protocol, argument checks, range/tail/page mapping, page
 * limits, compression and checksums, the seal and the archive hand-off, follow and close semantics are written once,
 * in {@link dev.cinch.logs.store.StorageBackedLogStore}, which is the {@link dev.cinch.logs.LogStore} users see
 * (Kafka's split: a {@code RemoteStorageManager} copies, fetches and deletes; the broker owns the rest).
 *
 * <p>Every job id reaching a backend has been validated by {@link JobId}. Methods throw
 * {@link dev.cinch.logs.LogStoreException} subtypes (or {@link IOException} where declared), each naming the job.
 * Implementations are safe for concurrent use; core serialises the calls that change one log.
 */
public interface LogStorage extends AutoCloseable {

    /** The form the job's log has now. Cheap (a file existence check, an indexed lookup). */
    LogForm form(JobId job);

    /**
     * Takes the writer role of the job's open log, recovering it first if its last writer stopped uncleanly (recovery
     * keeps every chunk whose checks pass and cuts torn tails; it is the only code that may drop stored bytes).
     *
     * @param create create an empty open log when the job has none
     * @return empty when the job has no open log and {@code create} is false
     * @throws dev.cinch.logs.LogLockedException when another process or store instance holds the role
     * @throws dev.cinch.logs.LogSealedException when the log is sealed (checked again once the role is taken)
     */
    Optional<OpenLogAppender> openAppender(JobId job, boolean create) throws IOException;

    /** A read-only view of the job's open log, or empty when it has none. Changes nothing that is stored. */
    Optional<OpenLogSnapshot> openSnapshot(JobId job) throws IOException;

    /** The job's sealed archive, or empty when the log is not sealed. */
    Optional<ArchiveRef> archive(JobId job) throws IOException;

    /**
     * Opens {@code ref} for positional reads; empty when that archive is gone (deleted or replaced meanwhile). The
     * caller closes the source.
     */
    Optional<ByteSource> openArchive(JobId job, ArchiveRef ref) throws IOException;

    /** Starts storing a new archive for the job (seal, import). */
    ArchiveUpload newArchive(JobId job) throws IOException;

    /** Removes everything stored for the job, in any form. A job with nothing stored is a no-op. */
    void delete(JobId job) throws IOException;

    /**
     * Up to {@code limit} ids of jobs with something stored, that start with {@code prefix} and sort after
     * {@code startAfter} (null: from the start), ascending; {@code nextStartAfter} is set when more follow. Arguments
     * are already checked by core.
     */
    JobPage list(String prefix, JobId startAfter, int limit) throws IOException;

    /**
     * Removes the open form of a sealed log, left behind when a seal stopped between its commit and that cleanup.
     * A no-op for any other log.
     */
    void finishSeal(JobId job) throws IOException;

    /** Wake-ups for followers when a log changes here, including changes made by other processes or instances. */
    ChangeFeed changes();

    /** How many appenders core may keep open at once before closing idle ones (file descriptors, connections). */
    int maxOpenAppenders();

    /** Releases what the backend holds. Appenders are closed by core first. Idempotent. */
    @Override
    void close();
}

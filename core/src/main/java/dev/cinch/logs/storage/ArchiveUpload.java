package dev.cinch.logs.storage;

import dev.cinch.logs.archive.ByteSource;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A new archive being stored for a job, by a seal or an import. Nothing of it is visible until {@link #commit};
 * closing it without a commit removes what was staged. The staged bytes belong to this upload alone: no other
 * process or store instance removes them while it is under way (only stale leftovers of a dead one).
 */
public interface ArchiveUpload extends AutoCloseable {

    /** Where the archive's bytes go, in order. Core writes the whole archive, then closes nothing: see {@link #commit}. */
    OutputStream out();

    /** After the archive is written: positional reads of the staged bytes, for verification before the commit. */
    ByteSource staged() throws IOException;

    /**
     * Makes the staged archive the job's log, atomically and durably, then removes the job's open form if it has
     * one. Fails if another archive has become the job's log meanwhile.
     */
    void commit() throws IOException;

    /** Releases the upload; removes the staged bytes unless committed. Idempotent. */
    @Override
    void close();
}

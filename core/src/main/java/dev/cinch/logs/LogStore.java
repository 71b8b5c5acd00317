package dev.cinch.logs;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * Stores build logs: for each job, an ordered sequence of {@link LogChunk}s whose concatenated data is the log's
 * <em>byte view</em>.
 *
 * <h2>Writing</h2>
 * A log is <em>open</em> from its first append until {@link #seal}; then it is immutable. Appends follow the seq
 * protocol: the first chunk has seq 0 and each next chunk has the previous seq + 1. Because workers retry over
 * unreliable networks, a chunk whose seq is already stored with identical stream and bytes is accepted as a no-op;
 * the same seq with other bytes is a {@link ChunkConflictException}; a seq beyond the next expected one is a
 * {@link SequenceGapException} naming the seq to resend from. One writer per log at a time; different logs may be
 * appended concurrently from any number of threads.
 *
 * <h2>Reading</h2>
 * Reads may run concurrently with the writer. A read of an open log sees a consistent prefix: every chunk it
 * returns was acknowledged, and no chunk after a missing one is returned. Reads never return bytes that failed a
 * check; they throw {@link CorruptLogException} instead. The cost of a range read, a tail read or a page of chunks
 * depends on the size of the answer, not on the size of the log (backends keep indexes; they do not scan).
 *
 * <h2>Errors</h2>
 * Every method throws {@link LogStoreException} subtypes only, each naming the job and the seq, offset or key.
 * Calls after {@link #close()} throw {@link LogStoreClosedException}.
 *
 * <h2>Thread safety</h2>
 * Implementations are safe for concurrent use by many threads.
 */
public interface LogStore extends AutoCloseable {

    /** Most bytes one chunk may carry. Larger output must be split by the writer. */
    int MAX_CHUNK_BYTES = 8 << 20;

    /** Most bytes one {@link #readRange} or {@link #readTailLines} answer may hold. */
    int MAX_READ_BYTES = 64 << 20;

    /** Most chunks one {@link #readChunks} page may hold. */
    int MAX_PAGE_CHUNKS = 10_000;

    /** The store's name as providers know it: {@code fs}, {@code db}, {@code s3}, {@code tiered}. */
    String name();

    /**
     * Appends one chunk.
     *
     * <p>When this returns, the chunk is durable as far as the store's durability setting promises (see the
     * backend's documentation; e.g. the fs store's default group commit returns only after an fsync covering the
     * chunk) and visible to every reader and follower.
     *
     * @throws SequenceGapException if {@code chunk.seq()} is beyond the next expected seq
     * @throws ChunkConflictException if {@code chunk.seq()} is stored with different stream or bytes
     * @throws LogSealedException if the log is sealed (even for an identical repeat of a stored chunk)
     * @throws InvalidChunkException if the chunk exceeds {@link #MAX_CHUNK_BYTES}
     */
    void append(JobId job, LogChunk chunk);

    /**
     * Marks the log complete and compacts it to the archive form. Idempotent: sealing a sealed log does nothing.
     * Sealing a job with no chunks stores an empty sealed log (a job that printed nothing has a complete log).
     * When this returns, the sealed log is durable.
     */
    void seal(JobId job);

    /**
     * Reads up to {@code maxChunks} chunks starting at {@code fromSeq} (the seed's {@code GetLogs(jobID, since)}).
     * Returns an empty list when {@code fromSeq} equals the chunk count.
     *
     * @throws LogNotFoundException if no log is stored for the job
     * @throws InvalidRangeException if {@code fromSeq} is negative or beyond the chunk count, or {@code maxChunks}
     *     is not in 1..{@link #MAX_PAGE_CHUNKS}
     */
    List<LogChunk> readChunks(JobId job, long fromSeq, int maxChunks);

    /**
     * Reads bytes {@code [offset, offset + length)} of the byte view; the answer is shorter when the log ends
     * first, and empty when {@code offset} equals the log's length.
     *
     * @throws InvalidRangeException if {@code offset} is negative or beyond the log's length, or {@code length}
     *     is negative or above {@link #MAX_READ_BYTES}
     */
    byte[] readRange(JobId job, long offset, int length);

    /**
     * The last {@code lines} lines of the byte view, exactly what {@code tail -n lines} prints: lines end at
     * {@code \n}; an unterminated last line counts as a line; {@code \r} is an ordinary byte.
     *
     * @throws InvalidRangeException if {@code lines} is negative or the answer would exceed {@link #MAX_READ_BYTES}
     */
    byte[] readTailLines(JobId job, int lines);

    /**
     * What the store knows about the log, without reading its bytes.
     *
     * @throws LogNotFoundException if no log is stored for the job
     */
    LogStat stat(JobId job);

    /** True when the store holds a log (open or sealed) for the job. */
    boolean exists(JobId job);

    /**
     * Follows the log from {@code fromSeq}: the follower delivers every chunk from there on, in order, as it is
     * appended, and finishes once the log is sealed and all chunks are delivered. Nothing is ever dropped: a slow
     * follower reads what it missed from storage. A log that does not exist yet is waited for.
     */
    LogFollower follow(JobId job, long fromSeq);

    /** Removes the log and everything stored for it. Deleting a missing log does nothing. */
    void delete(JobId job);

    /**
     * Lists stored logs whose job id starts with {@code prefix}, in ascending id order.
     *
     * @param prefix id prefix; empty for all (validated like a job id)
     * @param startAfter return ids after this one; {@code null} to start from the beginning
     * @param limit page size, 1..10000
     */
    JobPage list(String prefix, JobId startAfter, int limit);

    /**
     * Writes the sealed log in the archive form (seekable zstd; see {@code dev.cinch.logs.archive}) to
     * {@code out}: the hand-off format between tiers. Output is byte-identical however often it is exported.
     *
     * @throws LogNotSealedException if the log is open
     */
    void exportArchive(JobId job, OutputStream out);

    /**
     * Stores a sealed log from an archive stream produced by {@link #exportArchive}. The archive is fully verified
     * (structure, every chunk's CRC32C) before it becomes visible, and it becomes visible atomically. Importing an
     * archive of a log already stored with the same content is a no-op (a resumed tier move is safe); a stored log
     * with other content is a {@link ChunkConflictException}.
     *
     * @throws CorruptLogException if the stream is not a valid archive
     */
    void importArchive(JobId job, InputStream archive);

    /** Releases files, pools and clients. Idempotent. */
    @Override
    void close();
}

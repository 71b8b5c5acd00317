package dev.cinch.logs;

import dev.cinch.logs.text.LogSearch;
import dev.cinch.logs.text.SearchMatch;
import dev.cinch.logs.text.SearchOptions;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.stream.Stream;

/**
 * Stores build logs: for each job, an ordered sequence of {@link LogChunk}s whose concatenated data is the log's
 * <em>byte view</em>.
 *
 * <h2>Writing</h2>
 * A log is <em>open</em> from its first append until {@link #seal}; then it is immutable. Appends follow the seq
 * protocol: the first chunk has seq 0 and each next chunk has the previous seq + 1. Because workers retry over
 * unreliable networks, a chunk whose seq is already stored with identical stream and bytes is accepted as a no-op,
 * whatever its timestamp (a retry may be stamped anew; the first timestamp stays); the same seq with other bytes or
 * another stream is a {@link ChunkConflictException}; a seq beyond the next expected one is a
 * {@link SequenceGapException} naming the seq to resend from.
 *
 * <h2>One writer per log</h2>
 * At most one store instance (in any process, on any server) writes a log at a time. The instance that appends to a
 * log, or holds a {@link #openWriter} session on it, holds its writer role; another instance that tries to append
 * gets {@link LogLockedException} at once, never a lost or interleaved chunk. Within one instance any number of
 * threads may append to different logs concurrently. Each backend documents how it enforces the role (a file lock,
 * a database row lock, conditional object writes) and when a role held by a dead process is released.
 *
 * <h2>Reading</h2>
 * Reads may run concurrently with the writer, in this or any other instance. A read of an open log sees a consistent
 * prefix: every chunk it returns is stored, and no chunk after a missing one is returned. Reads never change what is
 * stored (no repair, no truncation), never return bytes that failed a check (they throw
 * {@link CorruptLogException} naming the job and seq or offset instead), and never present a shorter log than the
 * one stored as a success. The cost of a range read, a tail read, a page of chunks or a stat depends on the size of
 * the answer, not on the size of the log (backends keep indexes; they do not scan).
 *
 * <h2>Errors</h2>
 * Every method throws {@link LogStoreException} subtypes only, each naming the job and the seq, offset or key.
 * Calls after {@link #close()} throw {@link LogStoreClosedException}, before any argument is checked.
 *
 * <h2>Thread safety</h2>
 * Implementations are safe for concurrent use by many threads.
 */
public interface LogStore extends AutoCloseable {

    /** Most bytes one chunk may carry. Larger output must be split by the writer. */
    int MAX_CHUNK_BYTES = 8 << 20;

    /** Most bytes one {@link #readRange}, {@link #readTailLines} or {@link #readLines} answer may hold. */
    int MAX_READ_BYTES = 64 << 20;

    /** Most chunks one {@link #readChunks} page may hold. */
    int MAX_PAGE_CHUNKS = 10_000;

    /**
     * Most bytes of chunk data one {@link #readChunks} page holds: a page stops before the chunk that would pass it.
     * A page always holds at least one chunk when one remains, which fits since {@link #MAX_CHUNK_BYTES} is smaller.
     */
    int MAX_PAGE_BYTES = 32 << 20;

    /** Most job ids one {@link #list} page may hold. */
    int MAX_LIST_PAGE = 10_000;

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
     * Takes the writer role of the job's log for a session (see {@link LogWriter}), creating the log, empty and
     * open, when none is stored: a job that has started has a log, even before it prints anything.
     *
     * @throws LogLockedException when another store instance or process writes the log, or another session of this
     *     instance holds it
     * @throws LogSealedException when the log is sealed
     */
    LogWriter openWriter(JobId job);

    /**
     * Marks the log complete and compacts it to the archive form. Idempotent: sealing a sealed log does nothing.
     * Sealing a job with no chunks stores an empty sealed log (a job that printed nothing has a complete log).
     * When this returns, the sealed log is durable.
     */
    void seal(JobId job);

    /**
     * Reads up to {@code maxChunks} chunks starting at {@code fromSeq} (the seed's {@code GetLogs(jobID, since)}),
     * fewer when the page would pass {@link #MAX_PAGE_BYTES} of data (never fewer than one while chunks remain).
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
     * {@link #readRange(JobId, long, int)} into {@code dst} from {@code dstOffset}, for a caller that pages through
     * a log with one buffer (a server streaming a log out): the same bytes, checks and errors, and it returns how many
     * bytes it wrote (fewer than {@code length} at the end of the log, 0 at its end). A store may write straight into
     * {@code dst} instead of making an array per read; the default copies the answer of {@code readRange}, so a
     * decorator that changes the bytes it serves (masking) serves them here too without further code.
     *
     * @throws InvalidRangeException as {@code readRange} does, and if {@code dst} cannot hold {@code length} bytes
     *     from {@code dstOffset}
     */
    default int readRange(JobId job, long offset, byte[] dst, int dstOffset, int length) {
        checkBuffer(job, offset, dst, dstOffset, length);
        byte[] answer = readRange(job, offset, length);
        System.arraycopy(answer, 0, dst, dstOffset, answer.length);
        return answer.length;
    }

    /** The buffer check of {@link #readRange(JobId, long, byte[], int, int)}, for stores that override it. */
    static void checkBuffer(JobId job, long offset, byte[] dst, int dstOffset, int length) {
        if (dstOffset < 0 || length < 0 || dstOffset > dst.length - length) {
            throw new InvalidRangeException(job, "a buffer of " + dst.length + " bytes cannot hold " + length
                    + " bytes from index " + dstOffset + " (read at offset " + offset + ")");
        }
    }

    /**
     * The last {@code lines} lines of the byte view, exactly what {@code tail -n lines} prints: lines end at
     * {@code \n}; an unterminated last line counts as a line; {@code \r} is an ordinary byte.
     *
     * @throws InvalidRangeException if {@code lines} is negative or the answer would exceed {@link #MAX_READ_BYTES}
     */
    byte[] readTailLines(JobId job, int lines);

    /**
     * Lines {@code fromLine .. fromLine + count - 1} of the byte view, numbered from 1: exactly what
     * {@code sed -n 'fromLine,(fromLine+count-1)p'} prints. Lines end at {@code \n}; an unterminated last line counts
     * as a line; {@code \r} and every other byte are ordinary (logs are bytes, not text).
     *
     * <p>The answer holds whole lines and at most {@link #MAX_READ_BYTES}: when the next line would pass that, it
     * stops before it, so it may hold fewer than {@code count} lines before the log's end. The lines it holds are its
     * {@code \n} bytes, plus one when it does not end with {@code \n} (then it ends with the log's last line); the
     * caller continues from {@code fromLine} plus that number. An empty answer means the log has no line
     * {@code fromLine}: {@code fromLine} is one past the last line (the end of the log, as {@link #readRange} at the
     * log's length), or {@code count} is 0 (nothing is read then).
     *
     * <p>Cost: a sealed log finds the frame holding the line from the archive's per-frame line numbers and reads from
     * there, so the answer plus at most one frame before and after it is decompressed. An open log is read from its
     * first chunk up to the answer's end, because open logs do not record line numbers yet (see
     * {@code docs/adr/0009-line-access.md}).
     *
     * @throws LogNotFoundException if no log is stored for the job
     * @throws InvalidRangeException if {@code fromLine < 1} or {@code count < 0}, or line {@code fromLine} alone is
     *     longer than {@link #MAX_READ_BYTES} (the message names the line and its offset)
     * @throws LinesBeyondEndException if {@code fromLine} is more than one past the log's last line
     */
    byte[] readLines(JobId job, long fromLine, int count);

    /**
     * What the store knows about the log, without reading its bytes.
     *
     * @throws LogNotFoundException if no log is stored for the job
     */
    LogStat stat(JobId job);

    /**
     * Reads the whole log back and checks everything stored for it: each chunk's length and CRC32C, the chain of raw
     * offsets and the whole-log CRC32C; for a sealed log also every frame's zstd checksum, the chunk index, line
     * numbers and seek table. Damage is reported in the answer, not thrown, so an operator sees every damaged chunk of
     * an open log (a sealed archive is reported at its first failing check: what follows it cannot be located
     * reliably). Costs one pass over the log; memory stays at one read batch. Changes nothing stored.
     *
     * @throws LogNotFoundException if no log is stored for the job
     */
    LogCheck verify(JobId job);

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
     * @param limit page size, 1..{@link #MAX_LIST_PAGE}
     */
    JobPage list(String prefix, JobId startAfter, int limit);

    /**
     * Writes the sealed log in the archive form (seekable zstd; see {@code dev.cinch.logs.archive}) to
     * {@code out}: the hand-off format between tiers. Output is byte-identical however often it is exported. Every
     * frame, chunk CRC32C and the index are checked on the way; on damage the output stops short and
     * {@link CorruptLogException} names the archive offset or seq (the caller discards what was written).
     *
     * @throws LogNotSealedException if the log is open
     */
    void exportArchive(JobId job, OutputStream out);

    /**
     * Stores a sealed log from an archive stream produced by {@link #exportArchive} (of any store, with any archive
     * options). The archive is fully verified (structure, every chunk's CRC32C) before it becomes visible, and it
     * becomes visible atomically; the stored log is then sealed, so appends to it are refused. Importing an archive of
     * a log already stored sealed with the same content (chunk count, byte length, CRC32C, last timestamp) is a no-op
     * (a resumed tier move is safe); any other stored log, open or sealed, is a {@link ChunkConflictException}.
     *
     * @throws CorruptLogException if the stream is not a valid archive
     */
    void importArchive(JobId job, InputStream archive);

    /**
     * The lines of the log that match {@code pattern}, as {@code grep -n} finds them, with context lines around them
     * when {@code options} ask ({@code grep -C N}); in log order, as a lazy stream that reads the log piece by piece
     * as it is consumed. Lines end at {@code \n} and are matched as bytes (see {@link LogSearch}
     * for the rules on encodings, ANSI sequences and costs). Every store has it: it reads through
     * {@link #readRange} only.
     *
     * @throws LogNotFoundException if no log is stored for the job
     * @throws InvalidPatternException if {@code pattern} is not a valid regular expression (before anything is read)
     * @throws SearchBudgetExceededException from the stream, when the pattern needs too much work on one line
     * @throws InvalidRangeException from the stream, at a line longer than {@link #MAX_READ_BYTES}
     */
    default Stream<SearchMatch> search(JobId job, String pattern, SearchOptions options) {
        return LogSearch.search(this, job, pattern, options);
    }

    /**
     * The parts of the log that may hold {@code literal} (its bytes, matched exactly or with ASCII letters in either
     * case), in log order: an occurrence is never outside them, except that one may start up to two bytes before a
     * range (a reader that wants whole occurrences looks at those bytes when the range begins with the literal's end).
     * A sealed log answers from the trigram filters its archive keeps per frame, so a search reads only the frames
     * that may match; an open log, an archive without filters, or a literal shorter than three bytes answers the whole
     * log. Costs the filters' size once per archive reader, no log bytes.
     *
     * @throws LogNotFoundException if no log is stored for the job
     */
    default java.util.List<LogRange> rangesThatMayContain(JobId job, byte[] literal) {
        return java.util.List.of(new LogRange(0, stat(job).rawBytes(), 0));
    }

    /**
     * How this store writes the archives of the logs it seals, when it writes them itself: the frame size and zstd
     * level a composite store compares to decide whether a log moving into this store is re-encoded on the way.
     */
    default java.util.Optional<dev.cinch.logs.archive.ArchiveOptions> archiveOptions() {
        return java.util.Optional.empty();
    }

    /** Releases files, pools and clients. Idempotent. */
    @Override
    void close();
}

package dev.cinch.logs.storage;

import java.io.IOException;

/**
 * The writer role of one open log, held from {@link LogStorage#openAppender} until {@link #close}. While one
 * appender holds it, no other process or store instance can take it (they get
 * {@link dev.cinch.logs.LogLockedException}); how that is enforced is the backend's (a file lock, a database row
 * lock, a conditional write).
 *
 * <p>Core calls {@link #written}, {@link #chunk}, {@link #write}, {@link #flush} and {@link #close} under its own
 * per-log lock, never two at once for one log; {@link #sync}, {@link #snapshot} and {@link #committed} may be called
 * from any thread at any time, also while a write runs (a backend guards its commit step against its writes).
 */
public interface OpenLogAppender extends AutoCloseable {

    /** Totals of every chunk written, visible or not. */
    LogTotals written();

    /** Totals of the chunks readers may see: durable as the durability setting promises. */
    LogTotals committed();

    /** Chunk {@code seq} as stored, for any written seq (a retry is compared with it). */
    StoredChunk chunk(long seq) throws IOException;

    /**
     * Writes the next chunk: {@code chunk.seq() == written().chunks()}, and {@code after} is
     * {@code written().plus(chunk.entry(), newlines)}, computed by core; a backend stores
     * {@code after.newlines()} with the chunk (unless unknown) so that {@link OpenLogSnapshot#newlinesBefore} answers it. Readers do not see it before {@link #sync}.
     */
    void write(StoredChunk chunk, LogTotals after) throws IOException;

    /**
     * Returns once every chunk written before the call is durable as the backend's durability setting promises and
     * visible to readers. May wait to share the work with other logs (group commit). After {@link #close} (which
     * flushed) it returns at once.
     */
    void sync() throws IOException;

    /** Makes everything written durable whatever the durability setting, and visible: before a seal or a close. */
    void flush() throws IOException;

    /** A read view of the committed chunks, on resources of its own (an interrupted reader never harms the writer). */
    OpenLogSnapshot snapshot() throws IOException;

    /** Flushes and gives up the writer role. Idempotent. */
    @Override
    void close() throws IOException;
}

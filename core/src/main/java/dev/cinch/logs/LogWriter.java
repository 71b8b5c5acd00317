package dev.cinch.logs;

/**
 * A session holding the writer role of one log, from {@link LogStore#openWriter}: a client that streams a whole
 * log (the CLI's {@code append} and {@code run}, a worker connection) takes it before it reads its input, so that a
 * second writer is refused at once, before it has consumed anything, instead of colliding at some seq later.
 *
 * <p>Appends through a session take seqs in order from {@link #nextSeq()}; they have exactly the semantics of
 * {@link LogStore#append}. Not thread-safe: one thread writes through a session. Closing it gives the role back
 * (it does not seal the log).
 */
public interface LogWriter extends AutoCloseable {

    JobId job();

    /** The seq the next {@link #append} will store. */
    long nextSeq();

    /** Appends the next chunk: {@link LogStore#append} with seq {@link #nextSeq()}, which then advances. */
    void append(LogStream stream, long timestampMillis, byte[] data, int off, int len);

    /** Gives the writer role back. Idempotent. */
    @Override
    void close();
}

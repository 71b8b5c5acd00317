package dev.cinch.cli;

import dev.cinch.logs.LogStream;
import dev.cinch.logs.LogWriter;

/**
 * Appends chunks through one writer session from several threads (the stdout and stderr pumps of {@code run}): the
 * session holds the log's writer role, so no other process can interleave, and its seqs follow the order of calls.
 */
final class ChunkWriter {
    private final LogWriter session;

    ChunkWriter(LogWriter session) {
        this.session = session;
    }

    /** Stores {@code data[0, n)} as the next chunk. Synchronized: a session is used by one thread at a time. */
    synchronized void write(LogStream stream, byte[] data, int n) {
        session.append(stream, System.currentTimeMillis(), data, 0, n);
    }
}

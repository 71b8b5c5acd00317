package dev.cinch.cli;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStream;

import java.util.Arrays;

/** Appends chunks with consecutive seqs from several threads (stdout and stderr pumps of {@code run}). */
final class ChunkWriter {
    private final LogStore store;
    private final JobId job;
    private long nextSeq;

    ChunkWriter(LogStore store, JobId job, long firstSeq) {
        this.store = store;
        this.job = job;
        this.nextSeq = firstSeq;
    }

    /** Stores {@code data[0, n)} as the next chunk. Synchronized: seqs must follow the order of appends. */
    synchronized void write(LogStream stream, byte[] data, int n) {
        store.append(job, new LogChunk(nextSeq, stream, System.currentTimeMillis(), Arrays.copyOf(data, n)));
        nextSeq++;
    }
}

package dev.cinch.logs.storage;

import dev.cinch.logs.archive.ChunkIndexEntry;

import java.io.IOException;
import java.util.List;

/**
 * A read-only view of an open log's prefix, fixed when the view was taken: chunks {@code 0 .. totals().chunks()-1}.
 * Taking and using a snapshot never changes what is stored (no repair, no truncation): recovery belongs to the
 * writer ({@link LogStorage#openAppender}).
 *
 * <p>A backend answers lookups from its index, never by scanning the log, so every call costs what its answer
 * holds. A snapshot sees every chunk whose record is intact; where the backend's index is damaged it reads around
 * it or throws {@link dev.cinch.logs.CorruptLogException} naming the job and seq, and it never reports a shorter
 * log than the one stored. Bodies are returned as stored; core decodes and checks them.
 *
 * <p>When the open form goes away while a snapshot is in use (the log was sealed or deleted), a backend that can no
 * longer serve the snapshot's chunks throws {@link StaleSnapshotException}; core then looks the log up again.
 *
 * <p>Safe for use by one thread at a time; close it when done.
 */
public interface OpenLogSnapshot extends AutoCloseable {

    /** Chunk count, byte length, CRC32C and last timestamp of the prefix this snapshot shows. */
    LogTotals totals();

    /** Bytes the log occupies in the backend (compressed bodies and indexes). */
    long storedBytes();

    /** Where chunk {@code seq} lies; {@code 0 <= seq < totals().chunks()}. */
    ChunkIndexEntry entry(long seq) throws IOException;

    /**
     * The seq of the chunk holding byte {@code rawOffset}, {@code 0 <= rawOffset < totals().rawBytes()}: the last chunk
     * that starts at or before it and is not empty. The default is a binary search over {@link #entry}; a backend with
     * an ordered index (a database) answers it with one lookup.
     */
    default long seqAt(long rawOffset) throws IOException {
        long count = totals().chunks();
        long lo = 0;
        long hi = count - 1;
        while (lo < hi) {
            long mid = (lo + hi + 1) >>> 1;
            if (entry(mid).rawOffset() <= rawOffset) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        // Empty chunks share a raw offset with the next chunk; step past them to the one that holds the byte.
        ChunkIndexEntry e = entry(lo);
        while (lo < count - 1 && e.rawOffset() + e.length() <= rawOffset) {
            e = entry(++lo);
        }
        return lo;
    }

    /**
     * The number of {@code \n} bytes in chunks {@code [0, seq)}, {@code 0 <= seq <= totals().chunks()}, from the
     * count the backend recorded with chunk {@code seq - 1} at append ({@link LogTotals#newlines()} of the totals after
     * it); {@link LogTotals#UNKNOWN_NEWLINES} when the log was stored before counts were kept. One index look-up: the
     * line search over an open log is core's, built on this. The default knows no counts.
     */
    default long newlinesBefore(long seq) throws IOException {
        LogTotals totals = totals();
        if (seq < 0 || seq > totals.chunks()) {
            throw new IllegalArgumentException("seq " + seq + " outside 0.." + totals.chunks());
        }
        if (seq == 0) {
            return 0;
        }
        if (seq == totals.chunks() && totals.newlinesKnown()) {
            return totals.newlines();
        }
        return newlinesThrough(seq - 1);
    }

    /**
     * What the backend recorded with chunk {@code seq} at append: the {@code \n} bytes in chunks {@code [0, seq]}, or
     * {@link LogTotals#UNKNOWN_NEWLINES} when it has no count for it (a log stored before counts were kept, a chunk
     * not indexed yet). Called by {@link #newlinesBefore} with a seq already checked. The default knows no counts.
     */
    default long newlinesThrough(long seq) throws IOException {
        return LogTotals.UNKNOWN_NEWLINES;
    }

    /** Chunks {@code [fromSeq, toSeq)} as stored, in seq order; {@code 0 <= fromSeq <= toSeq <= totals().chunks()}. */
    List<StoredChunk> read(long fromSeq, long toSeq) throws IOException;

    @Override
    void close();
}

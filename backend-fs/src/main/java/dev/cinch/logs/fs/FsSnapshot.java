package dev.cinch.logs.fs;

import dev.cinch.logs.CorruptLogException;
import dev.cinch.logs.JobId;
import dev.cinch.logs.archive.ChunkIndexEntry;
import dev.cinch.logs.storage.LogTotals;
import dev.cinch.logs.storage.OpenLogSnapshot;
import dev.cinch.logs.storage.StoredChunk;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A read view of an open log's files. It never writes: damage is read around or reported, never repaired.
 *
 * <p>Which chunks it shows: the writer's committed prefix when the writer is in this store instance; otherwise
 * ({@link #discover}) every chunk with an intact record: the index up to its last intact entry, then every intact
 * frame after that entry. So a log whose writer was killed shows exactly the chunks the next writer's recovery will
 * keep, and a damaged or cut index hides nothing the frames still hold. A chunk whose index entry is damaged is found
 * from its intact neighbours: frames are contiguous, so the frame of seq {@code s} starts where the frame of seq
 * {@code s - 1} ends, and its header says the rest.
 */
final class FsSnapshot implements OpenLogSnapshot {
    /** Most bytes of open.log one positional read fetches. */
    private static final int MAX_READ_SPAN = 16 << 20;
    /** Most index entries fetched in one positional read. */
    private static final int MAX_ENTRY_BATCH = 8192;

    private final OpenLogFiles files;
    private final OpenLogState state;
    /** Entries of seqs below this come from open.idx; the others from {@link #afterIndex}. */
    private final long indexed;
    private final List<IndexEntry> afterIndex;
    /** Entries rebuilt from frames because their index entry is damaged. */
    private final Map<Long, IndexEntry> rebuilt = new HashMap<>();

    private FsSnapshot(OpenLogFiles files, OpenLogState state, long indexed, List<IndexEntry> afterIndex) {
        this.files = files;
        this.state = state;
        this.indexed = indexed;
        this.afterIndex = afterIndex;
    }

    /** The committed prefix a writer of this store instance published: all of it is in open.idx. */
    static FsSnapshot ofCommitted(OpenLogFiles files, OpenLogState committed) {
        return new FsSnapshot(files, committed, committed.chunks(), List.of());
    }

    /**
     * Finds what is stored: the last intact index entry, then the intact frames after it. Costs a read of the last
     * entry plus one of each frame after it (none while the writer keeps up; those of a crash otherwise).
     */
    static FsSnapshot discover(OpenLogFiles files) throws IOException {
        long k = files.indexEntries();
        IndexEntry last = null;
        while (k > 0 && (last = files.entry(k - 1)) == null) {
            k--; // a torn or damaged entry at the end: its chunk is found again among the frames below
        }
        List<IndexEntry> after = files.intactFramesAfter(last, k);
        IndexEntry end = after.isEmpty() ? last : after.get(after.size() - 1);
        // Frames after the index have no open.lines entry yet: the count of the whole prefix is then unknown (the
        // line search uses the counts of the indexed chunks and reads the rest).
        long newlines = !after.isEmpty() ? LogTotals.UNKNOWN_NEWLINES
                : k == 0 ? (files.lines == null ? LogTotals.UNKNOWN_NEWLINES : 0) : files.newlinesThrough(k - 1);
        return new FsSnapshot(files, OpenLogState.after(k + after.size(), end, newlines), k, after);
    }

    /**
     * From open.lines, for chunks this view takes from open.idx; unknown for the frames after the index (a writer of
     * another process has not committed them yet, or one was killed) and for logs stored before counts were kept.
     */
    @Override
    public long newlinesThrough(long seq) throws IOException {
        return seq < indexed ? files.newlinesThrough(seq) : LogTotals.UNKNOWN_NEWLINES;
    }

    @Override
    public LogTotals totals() {
        return state.totals();
    }

    @Override
    public long storedBytes() {
        return state.logFileBytes() + state.indexFileBytes();
    }

    @Override
    public ChunkIndexEntry entry(long seq) throws IOException {
        return indexEntry(seq).toChunkEntry(seq);
    }

    private IndexEntry indexEntry(long seq) throws IOException {
        checkSeq(seq);
        if (seq >= indexed) {
            return afterIndex.get((int) (seq - indexed));
        }
        IndexEntry e = files.entry(seq);
        return e != null ? e : rebuild(seq);
    }

    /** Entries {@code [from, to)}, read in batches, damaged ones rebuilt. */
    private IndexEntry[] indexEntries(long from, long to) throws IOException {
        IndexEntry[] out = new IndexEntry[(int) (to - from)];
        long seq = from;
        while (seq < to) {
            if (seq >= indexed) {
                out[(int) (seq - from)] = afterIndex.get((int) (seq - indexed));
                seq++;
                continue;
            }
            int n = (int) Math.min(MAX_ENTRY_BATCH, Math.min(to, indexed) - seq);
            IndexEntry[] batch = files.entries(seq, n);
            for (int i = 0; i < n; i++) {
                out[(int) (seq - from) + i] = batch[i] != null ? batch[i] : rebuild(seq + i);
            }
            seq += n;
        }
        return out;
    }

    /** Rebuilds the entry of {@code seq} from the nearest intact entry before it and the frames that follow it. */
    private IndexEntry rebuild(long seq) throws IOException {
        IndexEntry known = rebuilt.get(seq);
        if (known != null) {
            return known;
        }
        long p = seq - 1;
        IndexEntry prev = null;
        while (p >= 0 && (prev = rebuilt.containsKey(p) ? rebuilt.get(p) : files.entry(p)) == null) {
            p--;
        }
        long pos = prev == null ? 0 : prev.frameEnd();
        long raw = prev == null ? 0 : prev.rawEnd();
        IndexEntry e = null;
        for (long s = p + 1; s <= seq; s++) {
            ChunkFrame frame = files.frame(pos, s, false);
            if (frame == null) {
                throw new CorruptLogException(files.job, "seq " + s + ": its open.idx entry is damaged and there is no"
                        + " intact frame for it at open.log offset " + pos);
            }
            e = new IndexEntry(pos, raw, frame.rawLength(), frame.storedLength(), frame.timestampMillis(),
                    frame.rawCrc(), 0, frame.stream());
            rebuilt.put(s, e);
            pos = e.frameEnd();
            raw = e.rawEnd();
        }
        return e;
    }

    @Override
    public List<StoredChunk> read(long fromSeq, long toSeq) throws IOException {
        if (fromSeq < 0 || toSeq < fromSeq || toSeq > state.chunks()) {
            throw new IllegalArgumentException("chunks " + fromSeq + ".." + toSeq + " of " + state.chunks());
        }
        IndexEntry[] entries = indexEntries(fromSeq, toSeq);
        List<StoredChunk> out = new ArrayList<>(entries.length);
        long fileSize = files.log.size();
        int i = 0;
        while (i < entries.length) {
            if (entries[i].frameEnd() > fileSize) {
                throw new CorruptLogException(files.job, "seq " + (fromSeq + i) + ": open.log ends at " + fileSize
                        + ", before the end of the chunk's frame (file offsets " + entries[i].fileOffset() + ".."
                        + entries[i].frameEnd() + ")");
            }
            // Consecutive frames are contiguous in open.log: fetch as many as fit in one read.
            long spanStart = entries[i].fileOffset();
            int j = i + 1;
            while (j < entries.length && entries[j].fileOffset() == entries[j - 1].frameEnd()
                    && entries[j].frameEnd() - spanStart <= MAX_READ_SPAN && entries[j].frameEnd() <= fileSize) {
                j++;
            }
            byte[] span = files.logBytes(spanStart, entries[j - 1].frameEnd(), fromSeq + i);
            for (int k = i; k < j; k++) {
                long seq = fromSeq + k;
                out.add(new StoredChunk(entries[k].toChunkEntry(seq), files.body(seq, entries[k], span, spanStart)));
            }
            i = j;
        }
        return out;
    }

    private void checkSeq(long seq) {
        if (seq < 0 || seq >= state.chunks()) {
            throw new IllegalArgumentException("seq " + seq + " outside 0.." + state.chunks());
        }
    }

    @Override
    public void close() {
        try {
            files.close();
        } catch (IOException e) {
            // read-only channels: nothing was pending
        }
    }
}

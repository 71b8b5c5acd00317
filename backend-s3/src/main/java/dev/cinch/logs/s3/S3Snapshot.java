package dev.cinch.logs.s3;

import dev.cinch.logs.JobId;
import dev.cinch.logs.archive.ChunkIndexEntry;
import dev.cinch.logs.storage.LogTotals;
import dev.cinch.logs.storage.OpenLogSnapshot;
import dev.cinch.logs.storage.StaleSnapshotException;
import dev.cinch.logs.storage.StoredChunk;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * An open log's prefix as a list of segments (from a LIST, or from the writer's memory) plus, for the writer's own
 * store, chunks still in its buffer. Finding a seq or a raw offset costs no request: segment keys hold both. Reading
 * costs the header of each segment touched (cached by key and ETag; small segments come whole with it) and one range
 * GET of the bodies wanted. A segment gone meanwhile (sealed or deleted) is a {@link StaleSnapshotException}.
 */
final class S3Snapshot implements OpenLogSnapshot {
    private final S3LogStorage storage;
    private final JobId job;
    private final List<SegmentRef> segments;
    private final LogTotals totals;
    /** Chunks after the last segment, in seq order (the writer's buffer); empty for other readers. */
    private final List<StoredChunk> tail;
    private final long segmentsEndSeq;
    private final long segmentsEndRaw;

    S3Snapshot(S3LogStorage storage, JobId job, List<SegmentRef> segments, LogTotals totals, List<StoredChunk> tail) {
        this.storage = storage;
        this.job = job;
        this.segments = segments;
        this.totals = totals;
        this.tail = tail;
        this.segmentsEndSeq = totals.chunks() - tail.size();
        this.segmentsEndRaw = tail.isEmpty() ? totals.rawBytes() : tail.get(0).entry().rawOffset();
    }

    /** Index of the segment holding {@code seq}: the last one starting at or before it. */
    static int segmentIndex(List<SegmentRef> segments, long seq) {
        int lo = 0;
        int hi = segments.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (segments.get(mid).firstSeq() <= seq) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    @Override
    public LogTotals totals() {
        return totals;
    }

    @Override
    public long storedBytes() {
        long n = 0;
        for (SegmentRef s : segments) {
            n += s.size();
        }
        for (StoredChunk c : tail) {
            n += c.body().payload().length;
        }
        return n;
    }

    private SegmentRef segmentOf(long seq) {
        return segments.get(segmentIndex(segments, seq));
    }

    private long segmentEnd(int i) {
        return i + 1 < segments.size() ? segments.get(i + 1).firstSeq() : segmentsEndSeq;
    }

    private Segment.Header header(SegmentRef ref) throws IOException {
        try {
            return storage.header(job, ref);
        } catch (S3Objects.Missing e) {
            throw new StaleSnapshotException(job, "segment " + ref.key() + " is gone");
        }
    }

    @Override
    public ChunkIndexEntry entry(long seq) throws IOException {
        if (seq >= segmentsEndSeq) {
            return tail.get((int) (seq - segmentsEndSeq)).entry();
        }
        return header(segmentOf(seq)).entry(seq);
    }

    /**
     * From the header of the segment holding chunk {@code seq} (usually cached); unknown for chunks still in the
     * writer's buffer and in version 1 segments (a log stored before counts were kept).
     */
    @Override
    public long newlinesThrough(long seq) throws IOException {
        if (seq >= segmentsEndSeq) {
            return LogTotals.UNKNOWN_NEWLINES;
        }
        return header(segmentOf(seq)).newlinesThrough(seq);
    }

    /** The segment from its key (no request), then its header. */
    @Override
    public long seqAt(long rawOffset) throws IOException {
        if (rawOffset >= segmentsEndRaw) {
            long seq = segmentsEndSeq;
            for (StoredChunk c : tail) {
                ChunkIndexEntry e = c.entry();
                if (e.length() > 0 && e.rawOffset() + e.length() > rawOffset) {
                    return e.seq();
                }
                seq = e.seq();
            }
            return seq;
        }
        int lo = 0;
        int hi = segments.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (segments.get(mid).rawStart() <= rawOffset) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        Segment.Header h = header(segments.get(lo));
        ChunkIndexEntry[] entries = h.entries();
        int a = 0;
        int b = entries.length - 1;
        while (a < b) {
            int mid = (a + b + 1) >>> 1;
            if (entries[mid].rawOffset() <= rawOffset) {
                a = mid;
            } else {
                b = mid - 1;
            }
        }
        while (a < entries.length - 1 && entries[a].rawOffset() + entries[a].length() <= rawOffset) {
            a++;
        }
        return entries[a].seq();
    }

    @Override
    public List<StoredChunk> read(long fromSeq, long toSeq) throws IOException {
        List<StoredChunk> out = new ArrayList<>((int) Math.min(toSeq - fromSeq, 4096));
        long seq = fromSeq;
        while (seq < toSeq && seq < segmentsEndSeq) {
            int i = segmentIndex(segments, seq);
            SegmentRef ref = segments.get(i);
            long end = Math.min(toSeq, segmentEnd(i));
            try {
                out.addAll(storage.chunks(job, ref, seq, end));
            } catch (S3Objects.Missing e) {
                throw new StaleSnapshotException(job, "segment " + ref.key() + " is gone");
            }
            seq = end;
        }
        for (; seq < toSeq; seq++) {
            out.add(tail.get((int) (seq - segmentsEndSeq)));
        }
        return out;
    }

    @Override
    public void close() {
        // Holds no resources: every read is a request of its own.
    }
}

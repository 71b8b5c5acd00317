package dev.cinch.logs.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cinch.logs.ChunkConflictException;
import dev.cinch.logs.CorruptLogException;
import dev.cinch.logs.ElidedRange;
import dev.cinch.logs.ForwardingLogStore;
import dev.cinch.logs.InvalidChunkException;
import dev.cinch.logs.JobId;
import dev.cinch.logs.JobPage;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogNotFoundException;
import dev.cinch.logs.LogSealedException;
import dev.cinch.logs.LogStat;
import dev.cinch.logs.LogStatus;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.LogWriter;
import dev.cinch.logs.ReservedJobIdException;
import dev.cinch.logs.storage.LogTotals;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Keeps the first H and the last T bytes of a job's output ({@link SizeLimit}, per job from {@link JobLimits}) and
 * replaces the middle by one marker line, on any store, without the store knowing: everything it keeps is ordinary
 * logs in the store below, written with the seq protocol.
 *
 * <p><b>Head.</b> Chunks are stored unchanged in the job's log, at the client's seqs, while the bytes received stay
 * within H. The chunk that crosses H is split: its first part, up to exactly H bytes received, is the head's last
 * chunk; the rest starts the tail buffer.
 *
 * <p><b>Tail buffer.</b> The rest goes to side logs in the same store, with reserved ids derived from the job
 * ({@link #sideId}): segment k lives in slot {@code _t<k mod 2>}. A segment's chunk 0 is a header
 * ({@link SegmentHeader}: the first client seq it holds, where it starts in the received stream, the limit in force);
 * its next chunks are the client's chunks one for one. Once a segment holds T data bytes or more, the next chunk
 * starts a new segment in the other slot, after the segment that was there (k-1) is deleted: the last T bytes are
 * always inside the two live segments. Each holds less than T + one chunk, so the store holds at most H + 2T + two
 * chunks for the job (plus two small headers), and memory holds one
 * chunk and a few headers, whatever the job prints.
 *
 * <p><b>Seq protocol.</b> From the client's view nothing changes: a client seq maps to the head (the job's log) or to a
 * segment (header's first seq + segment seq - 1); an identical retry is a no-op, other bytes a
 * {@link ChunkConflictException}, a gap a {@link dev.cinch.logs.SequenceGapException} naming the seq to resend from.
 * A retry of a seq whose segment was already deleted cannot be compared and is accepted as a no-op. The state is read
 * back from the store when a job is first seen, so a restart (or another instance) continues where the job stopped.
 * It is read before the writer role is taken and never from the job's open log while it is held (in the fs store a
 * process that closes a channel of a log it writes drops its file lock), so what later needs the head (its last byte,
 * the split) is kept in the state and the segment headers.
 *
 * <p><b>Seal.</b> (1) The summary log ({@link Summary}: bytes received, the dropped range, the limit) is written and
 * sealed; (2) the marker chunk, when bytes were dropped, and the kept tail are appended to the job's log, seqs going on
 * after the head; (3) the job's log is sealed; (4) the segments are deleted. Each step is deterministic, so a crash
 * anywhere is finished by the next seal (appending the same chunks again is a no-op); while the summary exists and the
 * job's log is open, appends are refused with {@link LogSealedException}.
 *
 * <p><b>Reads.</b> Reads, follow and export of the job's log are those of the store below: while the log is open they
 * show the head; the tail appears at seal. {@link #stat} adds the bytes received and the dropped range.
 */
public final class SizeLimitLogStore extends ForwardingLogStore {
    /** Jobs whose state is kept; a job beyond it is read back from the store. */
    private static final int MAX_JOBS = 4096;
    /** Chunks read per page when the seal copies the tail: pages stay small under a small heap. */
    private static final int COPY_PAGE_CHUNKS = 8;
    private static final int SLOTS = 2;

    /** The seal's steps, for tests that stop a seal after one of them as a crash would. */
    enum SealStep { SUMMARY, TAIL, SEALED, DELETED }

    /** Called after each seal step; a test hook that throws stops the seal there. */
    @FunctionalInterface
    interface SealHook {
        void after(JobId job, SealStep step);
    }

    private final JobLimits limits;
    private final SealHook hook;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private final ObjectMapper json = new ObjectMapper();
    private final Map<JobId, JobState> states = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<JobId, JobState> eldest) {
            return size() > MAX_JOBS;
        }
    };

    public SizeLimitLogStore(LogStore store, JobLimits limits) {
        this(store, limits, (job, step) -> { });
    }

    SizeLimitLogStore(LogStore store, JobLimits limits, SealHook hook) {
        super(store);
        this.limits = Objects.requireNonNull(limits, "limits");
        this.hook = Objects.requireNonNull(hook, "hook");
    }

    /**
     * The header (chunk 0) of a tail segment.
     *
     * @param segment k
     * @param firstSeq the client seq whose bytes segment chunk 1 holds
     * @param splitBytes bytes of that client chunk stored before, as the head's last chunk (only in segment 0)
     * @param receivedOffset where segment chunk 1 starts in the received stream
     * @param newlines {@code \n} received from H up to {@code receivedOffset}
     * @param keepHead the limit in force
     * @param keepTail the limit in force
     * @param headChunks chunks of the job's log that hold the head
     * @param tailFirstSeq the first client seq with bytes in the tail (segment 0's {@code firstSeq})
     * @param tailSplitBytes segment 0's {@code splitBytes}: a retry of the split chunk is compared with the head by it
     * @param headEndsLine whether the head ends with {@code \n} (or is empty): the marker then needs no line break first
     */
    record SegmentHeader(long segment, long firstSeq, int splitBytes, long receivedOffset, long newlines, long keepHead,
                         long keepTail, long headChunks, long tailFirstSeq, int tailSplitBytes, boolean headEndsLine) {
    }

    /**
     * What the seal recorded: the summary log's one chunk.
     *
     * @param receivedBytes bytes the job printed
     * @param elidedOffset where the dropped bytes start in the received stream (H)
     * @param elidedLength bytes dropped (0: nothing dropped)
     * @param elidedLines {@code \n} in the dropped bytes
     * @param keepHead the limit in force
     * @param keepTail the limit in force
     * @param headChunks chunks of the job's log that hold the head: the marker and tail go on from there
     * @param headEndsLine whether the head ends with {@code \n} (or is empty)
     */
    record Summary(long receivedBytes, long elidedOffset, long elidedLength, long elidedLines, long keepHead,
                   long keepTail, long headChunks, boolean headEndsLine) {
        Optional<ElidedRange> elided() {
            return elidedLength == 0 ? Optional.empty() : Optional.of(new ElidedRange(elidedOffset, elidedLength, elidedLines));
        }

        SizeLimit limit() {
            return new SizeLimit(keepHead, keepTail);
        }
    }

    /** One live tail segment as stored. */
    private static final class Segment {
        final JobId id;
        final SegmentHeader header;
        final int headerBytes;
        long chunks;
        long rawBytes;
        /** {@code \n} in the segment's data; -1 until counted (a segment read back after a restart). */
        long dataNewlines;

        Segment(JobId id, SegmentHeader header, int headerBytes, long chunks, long rawBytes, long dataNewlines) {
            this.id = id;
            this.header = header;
            this.headerBytes = headerBytes;
            this.chunks = chunks;
            this.rawBytes = rawBytes;
            this.dataNewlines = dataNewlines;
        }

        long dataBytes() {
            return rawBytes - headerBytes;
        }

        /** The client seq the segment's next chunk will hold. */
        long nextClientSeq() {
            return header.firstSeq + chunks - 1;
        }

        long endOffset() {
            return header.receivedOffset + dataBytes();
        }
    }

    /** What the store knows of one job's limit, read back from the store and kept up to date by appends. */
    private static final class JobState {
        boolean mainExists;
        boolean mainSealed;
        /** Chunks of the job's log as read back (the head, or less while a split chunk is half stored). */
        long mainChunks;
        long headChunks;
        long headBytes;
        /** The head's last byte, or -1 when the head is empty (or there is no limit, when it does not matter). */
        int lastHeadByte = -1;
        Summary summary;
        SizeLimit limit;
        final List<Segment> segments = new ArrayList<>(SLOTS + 1);

        Segment current() {
            return segments.get(segments.size() - 1);
        }

        long nextSeq() {
            return segments.isEmpty() ? headChunks : current().nextClientSeq();
        }
    }

    // ---- ids -----------------------------------------------------------------------------------------------------

    /**
     * A side log of {@code job}: {@code _cinch_} + 32 hex chars of SHA-256(job id) + {@code suffix}. Hashed so every
     * job id, up to the longest, gives a valid id of fixed length.
     */
    static JobId sideId(JobId job, String suffix) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(job.value().getBytes(StandardCharsets.UTF_8));
            return JobId.of(JobId.RESERVED_PREFIX + HexFormat.of().formatHex(digest, 0, 16) + suffix);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    static JobId segmentId(JobId job, int slot) {
        return sideId(job, "_t" + slot);
    }

    static JobId summaryId(JobId job) {
        return sideId(job, "_sum");
    }

    /** Calls after close are refused before any argument is checked, as by every store. */
    private void checkOpen() {
        if (closed.get()) {
            throw new dev.cinch.logs.LogStoreClosedException(name());
        }
    }

    private void refuseReserved(JobId job, String operation) {
        checkOpen();
        if (job.isReserved()) {
            throw new ReservedJobIdException(job, operation);
        }
    }

    // ---- state ---------------------------------------------------------------------------------------------------

    private JobState stateFor(JobId job) {
        synchronized (states) {
            JobState s = states.get(job);
            if (s != null) {
                return s;
            }
        }
        JobState loaded = load(job); // outside the lock: reads the store
        synchronized (states) {
            JobState s = states.get(job);
            if (s != null) {
                return s;
            }
            states.put(job, loaded);
            return loaded;
        }
    }

    private JobState reload(JobId job) {
        JobState loaded = load(job);
        synchronized (states) {
            states.put(job, loaded);
        }
        return loaded;
    }

    private void forget(JobId job) {
        synchronized (states) {
            states.remove(job);
        }
    }

    /** Reads the job's state back from the store: the head from the job's log, the rest from its side logs. */
    private JobState load(JobId job) {
        JobState s = new JobState();
        try {
            LogStat main = delegate().stat(job);
            s.mainExists = true;
            s.mainSealed = main.sealed();
            s.mainChunks = main.chunks();
            s.headChunks = main.chunks();
            s.headBytes = main.rawBytes();
        } catch (LogNotFoundException e) {
            // nothing stored yet
        }
        s.summary = readSummary(job).orElse(null);
        s.segments.addAll(readSegments(job));
        if (!s.segments.isEmpty()) {
            SegmentHeader h = s.segments.get(0).header;
            s.limit = new SizeLimit(h.keepHead, h.keepTail);
            s.headChunks = h.headChunks; // the head ends there even when a seal went on appending after it
        } else if (s.summary != null) {
            s.limit = s.summary.limit();
        } else {
            s.limit = limits.limitOf(job).orElse(null);
            if (s.limit != null && s.headBytes > 0 && !s.mainSealed) {
                try {
                    s.lastHeadByte = delegate().readRange(job, s.headBytes - 1, 1)[0] & 0xff; // for the marker, later
                } catch (LogNotFoundException e) {
                    // deleted since the stat above: nothing is stored, as if the stat had said so
                    s.mainExists = false;
                    s.mainChunks = 0;
                    s.headChunks = 0;
                    s.headBytes = 0;
                }
            }
        }
        return s;
    }

    private Optional<Summary> readSummary(JobId job) {
        JobId id = summaryId(job);
        if (!delegate().exists(id)) {
            return Optional.empty();
        }
        List<LogChunk> first;
        try {
            first = delegate().readChunks(id, 0, 1);
        } catch (LogNotFoundException e) {
            return Optional.empty(); // deleted with its job since the look above
        }
        if (first.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(parse(job, id, first.get(0), Summary.class));
    }

    private List<Segment> readSegments(JobId job) {
        List<Segment> found = new ArrayList<>(SLOTS);
        for (int slot = 0; slot < SLOTS; slot++) {
            JobId id = segmentId(job, slot);
            if (!delegate().exists(id)) {
                continue;
            }
            List<LogChunk> first;
            LogStat st;
            try {
                first = delegate().readChunks(id, 0, 1);
                st = delegate().stat(id);
            } catch (LogNotFoundException e) {
                continue; // deleted with its job since the look above
            }
            if (first.isEmpty()) {
                continue;
            }
            SegmentHeader h = parse(job, id, first.get(0), SegmentHeader.class);
            found.add(new Segment(id, h, first.get(0).length(), st.chunks(), st.rawBytes(), -1));
        }
        found.sort((a, b) -> Long.compare(a.header.segment, b.header.segment));
        return found;
    }

    private <T> T parse(JobId job, JobId id, LogChunk chunk, Class<T> type) {
        try {
            return json.readValue(chunk.data(), type);
        } catch (java.io.IOException e) {
            throw new CorruptLogException(job, "the size limit's record " + id.value() + " seq 0", e);
        }
    }

    private byte[] toJson(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a record of numbers always serializes", e);
        }
    }

    // ---- appending -----------------------------------------------------------------------------------------------

    @Override
    public void append(JobId job, LogChunk chunk) {
        refuseReserved(job, "append seq " + chunk.seq());
        appendClient(job, new Piece(chunk.seq(), chunk.stream(), chunk.timestampMillis(), null, chunk));
    }

    /**
     * A client chunk on its way through: its bytes are not copied until a part of it becomes a stored chunk (a
     * runaway job's output passes here, and each copy of it is a visible part of the append cost).
     *
     * @param data the bytes, owned by the caller and read only until the append returns; null when {@code chunk} has them
     * @param chunk the client's chunk as it came, when it did
     */
    private record Piece(long seq, LogStream stream, long timestampMillis, byte[] data, LogChunk chunk) {
        byte[] bytes() {
            return data != null ? data : chunk.data();
        }

        int length() {
            return data != null ? data.length : chunk.length();
        }

        LogChunk toChunk() {
            return chunk != null ? chunk : new LogChunk(seq, stream, timestampMillis, data);
        }
    }

    private void appendClient(JobId job, Piece chunk) {
        if (chunk.length() > MAX_CHUNK_BYTES) {
            throw new InvalidChunkException(job, chunk.seq(), "chunk of " + chunk.length() + " bytes exceeds the limit of " + MAX_CHUNK_BYTES);
        }
        JobState s = stateFor(job);
        synchronized (s) {
            try {
                appendLocked(job, s, chunk);
            } catch (ChunkConflictException | dev.cinch.logs.SequenceGapException e) {
                throw e; // refused, nothing changed: the state still holds
            } catch (RuntimeException e) {
                forget(job); // the store may hold more or less than the state says: read it back next time
                throw e;
            }
        }
    }

    private void appendLocked(JobId job, JobState s, Piece chunk) {
        long c = chunk.seq();
        if (s.summary != null || s.mainSealed) {
            throw new LogSealedException(job, c); // sealed, or a seal under way that only seal may finish
        }
        if (s.segments.isEmpty()) {
            if (c != s.headChunks || s.limit == null || s.headBytes + chunk.length() <= s.limit.keepHead()) {
                delegate().append(job, chunk.toChunk()); // the store below decides retries, conflicts, gaps, sealed
                if (c == s.headChunks) {
                    s.mainExists = true;
                    s.headChunks++;
                    s.headBytes += chunk.length();
                    if (s.limit != null && chunk.length() > 0) {
                        byte[] b = chunk.bytes();
                        s.lastHeadByte = b[b.length - 1] & 0xff;
                    }
                }
                return;
            }
            startTail(job, s, chunk);
            return;
        }
        Segment cur = s.current();
        long next = cur.nextClientSeq();
        if (c > next) {
            throw new dev.cinch.logs.SequenceGapException(job, next, c);
        }
        if (c < next) {
            retryInTail(job, s, chunk);
            return;
        }
        if (cur.chunks == 1) {
            fillSegmentStart(job, s, cur, chunk, true); // a header written before a crash: its chunk comes now
        } else if (cur.dataBytes() >= s.limit.keepTail()) {
            rotate(job, s, cur, chunk);
        } else {
            byte[] data = chunk.bytes();
            appendSide(job, c, cur.id, new LogChunk(cur.chunks, chunk.stream(), chunk.timestampMillis(), data));
            cur.chunks++;
            cur.rawBytes += data.length;
            if (cur.dataNewlines >= 0) {
                cur.dataNewlines += LogTotals.countNewlines(data, 0, data.length);
            }
        }
    }

    /** The chunk of seq {@code c} crosses H: its first part ends the head, the rest starts segment 0. */
    private void startTail(JobId job, JobState s, Piece chunk) {
        long c = chunk.seq();
        if (s.mainSealed) {
            throw new LogSealedException(job, c);
        }
        long keepHead = s.limit.keepHead();
        int split = (int) (keepHead - s.headBytes);
        if (!s.mainExists) {
            // Nothing of the job's output goes to its own log yet (keep-head 0): the job still has a log, open.
            delegate().openWriter(job).close();
            s.mainExists = true;
        }
        boolean headEndsLine = split > 0 ? chunk.bytes()[split - 1] == '\n' : keepHead == 0 || s.lastHeadByte == '\n';
        SegmentHeader h = new SegmentHeader(0, c, split, keepHead, 0, keepHead, s.limit.keepTail(),
                c + (split > 0 ? 1 : 0), c, split, headEndsLine);
        Segment seg = writeHeader(job, segmentId(job, 0), h, chunk);
        s.segments.add(seg);
        fillSegmentStart(job, s, seg, chunk, true);
    }

    /**
     * A new segment's header goes first, so that after a crash the state read back knows the segment and where the
     * client chunk that starts it was split.
     */
    private Segment writeHeader(JobId job, JobId id, SegmentHeader h, Piece chunk) {
        byte[] bytes = toJson(h);
        appendSide(job, chunk.seq(), id, new LogChunk(0, LogStream.STDOUT, chunk.timestampMillis(), bytes));
        return new Segment(id, h, bytes.length, 1, bytes.length, 0);
    }

    /**
     * Stores (or, for a retry, compares) the client chunk that starts {@code seg}: its split part in the head, the
     * rest as segment chunk 1.
     */
    private void fillSegmentStart(JobId job, JobState s, Segment seg, Piece chunk, boolean fresh) {
        long c = chunk.seq();
        int split = seg.header.splitBytes;
        byte[] data = chunk.bytes();
        if (split > 0) {
            if (data.length <= split) {
                throw new ChunkConflictException(job, c, "the size limit split this seq after " + split
                        + " bytes, and this chunk has " + data.length);
            }
            delegate().append(job, new LogChunk(c, chunk.stream(), chunk.timestampMillis(), Arrays.copyOf(data, split)));
        }
        byte[] rest = split == 0 ? data : Arrays.copyOfRange(data, split, data.length);
        appendSide(job, c, seg.id, new LogChunk(1, chunk.stream(), chunk.timestampMillis(), rest));
        if (fresh) {
            s.headChunks = seg.header.headChunks;
            s.headBytes = seg.header.keepHead;
            seg.chunks = 2;
            seg.rawBytes += rest.length;
            if (seg.dataNewlines >= 0) {
                seg.dataNewlines += LogTotals.countNewlines(rest, 0, rest.length);
            }
        }
    }

    /** The current segment holds T bytes or more: the chunk starts the next one, in the slot of the one before. */
    private void rotate(JobId job, JobState s, Segment cur, Piece chunk) {
        while (s.segments.size() > 1) {
            Segment old = s.segments.remove(0);
            delegate().delete(old.id); // first, so the store never holds three segments
        }
        long curNewlines = dataNewlines(job, cur);
        SegmentHeader h = new SegmentHeader(cur.header.segment + 1, chunk.seq(), 0, cur.endOffset(),
                cur.header.newlines + curNewlines, cur.header.keepHead, cur.header.keepTail, cur.header.headChunks,
                cur.header.tailFirstSeq, cur.header.tailSplitBytes, cur.header.headEndsLine);
        Segment seg = writeHeader(job, segmentId(job, (int) (h.segment % SLOTS)), h, chunk);
        s.segments.add(seg);
        fillSegmentStart(job, s, seg, chunk, true);
    }

    private void retryInTail(JobId job, JobState s, Piece chunk) {
        long c = chunk.seq();
        SegmentHeader any = s.current().header;
        if (c < any.tailFirstSeq) {
            delegate().append(job, chunk.toChunk()); // a head chunk: the job's log compares it
            return;
        }
        Segment seg = null;
        for (Segment candidate : s.segments) {
            if (candidate.header.firstSeq <= c) {
                seg = candidate;
            }
        }
        if (seg == null) {
            // Its segment is deleted: its bytes were dropped and cannot be compared. Only the part in the head can.
            int split = any.tailSplitBytes;
            if (c == any.tailFirstSeq && split > 0) {
                byte[] data = chunk.bytes();
                if (data.length <= split) {
                    throw new ChunkConflictException(job, c, "the size limit split this seq after " + split
                            + " bytes, and this chunk has " + data.length);
                }
                delegate().append(job, new LogChunk(c, chunk.stream(), chunk.timestampMillis(), Arrays.copyOf(data, split)));
            }
            return;
        }
        long segSeq = c - seg.header.firstSeq + 1;
        if (segSeq == 1) {
            fillSegmentStart(job, s, seg, chunk, false);
        } else {
            appendSide(job, c, seg.id, new LogChunk(segSeq, chunk.stream(), chunk.timestampMillis(), chunk.bytes()));
        }
    }

    /** Appends to a side log; a conflict there is the client's conflict at its own seq. */
    private void appendSide(JobId job, long clientSeq, JobId side, LogChunk chunk) {
        try {
            delegate().append(side, chunk);
        } catch (ChunkConflictException e) {
            throw new ChunkConflictException(job, clientSeq, "stored in the size limit's tail buffer with different content");
        }
    }

    private long dataNewlines(JobId job, Segment seg) {
        if (seg.dataNewlines < 0) {
            long[] count = {0};
            forEachData(seg, (pos, ch) -> count[0] += LogTotals.countNewlines(ch.data(), 0, ch.length()));
            seg.dataNewlines = count[0];
        }
        return seg.dataNewlines;
    }

    /** Visits the segment's data chunks in order, a small page at a time, with each one's received offset. */
    private void forEachData(Segment seg, DataVisitor visitor) {
        long pos = seg.header.receivedOffset;
        long from = 1;
        while (from < seg.chunks) {
            List<LogChunk> page = delegate().readChunks(seg.id, from, (int) Math.min(COPY_PAGE_CHUNKS, seg.chunks - from));
            for (LogChunk ch : page) {
                visitor.visit(pos, ch);
                pos += ch.length();
            }
            from += page.size();
        }
    }

    @FunctionalInterface
    private interface DataVisitor {
        void visit(long receivedOffset, LogChunk chunk);
    }


    @Override
    public LogWriter openWriter(JobId job) {
        refuseReserved(job, "take the writer role");
        LogWriter writer = null;
        for (int attempt = 1; writer == null; attempt++) {
            // The state is read before the role is taken: a process that reads an open log it writes may give up its
            // lock on it (the fs store's file lock goes with any channel of the file the process closes). Taking the
            // role then checks that nothing changed in between, with no read of the job's log.
            JobState s = load(job);
            if (s.summary != null && !s.mainSealed) {
                throw new LogSealedException(job, "take the writer role");
            }
            LogWriter w = delegate().openWriter(job); // the writer role of the job's log stands for the job's
            try {
                if (w.nextSeq() == s.mainChunks && sameSegments(s.segments, readSegments(job))
                        && (s.summary == null) == readSummary(job).isEmpty()) {
                    s.mainExists = true;
                    synchronized (states) {
                        states.put(job, s);
                    }
                    writer = w;
                } else if (attempt == 3) {
                    throw new dev.cinch.logs.LogLockedException(job, "its log kept changing while the writer role was taken");
                }
            } catch (RuntimeException e) {
                w.close();
                throw e;
            }
            if (writer == null) {
                w.close();
            }
        }
        return new ForwardingLogWriter(writer) {
            private boolean closed;

            @Override
            public long nextSeq() {
                JobState now = stateFor(job);
                synchronized (now) {
                    return now.nextSeq();
                }
            }

            @Override
            public void append(LogStream stream, long timestampMillis, byte[] data, int off, int len) {
                if (closed) {
                    throw new IllegalStateException("writer session of job " + job + " is closed");
                }
                // Through the store's append, not the session's: a chunk may go to the tail buffer. The session
                // still holds the job's writer role.
                byte[] bytes = off == 0 && len == data.length ? data : Arrays.copyOfRange(data, off, off + len);
                appendClient(job, new Piece(nextSeq(), stream, timestampMillis, bytes, null));
            }

            @Override
            public void close() {
                closed = true;
                super.close();
            }
        };
    }

    private static boolean sameSegments(List<Segment> a, List<Segment> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).header.segment != b.get(i).header.segment || a.get(i).chunks != b.get(i).chunks) {
                return false;
            }
        }
        return true;
    }

    // ---- seal ----------------------------------------------------------------------------------------------------

    @Override
    public void seal(JobId job) {
        refuseReserved(job, "seal");
        JobState s;
        synchronized (states) {
            s = states.get(job); // this instance is the job's writer: its state is what is stored
        }
        if (s == null) {
            s = reload(job); // what is stored now, whoever wrote it
        }
        try {
            synchronized (s) {
                sealLocked(job, s);
            }
        } finally {
            forget(job);
        }
    }

    private void sealLocked(JobId job, JobState s) {
        if (s.summary == null && s.segments.isEmpty()) {
            delegate().seal(job);
            return;
        }
        if (!s.mainSealed) {
            Summary sum = s.summary != null ? s.summary : summarize(job, s);
            if (s.summary == null) {
                delegate().append(summaryId(job), new LogChunk(0, LogStream.STDOUT, System.currentTimeMillis(), toJson(sum)));
                s.summary = sum;
            }
            delegate().seal(summaryId(job));
            hook.after(job, SealStep.SUMMARY);
            appendTail(job, s, sum);
            hook.after(job, SealStep.TAIL);
            delegate().seal(job);
            s.mainSealed = true;
            hook.after(job, SealStep.SEALED);
        }
        for (int slot = 0; slot < SLOTS; slot++) {
            delegate().delete(segmentId(job, slot));
        }
        s.segments.clear();
        hook.after(job, SealStep.DELETED);
    }

    /** The live segment holding received offset {@code at}; the segments before it are gone. */
    private Segment segmentAt(JobId job, JobState s, long at) {
        Segment found = null;
        for (Segment seg : s.segments) {
            if (seg.header.receivedOffset <= at) {
                found = seg;
            }
        }
        if (found == null) {
            throw new CorruptLogException(job, "the size limit's tail buffer: received offset " + at
                    + " must be kept but its segment is gone");
        }
        return found;
    }

    private Summary summarize(JobId job, JobState s) {
        Segment last = s.current();
        SegmentHeader h = last.header;
        long received = last.endOffset();
        long keepStart = Math.max(h.keepHead, received - h.keepTail);
        long dropped = keepStart - h.keepHead;
        long lines = 0;
        if (dropped > 0) {
            Segment at = segmentAt(job, s, keepStart);
            long[] count = {at.header.newlines};
            forEachData(at, (pos, ch) -> {
                if (pos < keepStart) {
                    count[0] += LogTotals.countNewlines(ch.data(), 0, (int) Math.min(ch.length(), keepStart - pos));
                }
            });
            lines = count[0];
        }
        return new Summary(received, h.keepHead, dropped, lines, h.keepHead, h.keepTail, h.headChunks, h.headEndsLine);
    }

    /** The marker line's text without its brackets: also the status detail of a truncated log. */
    static String markerText(Summary sum) {
        return "cinch: " + sum.elidedLength + " bytes in " + sum.elidedLines + " lines dropped here by the size limit ("
                + sum.limit() + ")";
    }

    /**
     * Appends the marker and the kept tail at the seqs after the head; the same chunks every time, so a seal that
     * stopped half-way is finished by appending them again.
     */
    private void appendTail(JobId job, JobState s, Summary sum) {
        long keepStart = sum.elidedOffset + sum.elidedLength;
        boolean[] markerDue = {sum.elidedLength > 0};
        long[] seq = {sum.headChunks};
        LogChunk[] lastSeen = {null};
        Segment start = segmentAt(job, s, keepStart);
        boolean started = false;
        for (Segment seg : s.segments) {
            if (seg == start) {
                started = true;
            }
            if (!started) {
                continue;
            }
            forEachData(seg, (pos, ch) -> {
                lastSeen[0] = ch;
                long end = pos + ch.length();
                if (end < keepStart || (end == keepStart && (ch.length() > 0 || pos < keepStart))) {
                    return;
                }
                if (markerDue[0]) {
                    appendMarker(job, sum, seq[0]++, ch.stream(), ch.timestampMillis());
                    markerDue[0] = false;
                }
                int cut = (int) Math.max(0, keepStart - pos);
                byte[] data = cut == 0 ? ch.data() : Arrays.copyOfRange(ch.data(), cut, ch.length());
                delegate().append(job, new LogChunk(seq[0]++, ch.stream(), ch.timestampMillis(), data));
            });
        }
        if (markerDue[0]) { // keep-tail 0: the marker ends the log
            LogChunk last = lastSeen[0];
            appendMarker(job, sum, seq[0], last == null ? LogStream.STDOUT : last.stream(),
                    last == null ? System.currentTimeMillis() : last.timestampMillis());
        }
    }

    private void appendMarker(JobId job, Summary sum, long seq, LogStream stream, long timestampMillis) {
        String line = (sum.headEndsLine ? "" : "\n") + "[" + markerText(sum) + "]\n";
        delegate().append(job, new LogChunk(seq, stream, timestampMillis, line.getBytes(StandardCharsets.UTF_8)));
    }

    // ---- reading, listing, deleting -------------------------------------------------------------------------------

    /**
     * The job's log's stat, with the bytes received and the dropped range: from the summary once the seal recorded
     * it; while the log is open, the bytes received so far and the range already discarded (the segments deleted).
     */
    @Override
    public LogStat stat(JobId job) {
        checkOpen();
        LogStat st = delegate().stat(job);
        if (job.isReserved()) {
            return st;
        }
        Optional<Summary> sum = readSummary(job);
        if (sum.isPresent()) {
            Summary s = sum.get();
            LogStat with = st.withReceived(s.receivedBytes, s.elided());
            return s.elidedLength > 0 ? with.withStatus(LogStatus.truncated(markerText(s))) : with;
        }
        if (st.sealed()) {
            return st;
        }
        List<Segment> segs = readSegments(job);
        if (segs.isEmpty()) {
            return st;
        }
        Segment first = segs.get(0);
        Segment last = segs.get(segs.size() - 1);
        long gone = first.header.receivedOffset - first.header.keepHead;
        Optional<ElidedRange> elided = gone > 0
                ? Optional.of(new ElidedRange(first.header.keepHead, gone, first.header.newlines))
                : Optional.empty();
        // The job's output goes on in the tail buffer while its own log stays at the head: the last chunk's time is
        // the buffer's, so that an idle-log sweep does not take a job that prints past its head for a lost one.
        long lastTimestamp = st.lastTimestampMillis();
        for (Segment seg : segs) {
            lastTimestamp = Math.max(lastTimestamp, delegate().stat(seg.id).lastTimestampMillis());
        }
        LogStat live = new LogStat(st.job(), st.chunks(), st.rawBytes(), st.storedBytes(), st.sealed(), st.crc32c(),
                st.tier(), lastTimestamp, st.status(), st.receivedBytes(), st.elided());
        return live.withReceived(last.endOffset(), elided);
    }

    /** Removes the job's log, its tail buffer and its summary. */
    @Override
    public void delete(JobId job) {
        checkOpen();
        if (!job.isReserved()) {
            for (int slot = 0; slot < SLOTS; slot++) {
                delegate().delete(segmentId(job, slot));
            }
            delegate().delete(summaryId(job));
        }
        delegate().delete(job);
        forget(job);
    }

    /** The store's own records are not jobs: they are left out, pages filled from further on. */
    @Override
    public JobPage list(String prefix, JobId startAfter, int limit) {
        checkOpen();
        List<JobId> jobs = new ArrayList<>(Math.min(limit, 256));
        JobId after = startAfter;
        while (true) {
            JobPage page = delegate().list(prefix, after, limit);
            for (JobId id : page.jobs()) {
                if (!id.isReserved() && jobs.size() < limit) {
                    jobs.add(id);
                    after = id;
                } else if (!id.isReserved()) {
                    return new JobPage(jobs, Optional.of(jobs.get(jobs.size() - 1)));
                } else {
                    after = id;
                }
            }
            if (page.nextStartAfter().isEmpty()) {
                return new JobPage(jobs, Optional.empty());
            }
            after = page.nextStartAfter().get();
            if (jobs.size() == limit) {
                return new JobPage(jobs, Optional.of(jobs.get(jobs.size() - 1)));
            }
        }
    }

    @Override
    public void importArchive(JobId job, InputStream archive) {
        refuseReserved(job, "import an archive");
        delegate().importArchive(job, archive);
        forget(job);
    }

    @Override
    public void close() {
        closed.set(true);
        super.close();
    }

    @Override
    public String toString() {
        return "SizeLimitLogStore[" + delegate() + "]";
    }
}

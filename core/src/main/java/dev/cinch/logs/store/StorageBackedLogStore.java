package dev.cinch.logs.store;

import dev.cinch.logs.ChunkConflictException;
import dev.cinch.logs.CorruptLogException;
import dev.cinch.logs.InvalidChunkException;
import dev.cinch.logs.InvalidRangeException;
import dev.cinch.logs.JobId;
import dev.cinch.logs.JobPage;
import dev.cinch.logs.LogCheck;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogFollower;
import dev.cinch.logs.LogLockedException;
import dev.cinch.logs.LogNotFoundException;
import dev.cinch.logs.LogNotSealedException;
import dev.cinch.logs.LogSealedException;
import dev.cinch.logs.LogRange;
import dev.cinch.logs.LogStat;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStoreClosedException;
import dev.cinch.logs.LogStoreException;
import dev.cinch.logs.LogStoreIOException;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.LogWriter;
import dev.cinch.logs.SequenceGapException;
import dev.cinch.logs.archive.ArchiveSummary;
import dev.cinch.logs.archive.ByteSource;
import dev.cinch.logs.archive.ChunkIndexEntry;
import dev.cinch.logs.archive.FrameCache;
import dev.cinch.logs.archive.SeekableArchiveReader;
import dev.cinch.logs.archive.SeekableArchiveWriter;
import dev.cinch.logs.codec.ChunkCodec;
import dev.cinch.logs.codec.ChunkDictionary;
import dev.cinch.logs.codec.Crc32c;
import dev.cinch.logs.codec.EncodedChunk;
import dev.cinch.logs.follow.StoreFollower;
import dev.cinch.logs.storage.ChunkDictionaries;
import dev.cinch.logs.storage.ArchiveUpload;
import dev.cinch.logs.storage.LogForm;
import dev.cinch.logs.storage.LogStorage;
import dev.cinch.logs.storage.LogTotals;
import dev.cinch.logs.storage.OpenLogAppender;
import dev.cinch.logs.storage.OpenLogSnapshot;
import dev.cinch.logs.storage.StaleSnapshotException;
import dev.cinch.logs.storage.StoredChunk;
import dev.cinch.logs.text.LineSlice;
import dev.cinch.logs.text.TailLines;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@link LogStore} every backend is used through: all of the SPI's semantics, written once, over a backend's
 * {@link LogStorage} (which only puts, fetches, lists and deletes). Here live the seq protocol, argument checks and
 * their messages, chunk encoding and every CRC check, byte-range, page and tail mapping with their limits, the seal
 * (streaming the checked chunks into the archive form), the archive hand-off (export that verifies what it writes,
 * import that verifies before anything is visible, and the same-content rule), follow, writer sessions and close.
 * See {@code docs/adr/0003-core-over-storage.md}.
 *
 * <p><b>Writers.</b> Appending takes the log's writer role from the backend ({@link LogStorage#openAppender}) and
 * keeps it in a slot until the log is sealed or deleted, the store closes, or the slot is closed as idle because more
 * than {@link LogStorage#maxOpenAppenders()} are open. The seq check and the write run under the slot's lock; the
 * wait for durability ({@link OpenLogAppender#sync}) runs outside it, so appends to many logs share a group commit.
 * A slot whose write or sync failed (an interrupted thread, a full disk), or whose backend found the writer role lost
 * ({@link LogLockedException}: a lease taken over by another instance), is dropped: the next append takes the role
 * again, and the backend's recovery runs.
 *
 * <p><b>Reads</b> never change what is stored. They find the archive first, then the open form, and once more the
 * archive when the log was sealed in between, so a seal racing a read is invisible to the reader.
 */
public final class StorageBackedLogStore implements LogStore {
    private static final Logger LOG = LoggerFactory.getLogger(StorageBackedLogStore.class);
    private static final int LOCK_STRIPES = 256;
    private static final int ARCHIVE_READERS = 128;
    /** Raw bytes of chunks an open-log tail fetches per read as it walks backwards (at least one whole chunk). */
    private static final int TAIL_BLOCK_BYTES = 64 << 10;
    /** Raw bytes of chunks an open-log line read fetches per read as it walks forwards (at least one whole chunk). */
    private static final int LINES_BLOCK_BYTES = 1 << 20;
    private static final int LINES_FIRST_BLOCK_BYTES = 64 << 10;
    /** Raw bytes of chunks a seal reads from the open log per batch. */
    private static final int SEAL_BATCH_BYTES = 8 << 20;
    /** Raw bytes {@link #verify} reads at once from an open log. */
    private static final int VERIFY_BATCH_BYTES = 8 << 20;

    private final StoreOptions options;
    private final LogStorage storage;
    private final ChunkCodec codec;
    private final FrameCache frameCache;
    private final ArchiveReaders archives;
    private final ConcurrentHashMap<JobId, Slot> slots = new ConcurrentHashMap<>();
    private final ReentrantLock[] stripes = new ReentrantLock[LOCK_STRIPES];
    private final AtomicBoolean closed = new AtomicBoolean();

    /** The writer role of one log held by this store, and what core tracks about it. */
    private static final class Slot {
        final JobId job;
        final OpenLogAppender appender;
        final ReentrantLock lock = new ReentrantLock();
        /** Set under {@link #lock} once the slot is out of service; holders look the log up again. */
        volatile boolean retired;
        /** A {@link LogWriter} session holds the slot: it is not closed as idle, and a second session is refused. */
        boolean session;

        Slot(JobId job, OpenLogAppender appender) {
            this.job = job;
            this.appender = appender;
        }
    }

    public StorageBackedLogStore(StoreOptions options, LogStorage storage) {
        this.options = options;
        this.storage = storage;
        this.codec = new ChunkCodec(options.chunkLevel());
        this.frameCache = new FrameCache(options.frameCacheBytes());
        this.archives = new ArchiveReaders(storage, ARCHIVE_READERS, frameCache);
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    @Override
    public String name() {
        return options.name();
    }

    @Override
    public Optional<dev.cinch.logs.archive.ArchiveOptions> archiveOptions() {
        return Optional.of(options.archive());
    }

    /** The backend this store runs on (for backend-specific tests and tools). */
    public LogStorage storage() {
        return storage;
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new LogStoreClosedException(name());
        }
    }

    private ReentrantLock stripe(JobId job) {
        return stripes[Math.floorMod(job.hashCode(), LOCK_STRIPES)];
    }

    // ---- writing -------------------------------------------------------------------------------------------------

    @Override
    public void append(JobId job, LogChunk chunk) {
        checkOpen();
        long seq = chunk.seq();
        if (chunk.length() > MAX_CHUNK_BYTES) {
            throw new InvalidChunkException(job, seq, "chunk of " + chunk.length() + " bytes exceeds the limit of " + MAX_CHUNK_BYTES);
        }
        if (chunk.timestampMillis() < 0) {
            throw new InvalidChunkException(job, seq, "negative timestamp " + chunk.timestampMillis());
        }
        byte[] data = chunk.data();
        // Outside any lock: compression is the expensive part.
        EncodedChunk body = storage instanceof ChunkDictionaries d ? codec.encode(data, d.current().orElse(null)) : codec.encode(data);
        while (true) {
            Slot slot = slotFor(job, seq);
            boolean wrote;
            slot.lock.lock();
            try {
                if (slot.retired) {
                    continue; // sealed, deleted or closed as idle meanwhile: look the log up again
                }
                wrote = writeLocked(slot, chunk, data, body);
            } catch (IOException e) {
                dropSlot(slot);
                throw new LogStoreIOException(job, "append of seq " + seq, e);
            } catch (LogLockedException e) {
                dropSlot(slot); // the backend lost the writer role (a lease taken over): the next append looks again
                throw e;
            } finally {
                slot.lock.unlock();
            }
            try {
                slot.appender.sync(); // also for a retry of a chunk still waiting for its commit
            } catch (IOException e) {
                if (!slot.retired) { // a seal or delete in between made the data durable or removed it itself
                    dropSlot(slot);
                    throw new LogStoreIOException(job, "append of seq " + seq + " (sync)", e);
                }
            } catch (LogLockedException e) {
                dropSlot(slot); // another instance stored this seq first: the chunk is not ours to acknowledge
                throw e;
            }
            if (wrote) {
                storage.changes().publish(job);
            }
            return;
        }
    }

    /** The seq protocol over what is written at each seq; writes the chunk when it is the next one. */
    private boolean writeLocked(Slot slot, LogChunk chunk, byte[] data, EncodedChunk body) throws IOException {
        JobId job = slot.job;
        long seq = chunk.seq();
        LogTotals written = slot.appender.written();
        if (seq < written.chunks()) {
            StoredChunk stored = slot.appender.chunk(seq);
            if (stored.entry().stream() != chunk.stream()) {
                throw new ChunkConflictException(job, seq, "stored on " + stored.entry().stream().wireName()
                        + ", retried on " + chunk.stream().wireName());
            }
            byte[] storedBytes = decode(job, stored);
            if (!chunk.sameBytes(storedBytes)) {
                throw new ChunkConflictException(job, seq, "stored " + storedBytes.length + " bytes, retried with "
                        + data.length + " different bytes");
            }
            return false; // an identical retry, whatever its timestamp: the first one stays
        }
        if (seq > written.chunks()) {
            throw new SequenceGapException(job, written.chunks(), seq);
        }
        ChunkIndexEntry entry = new ChunkIndexEntry(seq, written.rawBytes(), data.length, chunk.stream(),
                chunk.timestampMillis(), body.crc32c());
        slot.appender.write(new StoredChunk(entry, body), written.plus(entry, LogTotals.countNewlines(data)));
        return true;
    }

    /** The slot holding the job's writer role, taking the role when this store does not hold it yet. */
    private Slot slotFor(JobId job, long seq) {
        Slot slot = slots.get(job);
        if (slot != null) {
            return slot;
        }
        ReentrantLock lock = stripe(job);
        lock.lock();
        try {
            slot = slots.get(job);
            if (slot != null) {
                return slot;
            }
            LogForm form = storage.form(job);
            if (form == LogForm.SEALED) {
                throw new LogSealedException(job, seq);
            }
            if (form == LogForm.ABSENT && seq != 0) {
                throw new SequenceGapException(job, 0, seq); // nothing is created for a bad first seq
            }
            if (slots.size() >= storage.maxOpenAppenders()) {
                closeIdleSlots(Math.max(1, storage.maxOpenAppenders() / 4));
            }
            OpenLogAppender appender;
            try {
                appender = storage.openAppender(job, seq == 0)
                        .orElseThrow(() -> new SequenceGapException(job, 0, seq)); // deleted meanwhile
            } catch (LogSealedException e) {
                throw new LogSealedException(job, seq); // sealed by another instance meanwhile
            }
            slot = new Slot(job, appender);
            slots.put(job, slot);
            return slot;
        } catch (IOException e) {
            throw new LogStoreIOException(job, "taking the writer role for seq " + seq, e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes up to {@code count} slots nobody is using right now: logs whose worker vanished never seal, and each
     * open appender may hold resources. An appender still holding such a slot finds it retired and looks again.
     */
    private void closeIdleSlots(int count) {
        int done = 0;
        for (Slot slot : slots.values()) {
            if (done >= count) {
                break;
            }
            if (!slot.lock.tryLock()) {
                continue;
            }
            try {
                if (!slot.retired && !slot.session) {
                    retireLocked(slot);
                    done++;
                }
            } catch (IOException e) {
                LOG.warn("job {}: closing an idle writer failed: {}", slot.job, e.toString());
            } finally {
                slot.lock.unlock();
            }
        }
    }

    /** Takes the slot out of service and gives the writer role back (flushing), under its lock. */
    private void retireLocked(Slot slot) throws IOException {
        slot.retired = true;
        slots.remove(slot.job, slot);
        slot.appender.close();
    }

    /** Takes a failed slot out of service; the next append takes the role again and the backend recovers. */
    private void dropSlot(Slot slot) {
        slot.lock.lock();
        try {
            if (!slot.retired) {
                retireLocked(slot);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("job {}: closing a failed writer: {}", slot.job, e.toString());
        } finally {
            slot.lock.unlock();
        }
    }

    /** Retires the job's slot, if this store holds one; called under the job's stripe lock. */
    private void retireSlot(JobId job) throws IOException {
        Slot slot = slots.get(job);
        if (slot != null) {
            slot.lock.lock();
            try {
                if (!slot.retired) {
                    retireLocked(slot);
                }
            } finally {
                slot.lock.unlock();
            }
        }
    }

    @Override
    public LogWriter openWriter(JobId job) {
        checkOpen();
        while (true) {
            Slot slot = slotFor(job, 0);
            slot.lock.lock();
            try {
                if (slot.retired) {
                    continue;
                }
                if (slot.session) {
                    throw new LogLockedException(job, "another writer session of this store instance");
                }
                slot.session = true;
                return new Session(slot, slot.appender.written().chunks());
            } finally {
                slot.lock.unlock();
            }
        }
    }

    /** A {@link LogWriter}: appends through the store with seqs counted from where the log ended. */
    private final class Session implements LogWriter {
        private final Slot slot;
        private long nextSeq;
        private boolean closedSession;

        Session(Slot slot, long nextSeq) {
            this.slot = slot;
            this.nextSeq = nextSeq;
        }

        @Override
        public JobId job() {
            return slot.job;
        }

        @Override
        public long nextSeq() {
            return nextSeq;
        }

        @Override
        public void append(LogStream stream, long timestampMillis, byte[] data, int off, int len) {
            if (closedSession) {
                throw new IllegalStateException("writer session of job " + slot.job + " is closed");
            }
            byte[] piece = off == 0 && len == data.length ? data : java.util.Arrays.copyOfRange(data, off, off + len);
            StorageBackedLogStore.this.append(slot.job, new LogChunk(nextSeq, stream, timestampMillis, piece));
            nextSeq++;
        }

        @Override
        public void close() {
            if (!closedSession) {
                closedSession = true;
                slot.lock.lock();
                try {
                    slot.session = false;
                } finally {
                    slot.lock.unlock();
                }
            }
        }
    }

    // ---- seal ----------------------------------------------------------------------------------------------------

    @Override
    public void seal(JobId job) {
        checkOpen();
        ReentrantLock lock = stripe(job);
        lock.lock();
        try {
            while (true) {
                if (storage.form(job) == LogForm.SEALED) {
                    retireSlot(job);
                    storage.finishSeal(job); // the open form of a seal that stopped after its commit
                    break;
                }
                Slot slot = slots.get(job);
                if (slot == null) {
                    // Sealing a job that never appended stores an empty sealed log: it printed nothing.
                    Optional<OpenLogAppender> appender = storage.openAppender(job, true);
                    if (appender.isEmpty()) {
                        continue;
                    }
                    slot = new Slot(job, appender.get());
                    slots.put(job, slot);
                }
                slot.lock.lock();
                try {
                    if (slot.retired) {
                        continue;
                    }
                    sealLocked(slot);
                    retireLocked(slot);
                } finally {
                    slot.lock.unlock();
                }
                break;
            }
        } catch (IOException e) {
            throw new LogStoreIOException(job, "seal", e);
        } finally {
            lock.unlock();
        }
        archives.invalidate(job);
        storage.changes().publish(job);
    }

    /**
     * Streams the open log's chunks, each checked, into an archive, checks the archive against the open log's totals
     * and commits it: every chunk whose append has returned, and every one still waiting for its commit, is in it.
     */
    private void sealLocked(Slot slot) throws IOException {
        JobId job = slot.job;
        slot.appender.flush();
        LogTotals totals = slot.appender.written();
        try (ArchiveUpload upload = storage.newArchive(job);
             OpenLogSnapshot snapshot = slot.appender.snapshot()) {
            ArchiveSummary summary;
            OutputStream out = new BufferedOutputStream(upload.out(), 1 << 16);
            try (SeekableArchiveWriter writer = new SeekableArchiveWriter(out, options.archive())) {
                long seq = 0;
                while (seq < totals.chunks()) {
                    long to = batchEnd(snapshot, seq, totals.chunks(), SEAL_BATCH_BYTES);
                    for (StoredChunk c : snapshot.read(seq, to)) {
                        writer.addChunk(c.entry().stream(), c.entry().timestampMillis(), decode(job, c));
                    }
                    seq = to;
                }
                summary = writer.finish();
            }
            out.flush();
            if (summary.chunkCount() != totals.chunks() || summary.rawBytes() != totals.rawBytes()
                    || summary.crc32c() != totals.crc32c()) {
                throw new CorruptLogException(job, String.format("seal: the archive holds %d chunks, %d bytes, CRC32C"
                        + " %08x; the open log %d chunks, %d bytes, CRC32C %08x", summary.chunkCount(),
                        summary.rawBytes(), summary.crc32c(), totals.chunks(), totals.rawBytes(), totals.crc32c()));
            }
            upload.commit();
        }
    }

    // ---- reads ---------------------------------------------------------------------------------------------------

    /** What a read does with a sealed log and with an open one. */
    private interface Read<T> {
        T sealed(SeekableArchiveReader reader);

        T open(OpenLogSnapshot snapshot) throws IOException;
    }

    private <T> T read(JobId job, String operation, Read<T> read) {
        checkOpen();
        try {
            for (int attempt = 0; attempt < 3; attempt++) {
                Optional<ArchiveReaders.Lease> lease = archives.acquire(job);
                if (lease.isPresent()) {
                    try (ArchiveReaders.Lease l = lease.get()) {
                        return read.sealed(l.reader());
                    }
                }
                Optional<OpenLogSnapshot> snapshot = openSnapshot(job);
                if (snapshot.isPresent()) {
                    try (OpenLogSnapshot s = snapshot.get()) {
                        return read.open(s);
                    } catch (StaleSnapshotException e) {
                        continue; // sealed or deleted under the read: look again
                    }
                }
                if (storage.form(job) == LogForm.ABSENT) {
                    throw new LogNotFoundException(job);
                }
                // Sealed between the two look-ups: the next attempt finds the archive.
            }
            throw new LogStoreIOException(job, operation, new IOException("the log kept changing form during the read"));
        } catch (IOException e) {
            throw new LogStoreIOException(job, operation, e);
        }
    }

    /** The open log as this store's writer sees it (no I/O for its totals), or as the backend shows it. */
    private Optional<OpenLogSnapshot> openSnapshot(JobId job) throws IOException {
        Slot slot = slots.get(job);
        if (slot != null && !slot.retired) {
            try {
                return Optional.of(slot.appender.snapshot());
            } catch (StaleSnapshotException e) {
                // retired meanwhile: fall through to the backend's view
            }
        }
        Optional<OpenLogSnapshot> stored = storage.openSnapshot(job);
        // A writer of this instance may have started between the look-up above and the backend's read, and the
        // backend's view can include chunks that writer has written but not yet committed: a later read through the
        // writer's committed view would then show a shorter log than this one did. Once a writer is here, its view
        // answers, so that reads of one instance never go back.
        Slot now = slots.get(job);
        if (stored.isPresent() && now != null && !now.retired) {
            try {
                OpenLogSnapshot committed = now.appender.snapshot();
                stored.get().close();
                return Optional.of(committed);
            } catch (StaleSnapshotException e) {
                // retired meanwhile: the backend's view stands
            }
        }
        return stored;
    }

    @Override
    public LogStat stat(JobId job) {
        return read(job, "stat", new Read<>() {
            @Override
            public LogStat sealed(SeekableArchiveReader r) {
                return new LogStat(job, r.chunkCount(), r.rawSize(), r.archiveSize(), true, r.crc32c(), name(),
                        r.lastTimestampMillis());
            }

            @Override
            public LogStat open(OpenLogSnapshot s) {
                LogTotals t = s.totals();
                return new LogStat(job, t.chunks(), t.rawBytes(), s.storedBytes(), false, t.crc32c(), name(),
                        t.lastTimestampMillis());
            }
        });
    }

    @Override
    public boolean exists(JobId job) {
        checkOpen();
        try {
            return storage.form(job) != LogForm.ABSENT;
        } catch (RuntimeException e) {
            throw e instanceof LogStoreException l ? l : new LogStoreIOException(job, "exists", e);
        }
    }

    @Override
    public List<LogChunk> readChunks(JobId job, long fromSeq, int maxChunks) {
        checkOpen();
        if (maxChunks < 1 || maxChunks > MAX_PAGE_CHUNKS) {
            throw new InvalidRangeException(job, "maxChunks must be 1.." + MAX_PAGE_CHUNKS + ", got " + maxChunks);
        }
        if (fromSeq < 0) {
            throw new InvalidRangeException(job, "seq " + fromSeq + " is negative");
        }
        return read(job, "read chunks from seq " + fromSeq, new Read<>() {
            @Override
            public List<LogChunk> sealed(SeekableArchiveReader r) {
                checkSeq(job, fromSeq, r.chunkCount());
                return r.readChunks(fromSeq, maxChunks);
            }

            @Override
            public List<LogChunk> open(OpenLogSnapshot s) throws IOException {
                long count = s.totals().chunks();
                checkSeq(job, fromSeq, count);
                if (fromSeq == count) {
                    return List.of();
                }
                long to = batchEnd(s, fromSeq, Math.min(count, fromSeq + maxChunks), MAX_PAGE_BYTES);
                List<LogChunk> page = new ArrayList<>((int) (to - fromSeq));
                for (StoredChunk c : s.read(fromSeq, to)) {
                    page.add(new LogChunk(c.seq(), c.entry().stream(), c.entry().timestampMillis(), decode(job, c)));
                }
                return page;
            }
        });
    }

    @Override
    public LogCheck verify(JobId job) {
        checkOpen();
        try {
            return verifyReadable(job);
        } catch (CorruptLogException e) {
            // Damage found before any chunk could be checked: an archive whose index or seek table does not parse.
            return new LogCheck(job, name(), storage.form(job) == LogForm.SEALED, 0, 0, List.of(e.getMessage()), 1);
        }
    }

    private LogCheck verifyReadable(JobId job) {
        return read(job, "verify", new Read<>() {
            @Override
            public LogCheck sealed(SeekableArchiveReader r) {
                List<String> problems = new ArrayList<>(1);
                try {
                    r.verifyAll();
                } catch (CorruptLogException e) {
                    problems.add(e.getMessage());
                }
                return new LogCheck(job, name(), true, r.chunkCount(), r.rawSize(), problems, problems.size());
            }

            @Override
            public LogCheck open(OpenLogSnapshot s) throws IOException {
                return verifyOpen(job, s);
            }
        });
    }

    /**
     * Checks an open log chunk by chunk, going on past damage so that every damaged chunk is reported: a batch that
     * fails to read is read again one chunk at a time to find which ones fail.
     */
    private LogCheck verifyOpen(JobId job, OpenLogSnapshot s) throws IOException {
        LogTotals totals = s.totals();
        Findings report = new Findings();
        LogTotals seen = LogTotals.EMPTY;
        boolean chained = true; // false after an unreadable chunk: the next one's offset cannot be checked
        long seq = 0;
        while (seq < totals.chunks()) {
            long to;
            try {
                to = batchEnd(s, seq, Math.min(totals.chunks(), seq + MAX_PAGE_CHUNKS), VERIFY_BATCH_BYTES);
            } catch (CorruptLogException e) {
                to = seq + 1;
            }
            List<StoredChunk> batch;
            try {
                batch = s.read(seq, to);
            } catch (CorruptLogException e) {
                batch = new ArrayList<>();
                for (long q = seq; q < to; q++) {
                    try {
                        batch.addAll(s.read(q, q + 1));
                    } catch (CorruptLogException damaged) {
                        report.add(damaged.getMessage());
                    }
                }
            }
            long expected = seq;
            for (StoredChunk c : batch) {
                ChunkIndexEntry e = c.entry();
                chained &= e.seq() == expected;
                if (chained && e.rawOffset() != seen.rawBytes()) {
                    report.add(new CorruptLogException(job, "seq " + e.seq() + ": index says raw offset "
                            + e.rawOffset() + ", the chunks before it end at " + seen.rawBytes()).getMessage());
                }
                try {
                    decode(job, c);
                } catch (CorruptLogException damaged) {
                    report.add(damaged.getMessage());
                }
                seen = new LogTotals(e.seq() + 1, e.rawOffset() + e.length(),
                        Crc32c.combine(seen.crc32c(), e.crc32c(), e.length()), e.timestampMillis());
                chained = true;
                expected = e.seq() + 1;
            }
            chained &= expected == to;
            seq = to;
        }
        if (report.count == 0 && (seen.rawBytes() != totals.rawBytes() || seen.crc32c() != totals.crc32c())) {
            report.add(new CorruptLogException(job, "offset " + seen.rawBytes() + ": the chunks add up to "
                    + seen.rawBytes() + " bytes with CRC32C " + String.format("%08x", seen.crc32c()) + ", the log's totals say "
                    + totals.rawBytes() + " bytes with " + String.format("%08x", totals.crc32c())).getMessage());
        }
        return new LogCheck(job, name(), false, totals.chunks(), totals.rawBytes(), report.listed, report.count);
    }

    /** Problems {@link #verify} found: all counted, the first {@link LogCheck#MAX_LISTED_PROBLEMS} kept. */
    private static final class Findings {
        final List<String> listed = new ArrayList<>();
        long count;

        void add(String problem) {
            if (listed.size() < LogCheck.MAX_LISTED_PROBLEMS) {
                listed.add(problem);
            }
            count++;
        }
    }

    private static void checkSeq(JobId job, long fromSeq, long chunks) {
        if (fromSeq > chunks) {
            throw new InvalidRangeException(job, "seq " + fromSeq + " is outside the log (0.." + chunks + ")");
        }
    }

    /**
     * The end (exclusive) of a batch of chunks from {@code from}, at most {@code limit}, holding at most
     * {@code maxBytes} raw bytes but never fewer than one chunk. Costs two index look-ups, not a scan.
     */
    private static long batchEnd(OpenLogSnapshot s, long from, long limit, long maxBytes) throws IOException {
        ChunkIndexEntry first = s.entry(from);
        ChunkIndexEntry last = s.entry(limit - 1);
        if (last.rawOffset() + last.length() - first.rawOffset() <= maxBytes) {
            return limit;
        }
        // The chunk holding byte first + maxBytes would pass the bound; every chunk before it ends at or before it.
        long cut = s.seqAt(first.rawOffset() + maxBytes);
        return Math.max(from + 1, Math.min(cut, limit));
    }

    @Override
    public byte[] readRange(JobId job, long offset, int length) {
        checkRangeArguments(job, offset, length);
        return read(job, "read range at offset " + offset, new Read<>() {
            @Override
            public byte[] sealed(SeekableArchiveReader r) {
                checkOffset(job, offset, r.rawSize());
                return r.readRange(offset, length);
            }

            @Override
            public byte[] open(OpenLogSnapshot s) throws IOException {
                long size = s.totals().rawBytes();
                checkOffset(job, offset, size);
                byte[] out = new byte[(int) Math.min(length, size - offset)];
                copyOpenRange(job, s, offset, out, 0, out.length);
                return out;
            }
        });
    }

    /** Straight into the caller's buffer: no array per read (a sealed log's bytes are copied out of cached frames). */
    @Override
    public int readRange(JobId job, long offset, byte[] dst, int dstOffset, int length) {
        checkRangeArguments(job, offset, length);
        LogStore.checkBuffer(job, offset, dst, dstOffset, length);
        return read(job, "read range at offset " + offset, new Read<>() {
            @Override
            public Integer sealed(SeekableArchiveReader r) {
                checkOffset(job, offset, r.rawSize());
                return r.readRange(offset, dst, dstOffset, length);
            }

            @Override
            public Integer open(OpenLogSnapshot s) throws IOException {
                long size = s.totals().rawBytes();
                checkOffset(job, offset, size);
                int n = (int) Math.min(length, size - offset);
                copyOpenRange(job, s, offset, dst, dstOffset, n);
                return n;
            }
        });
    }

    private void checkRangeArguments(JobId job, long offset, int length) {
        checkOpen();
        if (offset < 0) {
            throw new InvalidRangeException(job, "offset " + offset + " is negative");
        }
        if (length < 0 || length > MAX_READ_BYTES) {
            throw new InvalidRangeException(job, "length " + length + " at offset " + offset + " must be 0.." + MAX_READ_BYTES);
        }
    }

    /** Copies bytes {@code [offset, offset + n)} of an open log, which must hold them, into {@code dst}. */
    private void copyOpenRange(JobId job, OpenLogSnapshot s, long offset, byte[] dst, int dstOffset, int n)
            throws IOException {
        if (n == 0) {
            return;
        }
        long from = s.seqAt(offset);
        long to = s.seqAt(offset + n - 1) + 1;
        for (StoredChunk c : s.read(from, to)) {
            byte[] data = decode(job, c);
            long start = Math.max(offset, c.entry().rawOffset());
            long end = Math.min(offset + n, c.entry().rawOffset() + data.length);
            if (end > start) {
                System.arraycopy(data, (int) (start - c.entry().rawOffset()), dst, dstOffset + (int) (start - offset),
                        (int) (end - start));
            }
        }
    }

    private static void checkOffset(JobId job, long offset, long size) {
        if (offset > size) {
            throw new InvalidRangeException(job, "offset " + offset + " is beyond the end of the log (" + size + " bytes)");
        }
    }

    @Override
    public byte[] readTailLines(JobId job, int lines) {
        checkOpen();
        if (lines < 0) {
            throw new InvalidRangeException(job, "tail lines must be >= 0, got " + lines);
        }
        return read(job, "tail " + lines + " lines", new Read<>() {
            @Override
            public byte[] sealed(SeekableArchiveReader r) {
                return r.tailLines(lines); // backwards one archive frame at a time, each decompressed once
            }

            @Override
            public byte[] open(OpenLogSnapshot s) {
                return TailLines.read(job, s.totals().rawBytes(), lines, new BackwardChunks(job, s));
            }
        });
    }

    @Override
    public byte[] readLines(JobId job, long fromLine, int count) {
        checkOpen();
        LineSlice.checkArguments(job, fromLine, count);
        return read(job, "read " + count + " lines from line " + fromLine, new Read<>() {
            @Override
            public byte[] sealed(SeekableArchiveReader r) {
                return r.readLines(fromLine, count); // from the frame the archive's line numbers point at
            }

            @Override
            public byte[] open(OpenLogSnapshot s) throws IOException {
                long seq = firstChunkForLine(s, fromLine);
                long before = seq == 0 ? 0 : s.newlinesBefore(seq);
                return LineSlice.read(job, fromLine, count, before, new ForwardChunks(job, s, seq));
            }
        });
    }

    @Override
    public List<LogRange> rangesThatMayContain(JobId job, byte[] literal) {
        checkOpen();
        java.util.Objects.requireNonNull(literal, "literal");
        return read(job, "look up where a literal may occur", new Read<>() {
            @Override
            public List<LogRange> sealed(SeekableArchiveReader r) {
                java.util.Optional<java.util.BitSet> frames = r.framesThatMayContain(literal);
                if (frames.isEmpty()) {
                    return List.of(new LogRange(0, r.rawSize(), 0));
                }
                // Consecutive candidate frames make one range, so a reader never cuts an occurrence between them.
                List<LogRange> ranges = new ArrayList<>();
                java.util.BitSet may = frames.get();
                for (int f = may.nextSetBit(0); f >= 0; ) {
                    int end = may.nextClearBit(f);
                    long from = r.frameRawOffset(f);
                    ranges.add(new LogRange(from, r.frameRawOffset(end) - from, r.frameFirstLine(f)));
                    f = may.nextSetBit(end);
                }
                return ranges;
            }

            @Override
            public List<LogRange> open(OpenLogSnapshot s) {
                return List.of(new LogRange(0, s.totals().rawBytes(), 0)); // open logs keep no filters
            }
        });
    }

    /**
     * The chunk an open log's line read starts from: the last one with fewer than {@code fromLine - 1} newlines before
     * it (it holds the newline that ends line {@code fromLine - 1}; seq 0 for line 1, the last chunk when the log has
     * fewer lines), found by a binary search over the counts the backend recorded at append, so a read costs
     * {@code O(log chunks)} index look-ups plus the answer.
     *
     * <p>A backend may know the counts of a prefix of the chunks only (the fs store's frames that a writer of another
     * process has not indexed yet): the search then first finds where the known counts end and, when the line lies
     * beyond them, reads on from the last counted chunk. A log stored before counts were kept knows none: it is read
     * from its first chunk, as before (ADR 0009), which is correct but costs the log up to the answer's end.
     */
    static long firstChunkForLine(OpenLogSnapshot s, long fromLine) throws IOException {
        long chunks = s.totals().chunks();
        if (chunks == 0 || fromLine == 1) {
            return 0;
        }
        long known = chunks; // the last seq whose newlinesBefore is known; newlinesBefore(0) always is
        if (s.newlinesBefore(chunks) == LogTotals.UNKNOWN_NEWLINES) {
            long lo = 0;
            long hi = chunks - 1;
            while (lo < hi) {
                long mid = (lo + hi + 1) >>> 1;
                if (s.newlinesBefore(mid) != LogTotals.UNKNOWN_NEWLINES) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            known = lo;
        }
        long skip = fromLine - 1;
        long lo = 0; // newlinesBefore(0) == 0 < skip
        long hi = Math.min(known, chunks - 1);
        while (lo < hi) {
            long mid = (lo + hi + 1) >>> 1;
            long before = s.newlinesBefore(mid);
            if (before == LogTotals.UNKNOWN_NEWLINES) {
                return 0; // counts known for a prefix only, as promised: be safe if a backend says otherwise
            }
            if (before < skip) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        // Step back over empty chunks: when the line lies past the end, LineSlice tells "one past the last line" from
        // "beyond it" by the log's last byte, which only a chunk with bytes shows. Counts before them are no higher.
        while (lo > 0 && s.entry(lo).length() == 0) {
            lo--;
        }
        return lo;
    }

    /**
     * An open log read forwards from a chunk, one chunk at a time, each decoded only when the walk gets to it
     * (a damaged chunk after the answer never fails the read); bodies are fetched about {@link #LINES_BLOCK_BYTES}
     * at a time (the first fetch {@link #LINES_FIRST_BLOCK_BYTES}, doubling from there, so that a short answer
     * fetches little).
     */
    private final class ForwardChunks implements LineSlice.ForwardBlocks {
        private final JobId job;
        private final OpenLogSnapshot snapshot;
        private final long chunks;
        private final ArrayDeque<StoredChunk> fetched = new ArrayDeque<>();
        private long nextSeq;
        private long blockBytes = LINES_FIRST_BLOCK_BYTES;

        ForwardChunks(JobId job, OpenLogSnapshot snapshot, long fromSeq) {
            this.job = job;
            this.snapshot = snapshot;
            this.chunks = snapshot.totals().chunks();
            this.nextSeq = fromSeq;
        }

        @Override
        public LineSlice.Block next() {
            if (fetched.isEmpty()) {
                if (nextSeq == chunks) {
                    return null;
                }
                try {
                    long to = batchEnd(snapshot, nextSeq, chunks, blockBytes);
                    blockBytes = Math.min(LINES_BLOCK_BYTES, blockBytes * 2);
                    List<StoredChunk> batch = snapshot.read(nextSeq, to);
                    if (batch.size() != to - nextSeq) {
                        throw new CorruptLogException(job, "seq " + (nextSeq + batch.size()) + ": the index lists "
                                + (to - nextSeq) + " chunks from seq " + nextSeq + ", " + batch.size() + " were read");
                    }
                    fetched.addAll(batch);
                    nextSeq = to;
                } catch (IOException e) {
                    throw new LogStoreIOException(job, "line read from seq " + nextSeq, e);
                }
            }
            StoredChunk c = fetched.poll();
            return new LineSlice.Block(c.entry().rawOffset(), decode(job, c));
        }
    }

    /**
     * An open log read backwards one chunk at a time, each decoded once and only when the tail gets to it (a damaged
     * chunk outside the answer never fails the tail); bodies are fetched about {@link #TAIL_BLOCK_BYTES} at a time.
     */
    private final class BackwardChunks implements TailLines.BackwardBlocks {
        private final JobId job;
        private final OpenLogSnapshot snapshot;
        private final ArrayDeque<StoredChunk> fetched = new ArrayDeque<>();

        BackwardChunks(JobId job, OpenLogSnapshot snapshot) {
            this.job = job;
            this.snapshot = snapshot;
        }

        @Override
        public TailLines.Block endingAt(long end) {
            while (true) {
                StoredChunk c = fetched.pollLast();
                if (c == null) {
                    fetchBefore(end);
                    continue;
                }
                ChunkIndexEntry e = c.entry();
                if (e.length() > 0 && e.rawOffset() + e.length() == end) {
                    return new TailLines.Block(e.rawOffset(), decode(job, c));
                }
                // an empty chunk: nothing to show
            }
        }

        private void fetchBefore(long end) {
            try {
                long last = snapshot.seqAt(end - 1);
                long first = Math.min(last, snapshot.seqAt(Math.max(0, end - TAIL_BLOCK_BYTES)));
                fetched.addAll(snapshot.read(first, last + 1));
            } catch (IOException e) {
                throw new LogStoreIOException(job, "tail read before offset " + end, e);
            }
        }
    }

    /** Decodes a stored chunk and checks its length and CRC32C against its entry. */
    private byte[] decode(JobId job, StoredChunk c) {
        EncodedChunk body = c.body();
        ChunkIndexEntry e = c.entry();
        if (body.rawLength() != e.length() || body.crc32c() != e.crc32c()) {
            throw new CorruptLogException(job, "seq " + e.seq() + ": stored body says " + body.rawLength()
                    + " bytes with CRC32C " + String.format("%08x", body.crc32c()) + ", its index entry "
                    + e.length() + " bytes with " + String.format("%08x", e.crc32c()));
        }
        byte[] payload = body.payload();
        return codec.decode(job, e.seq(), payload, 0, payload.length, body.encoding(), e.length(), e.crc32c(),
                dictionaryOf(job, e.seq(), body.dictionaryId()));
    }

    /** The dictionary a stored chunk records, or null for none; an id the storage does not have is corruption. */
    private ChunkDictionary dictionaryOf(JobId job, long seq, int id) {
        if (id == 0) {
            return null;
        }
        Optional<ChunkDictionary> d;
        try {
            d = storage instanceof ChunkDictionaries dictionaries ? dictionaries.dictionary(id) : Optional.empty();
        } catch (IOException e) {
            throw new LogStoreIOException(job, "read dictionary " + id + " for seq " + seq, e);
        }
        return d.orElseThrow(() -> new CorruptLogException(job, "seq " + seq + ": compressed with dictionary " + id
                + ", which this store does not have"));
    }

    @Override
    public LogFollower follow(JobId job, long fromSeq) {
        checkOpen();
        return new StoreFollower(this, job, fromSeq, storage.changes());
    }

    // ---- delete and list -----------------------------------------------------------------------------------------

    @Override
    public void delete(JobId job) {
        checkOpen();
        ReentrantLock lock = stripe(job);
        lock.lock();
        try {
            retireSlot(job);
            storage.delete(job);
        } catch (IOException e) {
            throw new LogStoreIOException(job, "delete", e);
        } finally {
            lock.unlock();
            archives.invalidate(job);
        }
        storage.changes().publish(job);
    }

    @Override
    public JobPage list(String prefix, JobId startAfter, int limit) {
        checkOpen();
        if (!JobId.isValidPrefix(prefix)) {
            throw new LogStoreException(null, "invalid list prefix '" + (prefix == null ? "null" : prefix.replaceAll("[^A-Za-z0-9_-]", "?"))
                    + "': must be a job id prefix");
        }
        if (limit < 1 || limit > MAX_LIST_PAGE) {
            throw new LogStoreException(null, "list limit must be 1.." + MAX_LIST_PAGE + ", got " + limit);
        }
        try {
            return storage.list(prefix, startAfter, limit);
        } catch (IOException e) {
            throw new LogStoreIOException(null, "list of prefix '" + prefix + "'", e);
        }
    }

    // ---- archive hand-off ----------------------------------------------------------------------------------------

    @Override
    public void exportArchive(JobId job, OutputStream out) {
        checkOpen();
        try {
            Optional<ArchiveReaders.Lease> lease = archives.acquire(job);
            if (lease.isEmpty()) {
                throw storage.form(job) == LogForm.ABSENT ? new LogNotFoundException(job)
                        : new LogNotSealedException(job, "archive export");
            }
            try (ArchiveReaders.Lease l = lease.get()) {
                l.reader().copyVerified(out);
            }
        } catch (IOException e) {
            throw new LogStoreIOException(job, "archive export", e);
        }
    }

    @Override
    public void importArchive(JobId job, InputStream archive) {
        checkOpen();
        try (ArchiveUpload upload = storage.newArchive(job)) {
            OutputStream out = upload.out();
            archive.transferTo(out);
            out.flush();
            SeekableArchiveReader incoming;
            try (ByteSource staged = upload.staged()) {
                try {
                    incoming = SeekableArchiveReader.open(staged, job);
                    incoming.verifyAll();
                } catch (LogStoreException e) {
                    throw e;
                } catch (RuntimeException e) {
                    throw new CorruptLogException(job, "imported archive: " + e, e);
                }
            }
            ReentrantLock lock = stripe(job);
            lock.lock();
            try {
                if (storage.form(job) != LogForm.ABSENT) {
                    LogStat existing = stat(job);
                    if (existing.sealed() && existing.chunks() == incoming.chunkCount()
                            && existing.rawBytes() == incoming.rawSize() && existing.crc32c() == incoming.crc32c()
                            && existing.lastTimestampMillis() == incoming.lastTimestampMillis()) {
                        return; // the same log again: a resumed move
                    }
                    throw new ChunkConflictException(job, 0, "import of an archive (" + incoming.chunkCount()
                            + " chunks, " + incoming.rawSize() + " bytes, " + String.format("crc32c:%08x", incoming.crc32c())
                            + ") over a stored " + (existing.sealed() ? "sealed" : "open") + " log ("
                            + existing.chunks() + " chunks, " + existing.rawBytes() + " bytes, " + existing.checksum() + ")");
                }
                upload.commit();
            } finally {
                lock.unlock();
            }
        } catch (IOException e) {
            throw new LogStoreIOException(job, "archive import", e);
        }
        archives.invalidate(job);
        storage.changes().publish(job);
    }

    // ---- close ---------------------------------------------------------------------------------------------------

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<Exception> failures = new ArrayList<>();
        for (Slot slot : slots.values()) {
            slot.lock.lock();
            try {
                if (!slot.retired) {
                    retireLocked(slot);
                }
            } catch (IOException | RuntimeException e) {
                failures.add(e);
            } finally {
                slot.lock.unlock();
            }
        }
        slots.clear();
        archives.close();
        try {
            storage.close();
        } catch (RuntimeException e) {
            failures.add(e);
        }
        codec.close();
        frameCache.close();
        if (!failures.isEmpty()) {
            LogStoreIOException e = new LogStoreIOException(null, "closing the " + name() + " store", failures.get(0));
            failures.subList(1, failures.size()).forEach(e::addSuppressed);
            throw e;
        }
    }

    /** The cache of decompressed archive frames all reads of this store share (for tests and metrics). */
    public FrameCache frameCache() {
        return frameCache;
    }

    /** Writer roles this store holds right now (for tests and metrics). */
    public int openWriters() {
        return slots.size();
    }

    @Override
    public String toString() {
        return "LogStore[" + name() + " on " + storage + "]";
    }
}

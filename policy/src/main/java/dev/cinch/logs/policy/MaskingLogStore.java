package dev.cinch.logs.policy;

import dev.cinch.logs.ForwardingLogStore;
import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogFollower;
import dev.cinch.logs.LogRange;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.LogWriter;
import dev.cinch.logs.text.LogSearch;
import dev.cinch.logs.text.SearchMatch;
import dev.cinch.logs.text.SearchOptions;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Masks a job's registered secrets ({@link JobSecrets}) in every chunk before the store below keeps it, so no backend
 * ever holds them: each occurrence of a secret, or of its base64 or URL-encoded forms ({@link SecretForms}), has the
 * bytes it covers in the chunk replaced by {@code *}, one for one, so offsets and sizes stay those of the output.
 *
 * <p><b>Chunk boundaries.</b> Each chunk is scanned after the last bytes stored before it (one byte less than the
 * longest form), so a secret split over two chunks is found when its second part arrives, and that part is masked.
 * The part in the earlier chunk was stored before the rest existed and stays; so the stored log never holds a whole
 * secret, whatever the boundaries, but may hold the first bytes of one that a chunk boundary cut.
 *
 * <p><b>Retries.</b> Those preceding bytes are taken as stored, never from memory of raw output, so a chunk sent
 * again (after a timeout, by a worker after a restart, to another server instance) is masked to the same bytes and
 * the store's identical-retry check accepts it. They are cached per job; without them (a new instance, a changed
 * secret set) they are read back from the store.
 *
 * <p>Secrets are asked for when a job's first chunk arrives and again every {@code refresh} while it is written; a
 * secret registered later masks what comes after. Bytes stored before a secret was registered are not rewritten, but
 * they are never served either: every read through this store (ranges, chunks, tails, lines, follow, search, export)
 * masks the job's current secrets in what it returns ({@link MaskedReads}), with the bytes around each piece, so a
 * secret crossing a piece's edge is masked in both pieces. Reads of a job with no secret cost one look-up of its
 * secrets per {@code refresh}.
 */
public final class MaskingLogStore extends ForwardingLogStore {
    /** What a masked byte becomes. */
    static final byte MASK = '*';
    /** Shorter secrets are not masked (see {@link SecretForms}). */
    public static final int MIN_SECRET_BYTES = SecretForms.MIN_SECRET_BYTES;
    public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(2);
    /** Jobs whose masking state is kept; a job beyond it reads its preceding bytes back from the store. */
    private static final int MAX_JOBS = 4096;
    /** Distinct secret sets whose scanners are kept for jobs to come (a job's mask keeps its own in use). */
    private static final int MAX_SECRET_SETS = 256;

    private final JobSecrets secrets;
    /** Scanners by secret set, most recently used last; guarded by {@code masks}. */
    private final Map<List<ByteBuffer>, SecretScanner> scanners = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<List<ByteBuffer>, SecretScanner> eldest) {
            return size() > MAX_SECRET_SETS;
        }
    };
    private final MaskedReads reads;
    private final long refreshNanos;
    private final Map<JobId, JobMask> masks = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<JobId, JobMask> eldest) {
            return size() > MAX_JOBS;
        }
    };

    public MaskingLogStore(LogStore store, JobSecrets secrets) {
        this(store, secrets, DEFAULT_REFRESH);
    }

    public MaskingLogStore(LogStore store, JobSecrets secrets, Duration refresh) {
        super(store);
        this.secrets = Objects.requireNonNull(secrets, "secrets");
        this.refreshNanos = refresh.toNanos();
        this.reads = new MaskedReads(store, MASK);
    }

    /** One job's masking: the scanner for its current secrets and the stored bytes around the last chunk masked. */
    private static final class JobMask {
        final List<ByteBuffer> fingerprint;
        final SecretScanner scanner; // null: no secret long enough to mask
        long loadedAt;
        long lastSeq = -1;
        byte[] carryBeforeLast;
        byte[] carryAfterLast;

        JobMask(List<ByteBuffer> fingerprint, SecretScanner scanner, long loadedAt) {
            this.fingerprint = fingerprint;
            this.scanner = scanner;
            this.loadedAt = loadedAt;
        }

        /** Remembers that the chunk of {@code seq}, read after {@code carry}, was stored as {@code stored}. */
        void stored(long seq, byte[] carry, byte[] stored) {
            lastSeq = seq;
            carryBeforeLast = carry;
            carryAfterLast = scanner.carryAfter(carry, stored);
        }
    }

    private JobMask maskFor(JobId job) {
        long now = System.nanoTime();
        synchronized (masks) {
            JobMask m = masks.get(job);
            if (m != null && now - m.loadedAt < refreshNanos) {
                return m;
            }
        }
        List<byte[]> values = secrets.secretsOf(job); // outside the lock: a source may read a database
        List<ByteBuffer> fingerprint = new ArrayList<>(values.size());
        for (byte[] v : values) {
            fingerprint.add(ByteBuffer.wrap(v.clone()));
        }
        fingerprint.sort(null);
        synchronized (masks) {
            JobMask m = masks.get(job);
            if (m != null && m.fingerprint.equals(fingerprint)) {
                m.loadedAt = now;
                return m;
            }
            JobMask fresh = new JobMask(fingerprint, scannerOf(fingerprint), now);
            masks.put(job, fresh);
            return fresh;
        }
    }

    /**
     * The scanner of a set of secrets, shared by the jobs that have the same set (the jobs of one repository often do:
     * its forge token, its secret env values), so each set's forms and 64 KiB shift table are built and held once.
     * Caller holds {@code masks}.
     */
    private SecretScanner scannerOf(List<ByteBuffer> fingerprint) {
        if (fingerprint.isEmpty()) {
            return null;
        }
        SecretScanner shared = scanners.get(fingerprint);
        if (shared == null) {
            List<byte[]> patterns = new ArrayList<>();
            for (ByteBuffer v : fingerprint) {
                patterns.addAll(SecretForms.of(v.array()));
            }
            shared = patterns.isEmpty() ? null : new SecretScanner(patterns);
            if (shared != null) {
                scanners.put(fingerprint, shared);
            }
        }
        return shared;
    }

    /**
     * The bytes the chunk of {@code seq} is read after: the end of what is stored before it, as stored (so a retry, or
     * another instance, masks the chunk to the same bytes). Caller holds the job's mask.
     */
    private byte[] carryBefore(JobId job, JobMask m, long seq) {
        if (seq <= 0) {
            return new byte[0];
        }
        if (m.lastSeq == seq - 1) {
            return m.carryAfterLast;
        }
        if (m.lastSeq == seq) {
            return m.carryBeforeLast;
        }
        return carryFromStored(job, m.scanner, seq);
    }

    private byte[] carryFromStored(JobId job, SecretScanner scanner, long seq) {
        return MaskedReads.bytesBefore(delegate(), job, seq, scanner.maxLength() - 1);
    }

    @Override
    public void append(JobId job, LogChunk chunk) {
        JobMask m = maskFor(job);
        if (m.scanner == null) {
            delegate().append(job, chunk);
            return;
        }
        synchronized (m) {
            byte[] carry = carryBefore(job, m, chunk.seq());
            byte[] data = chunk.data();
            byte[] stored = m.scanner.mask(carry, data, MASK);
            delegate().append(job, stored == data ? chunk : new LogChunk(chunk.seq(), chunk.stream(), chunk.timestampMillis(), stored));
            m.stored(chunk.seq(), carry, stored); // only once the store took it
        }
    }

    @Override
    public LogWriter openWriter(JobId job) {
        LogWriter writer = delegate().openWriter(job);
        return new ForwardingLogWriter(writer) {
            @Override
            public void append(LogStream stream, long timestampMillis, byte[] data, int off, int len) {
                JobMask m = maskFor(job);
                if (m.scanner == null) {
                    writer.append(stream, timestampMillis, data, off, len);
                    return;
                }
                synchronized (m) {
                    long seq = writer.nextSeq();
                    byte[] carry = carryBefore(job, m, seq);
                    byte[] raw = Arrays.copyOfRange(data, off, off + len);
                    byte[] stored = m.scanner.mask(carry, raw, MASK);
                    writer.append(stream, timestampMillis, stored, 0, stored.length);
                    m.stored(seq, carry, stored);
                }
            }
        };
    }

    /** The job's scanner now, for reads; null when it has no secret to mask. */
    private SecretScanner scannerFor(JobId job) {
        return maskFor(job).scanner;
    }

    @Override
    public byte[] readRange(JobId job, long offset, int length) {
        SecretScanner s = scannerFor(job);
        return s == null ? delegate().readRange(job, offset, length) : reads.readRange(job, s, offset, length);
    }

    @Override
    public List<LogChunk> readChunks(JobId job, long fromSeq, int maxChunks) {
        SecretScanner s = scannerFor(job);
        return s == null ? delegate().readChunks(job, fromSeq, maxChunks) : reads.readChunks(job, s, fromSeq, maxChunks);
    }

    @Override
    public byte[] readTailLines(JobId job, int lines) {
        SecretScanner s = scannerFor(job);
        return s == null ? delegate().readTailLines(job, lines) : reads.readTailLines(job, s, lines);
    }

    @Override
    public byte[] readLines(JobId job, long fromLine, int count) {
        SecretScanner s = scannerFor(job);
        return s == null ? delegate().readLines(job, fromLine, count) : reads.readLines(job, s, fromLine, count);
    }

    @Override
    public LogFollower follow(JobId job, long fromSeq) {
        return reads.follow(job, fromSeq, this::scannerFor);
    }

    @Override
    public void exportArchive(JobId job, OutputStream out) {
        SecretScanner s = scannerFor(job);
        if (s == null) {
            delegate().exportArchive(job, out);
        } else {
            reads.exportArchive(job, s, out);
        }
    }

    /** Searched as served: through this store's reads, so a match never shows a secret. */
    @Override
    public Stream<SearchMatch> search(JobId job, String pattern, SearchOptions options) {
        return scannerFor(job) == null
                ? delegate().search(job, pattern, options)
                : LogSearch.search(this, job, pattern, options);
    }

    /**
     * The store's candidate ranges hold every occurrence of a literal without {@code *} in the served bytes too (a
     * masked byte is a {@code *} or a {@code \n} that was there); a literal with one may match where a secret was.
     */
    @Override
    public List<LogRange> rangesThatMayContain(JobId job, byte[] literal) {
        for (byte b : literal) {
            if (b == MASK && scannerFor(job) != null) {
                return List.of(new LogRange(0, delegate().stat(job).rawBytes(), 0));
            }
        }
        return delegate().rangesThatMayContain(job, literal);
    }

    private void forget(JobId job) {
        synchronized (masks) {
            masks.remove(job);
        }
    }

    @Override
    public void seal(JobId job) {
        delegate().seal(job);
        forget(job);
    }

    @Override
    public void delete(JobId job) {
        delegate().delete(job);
        forget(job);
    }

    /** An imported archive is stored as it is: it was masked where it was written, or comes from an operator. */
    @Override
    public void importArchive(JobId job, InputStream archive) {
        delegate().importArchive(job, archive);
        forget(job);
    }

    @Override
    public String toString() {
        return "MaskingLogStore[" + delegate() + "]";
    }
}

package dev.cinch.logs.policy;

import dev.cinch.logs.ForwardingLogStore;
import dev.cinch.logs.InvalidRangeException;
import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogNotFoundException;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.LogWriter;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Masks a job's registered secrets ({@link JobSecrets}) in every chunk before the store below keeps it, so no backend
 * ever holds them: each occurrence of a secret, or of its base64 or URL-encoded forms ({@link SecretForms}), has the
 * bytes it covers in the chunk replaced by {@code *}, one for one, so offsets and sizes stay those of the output.
 *
 * <p><b>Chunk boundaries.</b> A secret split over two chunks is found when its second part arrives (the matcher's
 * state carries over), and that part is masked. The part in the earlier chunk was stored before the rest existed and
 * stays; so the stored log never holds a whole secret, whatever the boundaries, but may hold the first bytes of one
 * that a chunk boundary cut.
 *
 * <p><b>Retries.</b> The state a chunk is masked from is derived from the bytes already stored before it, never
 * from memory of raw output, so a chunk sent again (after a timeout, by a worker after a restart, to another server
 * instance) is masked to the same bytes and the store's idempotent-retry check accepts it. The state is cached per
 * job; without it (a new instance, a changed secret set) it is rebuilt by reading back the last
 * {@code longest-form} bytes stored.
 *
 * <p>Secrets are asked for when a job's first chunk arrives and again every {@code refresh} while it is written; a
 * secret registered later masks what comes after. Bytes stored before a secret was registered are not rewritten.
 */
public final class MaskingLogStore extends ForwardingLogStore {
    /** What a masked byte becomes. */
    static final byte MASK = '*';
    /** Shorter secrets are not masked (see {@link SecretForms}). */
    public static final int MIN_SECRET_BYTES = SecretForms.MIN_SECRET_BYTES;
    public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(2);
    /** Jobs whose masking state is kept; a job beyond it rebuilds its state from stored bytes. */
    private static final int MAX_JOBS = 4096;

    private final JobSecrets secrets;
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
    }

    /** One job's masking: the matcher for its current secrets and the matcher state after the last chunk masked. */
    private static final class JobMask {
        final List<ByteBuffer> fingerprint;
        final SecretMatcher matcher; // null: no secret long enough to mask
        long loadedAt;
        long lastSeq = -1;
        int stateBeforeLast;
        int stateAfterLast;

        JobMask(List<ByteBuffer> fingerprint, SecretMatcher matcher, long loadedAt) {
            this.fingerprint = fingerprint;
            this.matcher = matcher;
            this.loadedAt = loadedAt;
        }
    }

    /** A chunk's bytes as stored, and the matcher state after them. */
    record Masked(byte[] bytes, int stateAfter, boolean changed) {
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
            List<byte[]> patterns = new ArrayList<>();
            for (byte[] v : values) {
                patterns.addAll(SecretForms.of(v));
            }
            JobMask fresh = new JobMask(fingerprint, patterns.isEmpty() ? null : new SecretMatcher(patterns), now);
            masks.put(job, fresh);
            return fresh;
        }
    }

    /** Masks {@code data} scanned from {@code state}; the state after it follows the bytes as stored. */
    static Masked mask(SecretMatcher matcher, int state, byte[] data) {
        byte[] out = null;
        int s = state;
        for (int i = 0; i < data.length; i++) {
            s = matcher.next(s, data[i]);
            int length = matcher.longestMatch(s);
            if (length > 0) {
                if (out == null) {
                    out = data.clone();
                }
                Arrays.fill(out, Math.max(0, i - length + 1), i + 1, MASK);
            }
        }
        if (out == null) {
            return new Masked(data, s, false);
        }
        int after = state;
        for (byte b : out) {
            after = matcher.next(after, b);
        }
        return new Masked(out, after, true);
    }

    /** The matcher state after the stored chunks before {@code seq}. Caller holds the job's mask. */
    private int stateBefore(JobId job, JobMask m, long seq) {
        if (seq <= 0) {
            return 0;
        }
        if (m.lastSeq == seq - 1) {
            return m.stateAfterLast;
        }
        if (m.lastSeq == seq) {
            return m.stateBeforeLast;
        }
        return stateFromStored(job, m.matcher, seq);
    }

    /**
     * Rebuilds the state from the stored bytes before {@code seq}: it depends only on the last
     * {@link SecretMatcher#maxPatternLength()} of them, read back page by page. When nothing is stored there (an
     * unknown job, a gap) the root state is returned and the store below refuses the chunk as it would anyway.
     */
    private int stateFromStored(JobId job, SecretMatcher matcher, long seq) {
        int need = matcher.maxPatternLength();
        ArrayDeque<byte[]> pieces = new ArrayDeque<>();
        long have = 0;
        long from = seq;
        int page = 16;
        try {
            while (from > 0 && have < need) {
                int count = (int) Math.min(from, page);
                List<LogChunk> got = delegate().readChunks(job, from - count, count);
                if (got.isEmpty() || got.get(got.size() - 1).seq() != from - 1) {
                    got = delegate().readChunks(job, from - 1, 1); // a page cut short by its byte limit: big chunks
                    if (got.isEmpty() || got.get(0).seq() != from - 1) {
                        return 0;
                    }
                }
                for (int i = got.size() - 1; i >= 0 && have < need; i--) {
                    byte[] d = got.get(i).data();
                    pieces.addFirst(d);
                    have += d.length;
                    from = got.get(i).seq();
                }
                page = Math.min(page * 4, LogStore.MAX_PAGE_CHUNKS);
            }
        } catch (LogNotFoundException | InvalidRangeException e) {
            return 0;
        }
        ByteArrayOutputStream tail = new ByteArrayOutputStream((int) Math.min(have, Integer.MAX_VALUE));
        for (byte[] p : pieces) {
            tail.writeBytes(p);
        }
        byte[] bytes = tail.toByteArray();
        int s = 0;
        for (int i = Math.max(0, bytes.length - need); i < bytes.length; i++) {
            s = matcher.next(s, bytes[i]);
        }
        return s;
    }

    @Override
    public void append(JobId job, LogChunk chunk) {
        JobMask m = maskFor(job);
        if (m.matcher == null) {
            delegate().append(job, chunk);
            return;
        }
        synchronized (m) {
            int before = stateBefore(job, m, chunk.seq());
            Masked r = mask(m.matcher, before, chunk.data());
            delegate().append(job, r.changed() ? new LogChunk(chunk.seq(), chunk.stream(), chunk.timestampMillis(), r.bytes()) : chunk);
            m.lastSeq = chunk.seq();
            m.stateBeforeLast = before;
            m.stateAfterLast = r.stateAfter();
        }
    }

    @Override
    public LogWriter openWriter(JobId job) {
        LogWriter writer = delegate().openWriter(job);
        return new ForwardingLogWriter(writer) {
            @Override
            public void append(LogStream stream, long timestampMillis, byte[] data, int off, int len) {
                JobMask m = maskFor(job);
                if (m.matcher == null) {
                    writer.append(stream, timestampMillis, data, off, len);
                    return;
                }
                synchronized (m) {
                    long seq = writer.nextSeq();
                    int before = stateBefore(job, m, seq);
                    Masked r = mask(m.matcher, before, Arrays.copyOfRange(data, off, off + len));
                    writer.append(stream, timestampMillis, r.bytes(), 0, r.bytes().length);
                    m.lastSeq = seq;
                    m.stateBeforeLast = before;
                    m.stateAfterLast = r.stateAfter();
                }
            }
        };
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

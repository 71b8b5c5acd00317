package dev.cinch.logs.s3;

import dev.cinch.logs.CorruptLogException;
import dev.cinch.logs.JobId;
import dev.cinch.logs.JobPage;
import dev.cinch.logs.LogLockedException;
import dev.cinch.logs.LogSealedException;
import dev.cinch.logs.archive.ByteSource;
import dev.cinch.logs.follow.ChangeFeed;
import dev.cinch.logs.storage.ArchiveRef;
import dev.cinch.logs.storage.ArchiveUpload;
import dev.cinch.logs.storage.LogForm;
import dev.cinch.logs.storage.LogStorage;
import dev.cinch.logs.storage.LogTotals;
import dev.cinch.logs.storage.OpenLogAppender;
import dev.cinch.logs.storage.OpenLogSnapshot;
import dev.cinch.logs.storage.StoredChunk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Logs as objects in one S3 bucket (any S3-compatible server; keys in {@link S3Layout}). Storage code only: the log
 * semantics are core's ({@link dev.cinch.logs.store.StorageBackedLogStore}); see {@code docs/adr/0005-s3-store.md}.
 *
 * <p><b>Open logs</b> are immutable segment objects, each holding the chunks appended since the previous one
 * ({@link S3Appender}; what {@code append}'s return promises is {@link S3Durability}). <b>Sealed logs</b> are one
 * archive object in core's seekable-zstd form, uploaded with multipart upload while it is written and made the log's
 * form by a small pointer object written once.
 *
 * <p><b>Several server instances</b> share a bucket safely. Every write that could meet another writer's is
 * conditional: segments, the open marker and the seal pointer with {@code If-None-Match: *}, the writer lease with
 * {@code If-Match}. The writer role is a lease object that its holder renews; another instance asking for the role gets
 * {@link LogLockedException} until the holder gives it back or stops renewing it for {@code s3.writer-lease}. Even if
 * two instances ever believed they held the role, both would name the same key for their next segment, so one of them
 * fails cleanly and no stored chunk is ever replaced.
 *
 * <p><b>Followers</b> in this instance are woken by its appends; followers of a log written by another instance are
 * woken by a bounded poll of the followed jobs' keys ({@link S3ChangeFeed}), since S3 has no change notifications.
 */
public final class S3LogStorage implements LogStorage {
    private static final Logger LOG = LoggerFactory.getLogger(S3LogStorage.class);
    /** First bytes read of a segment: its header for up to ~2400 chunks, and the whole of a small segment. */
    static final int SEGMENT_PREFIX_BYTES = 64 << 10;

    private final S3StoreConfig config;
    private final S3Client client;
    private final S3Objects objects;
    private final S3Layout layout;
    private final MetadataCache cache;
    private final S3ChangeFeed feed;
    private final Set<S3Appender> appenders = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timers;
    private final String instance;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** A store over {@code client}, which it owns and closes. */
    public S3LogStorage(S3StoreConfig config, S3Client client) {
        this.config = config;
        this.client = client;
        this.objects = new S3Objects(client, config.bucket(), config.maxAttempts());
        this.layout = new S3Layout(config.prefix());
        this.cache = new MetadataCache(config.metadataCacheBytes());
        this.feed = new S3ChangeFeed(objects, layout);
        this.instance = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
        AtomicInteger n = new AtomicInteger();
        this.timers = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "cinch-s3-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        long renewMs = Math.max(100, config.writerLease().toMillis() / 3);
        timers.scheduleWithFixedDelay(this::renewLeases, renewMs, renewMs, TimeUnit.MILLISECONDS);
        long pollMs = config.followPollInterval().toMillis();
        timers.scheduleWithFixedDelay(feed::poll, pollMs, pollMs, TimeUnit.MILLISECONDS);
        if (config.durability() == S3Durability.BUFFERED) {
            long tick = Math.max(1, config.flushInterval().toMillis() / 4);
            timers.scheduleWithFixedDelay(this::flushDue, tick, tick, TimeUnit.MILLISECONDS);
        }
    }

    public S3StoreConfig config() {
        return config;
    }

    S3Objects objects() {
        return objects;
    }

    S3Layout layout() {
        return layout;
    }

    MetadataCache cache() {
        return cache;
    }

    String instance() {
        return instance;
    }

    // ---- forms -------------------------------------------------------------------------------------------------

    /**
     * One LIST of the job's keys from {@code open} on (archive uploads sort before it and are skipped): {@code open}
     * and {@code sealed} are the first two when present.
     */
    @Override
    public LogForm form(JobId job) {
        String prefix = layout.jobPrefix(job);
        try {
            ListObjectsV2Response page = objects.listPage(prefix, null, prefix + S3Layout.ARCHIVE_PREFIX + "~", null, 2);
            boolean open = false;
            for (S3Object o : page.contents()) {
                if (o.key().equals(prefix + S3Layout.SEALED)) {
                    return LogForm.SEALED;
                }
                open |= o.key().equals(prefix + S3Layout.OPEN);
            }
            return open ? LogForm.OPEN : LogForm.ABSENT;
        } catch (IOException e) {
            throw new dev.cinch.logs.LogStoreIOException(job, "looking up the log's form", e);
        }
    }

    // ---- writer role and open logs -------------------------------------------------------------------------------

    @Override
    public Optional<OpenLogAppender> openAppender(JobId job, boolean create) throws IOException {
        checkOpen();
        if (!create && objects.head(layout.open(job)).isEmpty()) {
            return Optional.empty();
        }
        WriterLease lease = WriterLease.acquire(this, job);
        try {
            if (objects.head(layout.sealed(job)).isPresent()) {
                throw new LogSealedException(job, "take the writer role");
            }
            if (objects.head(layout.open(job)).isEmpty()) {
                if (!create) {
                    lease.release();
                    return Optional.empty();
                }
                objects.putIfAbsent(layout.open(job), instance.getBytes(StandardCharsets.UTF_8));
            }
            List<SegmentRef> segments = listSegments(job);
            LogTotals stored = LogTotals.EMPTY;
            if (!segments.isEmpty()) {
                SegmentRef last = segments.get(segments.size() - 1);
                stored = header(job, last).after();
            }
            S3Appender appender = new S3Appender(this, job, lease, segments, stored);
            appenders.add(appender);
            return Optional.of(appender);
        } catch (IOException | RuntimeException e) {
            lease.releaseQuietly();
            throw e;
        }
    }

    void forget(S3Appender appender) {
        appenders.remove(appender);
    }

    /** True when an appender of this store instance holds the job's writer role right now. */
    boolean holdsWriter(JobId job) {
        for (S3Appender a : appenders) {
            if (a.job().equals(job)) {
                return true;
            }
        }
        return false;
    }

    private void renewLeases() {
        for (S3Appender a : appenders) {
            a.renewLease();
        }
    }

    private void flushDue() {
        for (S3Appender a : appenders) {
            a.flushIfDue(config.flushInterval());
        }
    }

    /**
     * Listings of a job's segments that miss a link no concurrent write explains are taken again this many times
     * before it counts as damage (about 10 s with the backoff), for servers whose listings may lag behind their writes.
     * A listing racing another instance's writes needs no wait: see {@link #listSegments}.
     */
    private static final int LIST_ATTEMPTS = 11;

    /**
     * The job's segments in seq order, checked to chain from the keys alone: each names the first seq of the one
     * before it, and raw offsets never decrease.
     *
     * <p>A listing taken while another instance stores segments may show a segment without one before it: S3 promises
     * only that a listing shows every object stored before it began, and a key stored while it runs may be in it or
     * not, whatever its place in key order (S3Proxy's filesystem store reads its directory while keys are added to it,
     * in the filesystem's order, which is hash order on ext4, so it shows some of the keys created meanwhile and not
     * others). The segments stored before a listing began are all in it and chain from the first, since each is
     * stored only after the one it names; what breaks the chain was stored later. So a broken listing is taken again,
     * and when the new one chains through every segment the broken one showed, its chain up to its own break is the
     * log as stored when it began, or later: what lies past the break is still being stored (a writer that takes the
     * role from that chain names a key that exists, and learns at once that another instance writes). Only a link
     * missing below segments that an earlier listing showed is damage, after {@link #LIST_ATTEMPTS} listings.
     */
    List<SegmentRef> listSegments(JobId job) throws IOException {
        String prefix = layout.segmentPrefix(job);
        String shown = null; // the greatest segment key earlier listings showed: a later one must chain through it
        for (int attempt = 1; ; attempt++) {
            List<SegmentRef> refs = new ArrayList<>();
            String broken = null;
            String greatest = null;
            for (S3Object o : objects.listAll(prefix)) {
                long[] at = S3Layout.parseSegment(o.key(), prefix);
                if (at == null) {
                    // Not a segment name: some servers (S3Proxy's filesystem store) list a PUT's temporary file while
                    // it is being written. No writer of ours ever makes such a key.
                    LOG.debug("job {}: ignoring {} among the segments", job, o.key());
                    continue;
                }
                if (greatest == null || o.key().compareTo(greatest) > 0) {
                    greatest = o.key();
                }
                if (broken != null) {
                    continue;
                }
                SegmentRef ref = new SegmentRef(o.key(), o.eTag(), o.size(), at[0], at[1]);
                if (refs.isEmpty()) {
                    if (ref.firstSeq() != 0 || ref.rawStart() != 0) {
                        broken = "the first segment listed starts at seq " + ref.firstSeq() + " (" + ref.key() + ")";
                    }
                } else {
                    SegmentRef prev = refs.get(refs.size() - 1);
                    if (at[2] != prev.firstSeq() || ref.firstSeq() <= prev.firstSeq() || ref.rawStart() < prev.rawStart()) {
                        broken = "segment " + ref.key() + " (seq " + ref.firstSeq() + ") does not follow " + prev.key();
                    }
                }
                if (broken == null) {
                    refs.add(ref);
                }
            }
            if (broken == null) {
                return refs;
            }
            if (shown != null && chainsThrough(refs, shown)) {
                LOG.debug("job {}: segments being stored while listing ({}): the chain ends at {}", job, broken,
                        refs.get(refs.size() - 1).key());
                return refs;
            }
            if (attempt >= LIST_ATTEMPTS) {
                throw new CorruptLogException(job, broken);
            }
            if (shown == null || greatest.compareTo(shown) > 0) {
                shown = greatest;
            }
            LOG.debug("job {}: segment listing incomplete ({}), listing again", job, broken);
            try {
                Thread.sleep(ThreadLocalRandom.current().nextLong(5L << attempt));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("listing the segments of job " + job);
            }
        }
    }

    /** True when the chain (in key order) holds the segment {@code key}. */
    private static boolean chainsThrough(List<SegmentRef> refs, String key) {
        for (int i = refs.size() - 1; i >= 0; i--) {
            int c = refs.get(i).key().compareTo(key);
            if (c <= 0) {
                return c == 0;
            }
        }
        return false;
    }

    /** What a segment's first bytes say, cached by key and ETag. */
    private record LoadedSegment(Segment.Header header, byte[] whole) {
        long weight() {
            return header.weight() + (whole == null ? 0 : whole.length);
        }
    }

    private LoadedSegment load(JobId job, SegmentRef ref) throws IOException {
        LoadedSegment cached = cache.get(ref.cacheKey(), LoadedSegment.class);
        if (cached != null) {
            return cached;
        }
        int first = (int) Math.min(ref.size(), SEGMENT_PREFIX_BYTES);
        byte[] prefix = objects.getRange(ref.key(), 0, first);
        int declared = Segment.declaredHeaderLength(prefix);
        if (declared > prefix.length && declared <= ref.size()) {
            byte[] more = objects.getRange(ref.key(), prefix.length, declared - prefix.length);
            byte[] joined = Arrays.copyOf(prefix, declared);
            System.arraycopy(more, 0, joined, prefix.length, more.length);
            prefix = joined;
        }
        Segment.Header header = Segment.parse(job, ref.key(), prefix, ref.size(), ref.firstSeq(), ref.rawStart());
        LoadedSegment loaded = new LoadedSegment(header, prefix.length == ref.size() ? prefix : null);
        cache.put(ref.cacheKey(), loaded, LoadedSegment::weight);
        return loaded;
    }

    Segment.Header header(JobId job, SegmentRef ref) throws IOException {
        return load(job, ref).header();
    }

    /** Chunks {@code [from, to)} of one segment: from the cached object when small, else one range GET of their bodies. */
    List<StoredChunk> chunks(JobId job, SegmentRef ref, long from, long to) throws IOException {
        LoadedSegment s = load(job, ref);
        Segment.Header h = s.header();
        if (from >= to) {
            return List.of();
        }
        if (from < h.firstSeq() || to > h.endSeq()) {
            throw new CorruptLogException(job, "segment " + ref.key() + " holds seqs " + h.firstSeq() + ".."
                    + (h.endSeq() - 1) + ", not " + from + ".." + (to - 1) + " as the log's segment list says");
        }
        long start = h.bodyOffsets()[(int) (from - h.firstSeq())];
        long end = h.bodyOffsets()[(int) (to - h.firstSeq())];
        if (s.whole() != null) {
            return h.chunks(from, to, s.whole(), 0);
        }
        byte[] bodies = end == start ? new byte[0] : objects.getRange(ref.key(), start, (int) (end - start));
        return h.chunks(from, to, bodies, start);
    }

    /** Remembers a segment this instance just stored, so its own reads never fetch it back. */
    void remember(SegmentRef ref, byte[] body) {
        try {
            Segment.Header h = Segment.parse(null, ref.key(), body, body.length, ref.firstSeq(), ref.rawStart());
            LoadedSegment loaded = new LoadedSegment(h, body.length <= SEGMENT_PREFIX_BYTES ? body : null);
            cache.put(ref.cacheKey(), loaded, LoadedSegment::weight);
        } catch (RuntimeException e) {
            LOG.debug("not caching segment {}", ref.key(), e);
        }
    }

    @Override
    public Optional<OpenLogSnapshot> openSnapshot(JobId job) throws IOException {
        checkOpen();
        if (objects.head(layout.open(job)).isEmpty()) {
            return Optional.empty();
        }
        List<SegmentRef> segments;
        try {
            segments = listSegments(job);
        } catch (CorruptLogException e) {
            throw e;
        }
        if (segments.isEmpty() && objects.head(layout.sealed(job)).isPresent()) {
            // A seal stores its pointer before it deletes the segments, and a listing taken after their deletion
            // but before the open marker's shows none: the log is sealed, not empty. Core looks again.
            return Optional.empty();
        }
        LogTotals totals = LogTotals.EMPTY;
        if (!segments.isEmpty()) {
            try {
                totals = header(job, segments.get(segments.size() - 1)).after();
            } catch (S3Objects.Missing e) {
                return Optional.empty(); // sealed or deleted between the listing and the read: core looks again
            }
        }
        return Optional.of(new S3Snapshot(this, job, segments, totals, List.of()));
    }

    // ---- sealed logs ---------------------------------------------------------------------------------------------

    /** The archive the job's seal pointer names: its key, ETag and size. */
    record Pointer(String archiveKey, String etag, long size) {
        byte[] encode() {
            return ("archive=" + archiveKey + "\netag=" + etag + "\nsize=" + size + "\n").getBytes(StandardCharsets.UTF_8);
        }

        static Pointer decode(JobId job, String where, byte[] bytes) {
            String key = null;
            String etag = null;
            long size = -1;
            for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                int eq = line.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String v = line.substring(eq + 1);
                switch (line.substring(0, eq)) {
                    case "archive" -> key = v;
                    case "etag" -> etag = v;
                    case "size" -> {
                        try {
                            size = Long.parseLong(v);
                        } catch (NumberFormatException e) {
                            size = -1;
                        }
                    }
                    default -> { }
                }
            }
            if (key == null || etag == null || size < 0) {
                throw new CorruptLogException(job, "seal pointer " + where + " is damaged");
            }
            return new Pointer(key, etag, size);
        }
    }

    Optional<Pointer> pointer(JobId job) throws IOException {
        String key = layout.sealed(job);
        Optional<ResponseBytes<GetObjectResponse>> got = objects.get(key);
        if (got.isEmpty()) {
            return Optional.empty();
        }
        Pointer p = Pointer.decode(job, objects.where(key), got.get().asByteArrayUnsafe());
        if (!p.archiveKey().startsWith(layout.jobPrefix(job) + S3Layout.ARCHIVE_PREFIX)) {
            throw new CorruptLogException(job, "seal pointer " + objects.where(key) + " names " + p.archiveKey()
                    + ", which is not one of the job's archives");
        }
        return Optional.of(p);
    }

    /** One small GET of the seal pointer. */
    @Override
    public Optional<ArchiveRef> archive(JobId job) throws IOException {
        checkOpen();
        return pointer(job).map(p -> new ArchiveRef(p.archiveKey() + "@" + p.etag(), p.size()));
    }

    @Override
    public Optional<ByteSource> openArchive(JobId job, ArchiveRef ref) throws IOException {
        String identity = (String) ref.identity();
        String key = identity.substring(0, identity.lastIndexOf('@'));
        return Optional.of(new S3ByteSource(objects, cache, key, ref.size()));
    }

    @Override
    public ArchiveUpload newArchive(JobId job) throws IOException {
        checkOpen();
        return new S3ArchiveUpload(this, job, layout.newArchive(job, UUID.randomUUID().toString()));
    }

    /** After a commit: removes everything of the job but the pointer and the archive it names. */
    void removeOpenForm(JobId job, String keepArchive) throws IOException {
        String prefix = layout.jobPrefix(job);
        List<String> open = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (S3Object o : objects.listAll(prefix)) {
            String k = o.key();
            if (k.equals(prefix + S3Layout.SEALED) || k.equals(keepArchive)) {
                continue;
            }
            (k.equals(prefix + S3Layout.OPEN) ? open : rest).add(k);
        }
        objects.delete(rest); // segments, stale uploads, the lease
        objects.delete(open); // the marker last: until it goes, a crash here still reads as sealed (the pointer wins)
        abortUnfinishedUploads(job);
    }

    /**
     * Aborts the multipart uploads of archives of the job that never completed (a seal or import killed part way):
     * called once the log is sealed or deleted, when no upload of the job can still become its archive.
     */
    private void abortUnfinishedUploads(JobId job) throws IOException {
        for (String[] upload : objects.unfinishedUploads(layout.jobPrefix(job) + S3Layout.ARCHIVE_PREFIX)) {
            objects.abortMultipart(upload[0], upload[1]);
        }
    }

    @Override
    public void finishSeal(JobId job) throws IOException {
        checkOpen();
        Optional<Pointer> p = pointer(job);
        if (p.isPresent()) {
            removeOpenForm(job, p.get().archiveKey());
        }
    }

    /** Removes the pointer and the open marker first (the log is gone for readers at once), then the rest. */
    @Override
    public void delete(JobId job) throws IOException {
        checkOpen();
        String prefix = layout.jobPrefix(job);
        List<String> first = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (S3Object o : objects.listAll(prefix)) {
            String k = o.key();
            (k.equals(prefix + S3Layout.SEALED) || k.equals(prefix + S3Layout.OPEN) ? first : rest).add(k);
        }
        objects.delete(first);
        objects.delete(rest);
        abortUnfinishedUploads(job);
    }

    /**
     * Lists one entry per job with the delimiter {@code /} (see {@link S3Layout}): a page costs one LIST per 1000
     * jobs, whatever each job holds.
     */
    @Override
    public JobPage list(String prefix, JobId startAfter, int limit) throws IOException {
        checkOpen();
        List<JobId> ids = new ArrayList<>();
        String token = null;
        String after = startAfter == null ? null : layout.root() + startAfter.value() + "!/~";
        boolean more = false;
        do {
            ListObjectsV2Response page = objects.listPage(layout.root() + prefix, "/", after, token,
                    Math.min(1000, limit + 1 - ids.size()));
            for (CommonPrefix cp : page.commonPrefixes()) {
                String id = layout.jobOfListPrefix(cp.prefix());
                if (id == null || !dev.cinch.logs.JobId.isValidPrefix(id) || id.isEmpty()) {
                    continue;
                }
                if (ids.size() == limit) {
                    more = true;
                    break;
                }
                ids.add(JobId.of(id));
            }
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
            if (ids.size() == limit && token != null) {
                more = true;
            }
        } while (token != null && !more);
        return new JobPage(ids, more ? Optional.of(ids.get(ids.size() - 1)) : Optional.empty());
    }

    @Override
    public ChangeFeed changes() {
        return feed;
    }

    @Override
    public int maxOpenAppenders() {
        return config.maxOpenWriters();
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new UncheckedIOException(new IOException("the s3 store " + config.location() + " is closed"));
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        timers.shutdownNow();
        client.close();
    }

    @Override
    public String toString() {
        return "s3[" + config.location() + ", durability=" + config.durability().name().toLowerCase(java.util.Locale.ROOT) + "]";
    }
}

package dev.cinch.logs.s3;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogLockedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * The writer role of one log across processes and server instances: the object {@code writer}, created with
 * {@code If-None-Match: *} and renewed by its holder with {@code If-Match} on the ETag it last wrote, every third of
 * {@code s3.writer-lease}. Another instance takes the role only from a holder that let the lease go stale for that
 * long (its process died), and only with {@code If-Match} on the stale ETag, so of two instances taking it over at
 * once only one succeeds. Staleness is judged by the S3 server's clock alone (its {@code Date} minus the object's
 * {@code Last-Modified}, both in whole seconds, so a lease counts as stale only past its period plus one second),
 * never by comparing clocks of two machines.
 */
final class WriterLease {
    private static final Logger LOG = LoggerFactory.getLogger(WriterLease.class);

    /** HTTP dates have whole seconds: an age measured from two of them may be up to this much too large. */
    static final Duration CLOCK_RESOLUTION = Duration.ofSeconds(1);

    private final S3LogStorage storage;
    private final JobId job;
    private final String key;
    private final String holderLines;
    private long renewals;
    private volatile String etag;
    /** Why the role was lost (renewal refused or failed for too long), or null while it is held. */
    private volatile String lost;
    private volatile long lastRenewedNanos = System.nanoTime();
    private volatile boolean released;

    private WriterLease(S3LogStorage storage, JobId job, String key, String holderLines, String etag) {
        this.storage = storage;
        this.job = job;
        this.key = key;
        this.holderLines = holderLines;
        this.etag = etag;
    }

    /**
     * The lease's bytes at its {@code n}th renewal. They differ at every renewal: servers whose ETag is the MD5 of the
     * body would otherwise give a renewed lease its old ETag, and a stale takeover's If-Match would still match.
     */
    private static byte[] body(String holderLines, long n) {
        return (holderLines + "renewal=" + n + "\n").getBytes(StandardCharsets.UTF_8);
    }

    static WriterLease acquire(S3LogStorage storage, JobId job) throws IOException {
        S3Objects objects = storage.objects();
        String key = storage.layout().writer(job);
        String holderLines = "holder=" + storage.instance() + "\ntoken=" + UUID.randomUUID() + "\n";
        byte[] body = body(holderLines, 0);
        Duration lease = storage.config().writerLease();
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<String> created = objects.putIfAbsent(key, body);
            if (created.isPresent()) {
                return new WriterLease(storage, job, key, holderLines, created.get());
            }
            Optional<S3Objects.Held> held = objects.getHeld(key);
            if (held.isEmpty()) {
                continue; // given back meanwhile: try again
            }
            if (held.get().body().equals(new String(body, StandardCharsets.UTF_8))) {
                // Our own PUT, whose answer was lost and whose retry met the object it had stored (the body holds a
                // token of ours alone).
                return new WriterLease(storage, job, key, holderLines, held.get().etag());
            }
            // A lease of this very store instance that none of its appenders holds was left by one that failed to
            // give it back (an interrupted close): ours to take over at once.
            boolean orphanOfOurs = held.get().holder().equals(storage.instance()) && !storage.holdsWriter(job);
            if (!orphanOfOurs && held.get().age().compareTo(lease.plus(CLOCK_RESOLUTION)) <= 0) {
                throw new LogLockedException(job, "another process or server instance (its writer lease at "
                        + objects.where(key) + " was renewed " + held.get().age().toMillis() + " ms ago)");
            }
            Optional<String> taken = objects.putIfMatch(key, held.get().etag(), body);
            if (taken.isEmpty()) {
                taken = ownWrite(objects, key, body);
            }
            if (taken.isPresent()) {
                LOG.info("job {}: took over a writer lease of {} not renewed for {} ms", job, held.get().holder(),
                        held.get().age().toMillis());
                return new WriterLease(storage, job, key, holderLines, taken.get());
            }
            // Another instance renewed or took it over between our HEAD and PUT: look again.
        }
        throw new LogLockedException(job, "another process or server instance (the writer lease at "
                + objects.where(key) + " kept changing hands)");
    }

    /**
     * After a refused conditional PUT: the object's ETag if it holds exactly {@code body} (our own write landed and
     * only its answer was lost, so the client's retry was refused by it), else empty.
     */
    private static Optional<String> ownWrite(S3Objects objects, String key, byte[] body) throws IOException {
        Optional<S3Objects.Held> now = objects.getHeld(key);
        return now.filter(h -> h.body().equals(new String(body, StandardCharsets.UTF_8))).map(S3Objects.Held::etag);
    }

    /** Throws {@link LogLockedException} when the role has been lost; writes check it first. */
    void check() {
        String why = lost;
        if (why != null) {
            throw new LogLockedException(job, "another process or server instance (" + why + ")");
        }
    }

    boolean isLost() {
        return lost != null;
    }

    /** The role was found taken by a write that another writer beat (its segment key was already stored). */
    void markLost(String why) {
        lost = why;
    }

    /** Renews the lease; after a refusal, or when renewals failed for a whole lease period, the role is lost. */
    void renew() {
        if (released || lost != null) {
            return;
        }
        try {
            byte[] renewed = body(holderLines, ++renewals);
            Optional<String> next = storage.objects().putIfMatch(key, etag, renewed);
            if (next.isEmpty()) {
                next = ownWrite(storage.objects(), key, renewed);
            }
            if (next.isPresent()) {
                etag = next.get();
                lastRenewedNanos = System.nanoTime();
            } else {
                lost = "the writer lease at " + storage.objects().where(key) + " was taken over or removed";
            }
        } catch (IOException e) {
            if (System.nanoTime() - lastRenewedNanos > storage.config().writerLease().toNanos()) {
                lost = "the writer lease at " + storage.objects().where(key) + " could not be renewed: " + e.getMessage();
            } else {
                LOG.debug("job {}: renewing the writer lease failed, will retry: {}", job, e.toString());
            }
        }
    }

    /** Gives the role back: removes the lease object if it is still ours. */
    void release() throws IOException {
        if (released) {
            return;
        }
        released = true;
        if (lost != null) {
            return;
        }
        Optional<S3Objects.Info> now = storage.objects().head(key);
        if (now.isPresent() && now.get().etag().equals(etag)) {
            storage.objects().deleteOne(key);
        }
    }

    void releaseQuietly() {
        try {
            release();
        } catch (IOException | RuntimeException e) {
            LOG.debug("job {}: giving back the writer lease: {}", job, e.toString());
        }
    }
}

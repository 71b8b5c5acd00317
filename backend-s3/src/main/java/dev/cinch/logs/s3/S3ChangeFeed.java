package dev.cinch.logs.s3;

import dev.cinch.logs.JobId;
import dev.cinch.logs.follow.MediumChangeFeed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Change signals for s3 followers. Appends, seals and deletes through this store signal directly ({@link #publish});
 * those of other server instances are seen by a bounded poll, since S3 has no change notifications: every
 * {@code s3.follow-poll-interval} each followed job costs one small LIST of its keys from {@code open} on (two keys:
 * {@code open} and {@code sealed} or the first segment), plus one LIST of the segments after the last one seen. Only
 * jobs someone follows are polled, and only while they are followed.
 */
final class S3ChangeFeed extends MediumChangeFeed {
    private static final Logger LOG = LoggerFactory.getLogger(S3ChangeFeed.class);

    private final S3Objects objects;
    private final S3Layout layout;
    /**
     * What the last poll saw of each followed job: the form keys and the last segment key; "" before the first poll.
     * Guarded by itself.
     */
    private final Map<JobId, String> seen = new HashMap<>();

    S3ChangeFeed(S3Objects objects, S3Layout layout) {
        this.objects = objects;
        this.layout = layout;
    }

    /**
     * Takes the job's signature now, before the follower reads the store, so that a change made right after it is
     * seen by the next poll; leaving it to the first poll would take a change made before that poll as the baseline
     * and leave the follower to core's safety re-check.
     */
    @Override
    protected void startWatching(JobId job, boolean first) {
        if (!first) {
            return;
        }
        String now;
        try {
            now = signature(job, null);
        } catch (IOException | RuntimeException e) {
            LOG.debug("job {}: reading its keys for a follower failed: {}", job, e.toString());
            now = ""; // the first poll takes the baseline instead
        }
        synchronized (seen) {
            seen.putIfAbsent(job, now);
        }
    }

    @Override
    protected void stopWatching(JobId job) {
        synchronized (seen) {
            seen.remove(job);
        }
    }

    /** One poll of every followed job; wakes the followers of those whose keys changed. Run by the store's timer. */
    void poll() {
        Map<JobId, String> before;
        synchronized (seen) {
            before = new HashMap<>(seen);
        }
        for (Map.Entry<JobId, String> e : before.entrySet()) {
            JobId job = e.getKey();
            String previous = e.getValue().isEmpty() ? null : e.getValue();
            String now;
            try {
                now = signature(job, previous);
            } catch (IOException | RuntimeException ex) {
                LOG.debug("job {}: polling for changes failed: {}", job, ex.toString());
                continue;
            }
            boolean changedNow;
            synchronized (seen) {
                if (!seen.containsKey(job)) {
                    continue; // no longer followed
                }
                changedNow = previous != null && !Objects.equals(previous, now);
                seen.put(job, now);
            }
            if (changedNow) {
                changed(job);
            }
        }
    }

    /**
     * What is stored for the job, in a form that changes with every append (a new segment), seal and delete: the
     * form keys present and the last segment key.
     */
    private String signature(JobId job, String previous) throws IOException {
        String prefix = layout.jobPrefix(job);
        ListObjectsV2Response form = objects.listPage(prefix, null, prefix + S3Layout.ARCHIVE_PREFIX + "~", null, 2);
        StringBuilder sig = new StringBuilder();
        for (S3Object o : form.contents()) {
            String k = o.key().substring(prefix.length());
            if (k.equals(S3Layout.OPEN) || k.equals(S3Layout.SEALED)) {
                sig.append(k).append(',');
            }
        }
        // The segments after the last one seen (usually none, or the one or two appended since).
        String lastSegment = previous == null ? null : previous.substring(previous.indexOf('|') + 1);
        String after = lastSegment == null || lastSegment.isEmpty() ? null : lastSegment;
        String segPrefix = layout.segmentPrefix(job);
        String last = after;
        String token = null;
        do {
            ListObjectsV2Response page = objects.listPage(segPrefix, null, after, token, 1000);
            for (S3Object o : page.contents()) {
                if (S3Layout.parseSegment(o.key(), segPrefix) != null) {
                    last = o.key();
                }
            }
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
        if (last != null && sig.indexOf(S3Layout.OPEN) < 0 && sig.indexOf(S3Layout.SEALED) < 0) {
            last = null; // deleted: the next log of this job starts its segments afresh
        }
        return sig + "|" + (last == null ? "" : last);
    }
}

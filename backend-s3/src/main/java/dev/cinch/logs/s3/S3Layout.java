package dev.cinch.logs.s3;

import dev.cinch.logs.JobId;

import java.util.OptionalLong;

/**
 * Object keys of the s3 store, all under {@code <prefix>logs/}. A job's objects share the key prefix
 * {@code <prefix>logs/<job>!/}:
 * <pre>
 *   open                      marker: the log exists and is open (created with If-None-Match: *)
 *   writer                    the writer role's lease (created with If-None-Match: *, renewed with If-Match)
 *   seg/&lt;seq&gt;-&lt;raw&gt;            a segment: chunks from seq, starting at raw offset raw (20 digits each)
 *   archive-&lt;uuid&gt;.zst        an archive upload; the log's archive only once "sealed" names it
 *   sealed                    pointer to the archive: written once, with If-None-Match: *, by the seal's commit
 * </pre>
 * The job id ends with {@code !}, which sorts before every job id character: S3 lists keys in byte order, so jobs
 * come out in {@link JobId} order ({@code a!/} before {@code a-b!/}, as {@code a} before {@code a-b}); a listing with
 * the delimiter {@code /} gives one entry per job. A segment key holds both its first seq and its first raw offset: two writers that start a segment at one
 * seq saw the same log before it, so they name the same key, and the conditional PUT lets only one of them store it.
 */
final class S3Layout {
    static final String OPEN = "open";
    static final String WRITER = "writer";
    static final String SEALED = "sealed";
    static final String SEGMENTS = "seg/";
    static final String ARCHIVE_PREFIX = "archive-";
    private static final int DIGITS = 20;

    private final String root;

    S3Layout(String prefix) {
        this.root = prefix + "logs/";
    }

    String root() {
        return root;
    }

    /** The key prefix of everything stored for the job. */
    String jobPrefix(JobId job) {
        return root + job.value() + "!/";
    }

    String open(JobId job) {
        return jobPrefix(job) + OPEN;
    }

    String writer(JobId job) {
        return jobPrefix(job) + WRITER;
    }

    String sealed(JobId job) {
        return jobPrefix(job) + SEALED;
    }

    String segmentPrefix(JobId job) {
        return jobPrefix(job) + SEGMENTS;
    }

    String segment(JobId job, long firstSeq, long rawStart) {
        return segmentPrefix(job) + pad(firstSeq) + "-" + pad(rawStart);
    }

    String newArchive(JobId job, String uniqueId) {
        return jobPrefix(job) + ARCHIVE_PREFIX + uniqueId + ".zst";
    }

    /** The job whose list entry ({@code <root><job>!/}) this is, or null when it is none of ours. */
    String jobOfListPrefix(String commonPrefix) {
        if (!commonPrefix.startsWith(root) || !commonPrefix.endsWith("!/")) {
            return null;
        }
        return commonPrefix.substring(root.length(), commonPrefix.length() - 2);
    }

    /** First seq and raw offset of a segment key, or empty when the key is not a segment key. */
    static long[] parseSegment(String key, String segmentPrefix) {
        if (!key.startsWith(segmentPrefix)) {
            return null;
        }
        String name = key.substring(segmentPrefix.length());
        if (name.length() != 2 * DIGITS + 1 || name.charAt(DIGITS) != '-') {
            return null;
        }
        OptionalLong seq = parse(name.substring(0, DIGITS));
        OptionalLong raw = parse(name.substring(DIGITS + 1));
        return seq.isPresent() && raw.isPresent() ? new long[] {seq.getAsLong(), raw.getAsLong()} : null;
    }

    private static OptionalLong parse(String digits) {
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                return OptionalLong.empty();
            }
        }
        try {
            return OptionalLong.of(Long.parseLong(digits));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static String pad(long n) {
        String s = Long.toString(n);
        return "0".repeat(DIGITS - s.length()) + s;
    }
}

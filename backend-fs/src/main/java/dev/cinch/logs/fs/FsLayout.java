package dev.cinch.logs.fs;

import dev.cinch.logs.JobId;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Where the fs store keeps each log:
 * <pre>
 * root/
 *   tmp/                     archives being written, each locked by its writer (same filesystem, so the final link is atomic)
 *   ab/cd/JOB/open.log       chunk frames of an open log
 *   ab/cd/JOB/open.idx       fixed-size index entries, one per chunk
 *   ab/cd/JOB/open.lines     newline counts, one 16-byte entry per chunk (absent for logs stored before they were kept)
 *   ab/cd/JOB/writer.lock    empty; its lock is the writer role of the open log (nothing else ever opens it)
 *   ab/cd/JOB/sealed.zst     the archive of a sealed log (its presence means sealed)
 * </pre>
 * {@code ab/cd} are the first two bytes of the CRC32C of the job id in hex: 65,536 leaf folders keep every
 * folder small at a million jobs, and ids with a common prefix ({@code j_...}) still spread evenly.
 */
final class FsLayout {
    static final String OPEN_LOG = "open.log";
    static final String OPEN_INDEX = "open.idx";
    static final String OPEN_LINES = "open.lines";
    static final String WRITER_LOCK = "writer.lock";
    static final String SEALED = "sealed.zst";
    /** Suffix of a staged archive in {@code tmp/}. */
    static final String UPLOAD_SUFFIX = ".zst.part";

    private final Path root;

    FsLayout(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    Path tmpDir() {
        return root.resolve("tmp");
    }

    Path shardDir(JobId job) {
        CRC32C crc = new CRC32C();
        crc.update(job.value().getBytes(StandardCharsets.US_ASCII));
        int h = (int) crc.getValue();
        // Every read resolves its log's folder, so this avoids String.format (a parse of the pattern each call).
        return root.resolve(hexByte(h >>> 24)).resolve(hexByte(h >>> 16));
    }

    /** The low byte of {@code b} as two lower-case hex digits. */
    private static String hexByte(int b) {
        return new String(new char[] {Character.forDigit((b >>> 4) & 0xf, 16), Character.forDigit(b & 0xf, 16)});
    }

    Path jobDir(JobId job) {
        return shardDir(job).resolve(job.value());
    }

    Path openLog(JobId job) {
        return jobDir(job).resolve(OPEN_LOG);
    }

    Path openIndex(JobId job) {
        return jobDir(job).resolve(OPEN_INDEX);
    }

    Path openLines(JobId job) {
        return jobDir(job).resolve(OPEN_LINES);
    }

    Path sealed(JobId job) {
        return jobDir(job).resolve(SEALED);
    }

    static boolean isShardName(String name) {
        return name.length() == 2 && Character.digit(name.charAt(0), 16) >= 0 && Character.digit(name.charAt(1), 16) >= 0;
    }
}

package dev.cinch.bench;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStream;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Many sealed logs for the cross-job search benchmark: {@code totalMiB} of the corpus in 16 MiB jobs (each job starts
 * at its own corpus offset) sealed in an fs store at the default archive settings, plus each archive exported as a
 * {@code .zst} file, which is what the {@code zstdgrep} way scans. One job, in its middle, holds the needle line: the
 * rare string a developer looks for. Built once into the bench cache and reused.
 */
public record SearchSet(Path storeDir, Path archiveDir, List<JobId> jobs, JobId needleJob) {
    /** What the search looks for: in one job only. */
    public static final String LITERAL = "OutOfMemoryError: Metaspace";
    static final String NEEDLE_LINE = "Exception in thread \"worker-17\" java.lang." + LITERAL + " (cinch search benchmark)\n";
    static final int JOB_MIB = 16;
    private static final int CHUNK = 64 << 10;

    public static SearchSet load(int totalMiB) {
        CorpusBytes corpus = CorpusBytes.load();
        int jobCount = Math.max(2, totalMiB / JOB_MIB);
        int jobMiB = Math.max(1, Math.min(JOB_MIB, totalMiB / jobCount));
        // "f3": the filter format and archive level the archives were written with; a set built by another format is built again.
        Path root = BenchDirs.cacheRoot().resolve("search-f5-" + corpus.tag() + "-" + jobCount + "x" + jobMiB + "MiB");
        List<JobId> jobs = new ArrayList<>();
        for (int j = 0; j < jobCount; j++) {
            jobs.add(JobId.of(String.format("search-job-%04d", j)));
        }
        SearchSet set = new SearchSet(root.resolve("store"), root.resolve("archives"), List.copyOf(jobs), jobs.get(jobCount / 2));
        if (!Files.exists(root.resolve("complete"))) {
            BenchDirs.deleteTree(root);
            set.build(corpus, jobMiB);
            try {
                Files.writeString(root.resolve("complete"), "built\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return set;
    }

    public LogStore open() {
        return new StoreSpec("fs", "none").open(storeDir);
    }

    private void build(CorpusBytes corpus, int jobMiB) {
        try {
            Files.createDirectories(storeDir);
            Files.createDirectories(archiveDir);
            try (LogStore store = open()) {
                for (int j = 0; j < jobs.size(); j++) {
                    JobId job = jobs.get(j);
                    ChunkFeed feed = corpus.feedForJob(CHUNK, j * 31 + 1);
                    long bytes = 0;
                    long seq = 0;
                    long target = (long) jobMiB << 20;
                    while (bytes < target) {
                        if (job.equals(needleJob) && bytes >= target / 2 && bytes < target / 2 + CHUNK) {
                            byte[] needle = NEEDLE_LINE.getBytes(StandardCharsets.UTF_8);
                            store.append(job, new LogChunk(seq++, LogStream.STDERR, seq, needle));
                            bytes += needle.length;
                        }
                        byte[] data = feed.next();
                        store.append(job, new LogChunk(seq++, LogStream.STDOUT, seq, data));
                        bytes += data.length;
                    }
                    store.seal(job);
                    try (OutputStream out = Files.newOutputStream(archiveFile(job))) {
                        store.exportArchive(job, out);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path archiveFile(JobId job) {
        return archiveDir.resolve(job.value() + ".zst");
    }
}

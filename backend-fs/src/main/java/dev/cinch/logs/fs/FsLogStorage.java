package dev.cinch.logs.fs;

import dev.cinch.logs.JobId;
import dev.cinch.logs.JobPage;
import dev.cinch.logs.LogSealedException;
import dev.cinch.logs.LogStoreIOException;
import dev.cinch.logs.archive.ByteSource;
import dev.cinch.logs.archive.FileByteSource;
import dev.cinch.logs.follow.ChangeFeed;
import dev.cinch.logs.storage.ArchiveRef;
import dev.cinch.logs.storage.ArchiveUpload;
import dev.cinch.logs.storage.LogForm;
import dev.cinch.logs.storage.LogStorage;
import dev.cinch.logs.storage.OpenLogAppender;
import dev.cinch.logs.storage.OpenLogSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Logs as files (layout in {@link FsLayout}): per open log an append-only frame file plus a fixed-size index
 * ({@link FsAppender}, {@link FsSnapshot}), per sealed log one seekable-zstd archive. Storage code only: the log
 * semantics are core's ({@link dev.cinch.logs.store.StorageBackedLogStore}); see {@code docs/adr/0002-fs-store.md}.
 *
 * <p><b>Durability</b> ({@code fs.durability}): see {@link Durability}. In every mode an acknowledged append has
 * been written to the operating system, so it survives {@code kill -9}; {@code group} (default) and {@code fsync}
 * also survive power loss. Archives and deletes are always fsynced, including the folder entries.
 *
 * <p><b>Processes</b>: one process writes a log at a time (a file lock on {@code open.log}; a second writer gets
 * {@link dev.cinch.logs.LogLockedException}); any number of processes read and follow. Nothing one process does
 * disturbs another's work in progress: staged archives are locked by their owner, and the start-up sweep removes only
 * those whose lock it can take (the owner is gone) and that are older than {@link #STALE_UPLOAD_AGE}.
 */
public final class FsLogStorage implements LogStorage {
    private static final Logger LOG = LoggerFactory.getLogger(FsLogStorage.class);
    /**
     * A staged archive younger than this is never swept, even unlocked: its owner may have created it and not yet
     * locked it. Its lock, not its age, is what protects an upload in progress.
     */
    static final Duration STALE_UPLOAD_AGE = Duration.ofMinutes(1);

    private final FsStoreConfig config;
    private final FsLayout layout;
    private final FsChangeFeed feed;

    public FsLogStorage(FsStoreConfig config) {
        this.config = config;
        this.layout = new FsLayout(config.root());
        try {
            Files.createDirectories(layout.tmpDir());
            sweepStaleUploads(layout, STALE_UPLOAD_AGE);
        } catch (IOException e) {
            throw new LogStoreIOException(null, "creating log folder " + config.root(), e);
        }
        this.feed = new FsChangeFeed(layout);
    }

    public FsStoreConfig config() {
        return config;
    }

    FsLayout layout() {
        return layout;
    }

    @Override
    public LogForm form(JobId job) {
        if (Files.exists(layout.sealed(job))) {
            return LogForm.SEALED;
        }
        return Files.exists(layout.openIndex(job)) ? LogForm.OPEN : LogForm.ABSENT;
    }

    @Override
    public Optional<OpenLogAppender> openAppender(JobId job, boolean create) throws IOException {
        Path dir = layout.jobDir(job);
        boolean exists = Files.exists(dir.resolve(FsLayout.OPEN_LOG));
        if (!exists && !create) {
            return Optional.empty();
        }
        if (!exists) {
            createJobDir(layout, dir);
        }
        FsAppender appender = FsAppender.open(job, dir, create, config.durability());
        // Another process may have sealed the log between our look and our lock; its archive wins.
        if (Files.exists(layout.sealed(job))) {
            appender.close();
            if (!exists) {
                removeOpenFiles(layout, job); // the empty files we just created
            }
            throw new LogSealedException(job, "take the writer role");
        }
        if (!exists) {
            fsyncDir(dir);
        }
        return Optional.of(appender);
    }

    @Override
    public Optional<OpenLogSnapshot> openSnapshot(JobId job) throws IOException {
        FileChannel log;
        try {
            log = FileChannel.open(layout.openLog(job), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            FileChannel idx = FileChannel.open(layout.openIndex(job), StandardOpenOption.READ);
            OpenLogFiles files = new OpenLogFiles(job, log, idx, OpenLogFiles.openLines(layout.jobDir(job), false));
            try {
                return Optional.of(FsSnapshot.discover(files));
            } catch (IOException | RuntimeException e) {
                files.close();
                throw e;
            }
        } catch (NoSuchFileException e) {
            log.close();
            return Optional.empty(); // being created or removed right now
        } catch (IOException | RuntimeException e) {
            log.close();
            throw e;
        }
    }

    @Override
    public Optional<ArchiveRef> archive(JobId job) throws IOException {
        try {
            BasicFileAttributes attrs = Files.readAttributes(layout.sealed(job), BasicFileAttributes.class);
            return Optional.of(new ArchiveRef(attrs.fileKey() != null ? attrs.fileKey() : attrs.creationTime(), attrs.size()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<ByteSource> openArchive(JobId job, ArchiveRef ref) throws IOException {
        try {
            return Optional.of(FileByteSource.open(layout.sealed(job)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public ArchiveUpload newArchive(JobId job) throws IOException {
        return FsArchiveUpload.start(job, layout);
    }

    @Override
    public void finishSeal(JobId job) throws IOException {
        if (Files.exists(layout.sealed(job))) {
            removeOpenFiles(layout, job);
        }
    }

    @Override
    public void delete(JobId job) throws IOException {
        Path dir = layout.jobDir(job);
        removeOpenFiles(layout, job);
        boolean removed = Files.deleteIfExists(layout.sealed(job));
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(dir)) {
                for (Path p : leftovers) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
            removed = true;
        }
        if (removed) {
            fsyncDir(dir.getParent());
        }
    }

    /**
     * Walks the shard folders keeping only the smallest {@code limit + 1} matching ids: O(jobs) folder entries read,
     * O(limit) memory. The metadata database is the index of jobs; this is for operators and tier moves.
     */
    @Override
    public JobPage list(String prefix, JobId startAfter, int limit) throws IOException {
        TreeSet<String> smallest = new TreeSet<>();
        String after = startAfter == null ? null : startAfter.value();
        try (DirectoryStream<Path> level1 = Files.newDirectoryStream(layout.root())) {
            for (Path a : level1) {
                if (!FsLayout.isShardName(a.getFileName().toString()) || !Files.isDirectory(a)) {
                    continue;
                }
                try (DirectoryStream<Path> level2 = Files.newDirectoryStream(a)) {
                    for (Path b : level2) {
                        if (!FsLayout.isShardName(b.getFileName().toString()) || !Files.isDirectory(b)) {
                            continue;
                        }
                        try (DirectoryStream<Path> jobs = Files.newDirectoryStream(b)) {
                            for (Path j : jobs) {
                                String id = j.getFileName().toString();
                                if (!id.startsWith(prefix) || (after != null && id.compareTo(after) <= 0)) {
                                    continue;
                                }
                                if (smallest.size() > limit && id.compareTo(smallest.last()) >= 0) {
                                    continue;
                                }
                                if (Files.exists(j.resolve(FsLayout.SEALED)) || Files.exists(j.resolve(FsLayout.OPEN_INDEX))) {
                                    smallest.add(id);
                                    if (smallest.size() > limit + 1) {
                                        smallest.pollLast();
                                    }
                                }
                            }
                        } catch (NoSuchFileException e) {
                            // a shard emptied by a delete meanwhile
                        }
                    }
                } catch (NoSuchFileException e) {
                    // likewise
                }
            }
        }
        List<JobId> ids = new ArrayList<>();
        for (String id : smallest) {
            if (ids.size() == limit) {
                break;
            }
            ids.add(JobId.of(id));
        }
        Optional<JobId> next = smallest.size() > limit ? Optional.of(ids.get(ids.size() - 1)) : Optional.empty();
        return new JobPage(ids, next);
    }

    @Override
    public ChangeFeed changes() {
        return feed;
    }

    @Override
    public int maxOpenAppenders() {
        return config.maxOpenWriters();
    }

    // ---- housekeeping --------------------------------------------------------------------------------------------

    /**
     * Removes staged archives left by processes that died mid-seal or mid-import: those older than {@code minAge}
     * whose lock can be taken (the operating system released it with its owner). A live upload holds its lock, so it
     * is never touched, whichever process it belongs to.
     */
    static int sweepStaleUploads(FsLayout layout, Duration minAge) throws IOException {
        Instant cutoff = Instant.now().minus(minAge);
        int removed = 0;
        try (DirectoryStream<Path> staged = Files.newDirectoryStream(layout.tmpDir())) {
            for (Path p : staged) {
                try {
                    if (Files.getLastModifiedTime(p).toInstant().isAfter(cutoff)) {
                        continue;
                    }
                    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                        FileLock lock;
                        try {
                            lock = ch.tryLock();
                        } catch (OverlappingFileLockException e) {
                            continue; // an upload of this very process
                        }
                        if (lock == null) {
                            continue; // another live process's upload
                        }
                        Files.deleteIfExists(p);
                        removed++;
                    }
                } catch (NoSuchFileException e) {
                    // committed or removed by its owner meanwhile
                }
            }
        }
        if (removed > 0) {
            LOG.info("removed {} staged archive(s) left by processes that stopped mid-seal or mid-import", removed);
        }
        return removed;
    }

    /**
     * Removes open.lines, open.idx, then open.log (a log without its index is not open: readers see it gone at once;
     * one stopped between the first two reads as a log stored before line counts were kept, which it still is).
     */
    static void removeOpenFiles(FsLayout layout, JobId job) throws IOException {
        boolean removed = Files.deleteIfExists(layout.openLines(job));
        removed |= Files.deleteIfExists(layout.openIndex(job));
        removed |= Files.deleteIfExists(layout.openLog(job));
        removed |= Files.deleteIfExists(layout.jobDir(job).resolve(FsLayout.WRITER_LOCK));
        if (removed) {
            fsyncDir(layout.jobDir(job));
        }
    }

    static void createJobDir(FsLayout layout, Path dir) throws IOException {
        Path shard = dir.getParent();
        boolean newShard = !Files.isDirectory(shard);
        Files.createDirectories(dir);
        fsyncDir(shard);
        if (newShard) {
            fsyncDir(shard.getParent());
            fsyncDir(shard.getParent().getParent());
        }
    }

    static void fsyncDir(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    @Override
    public void close() {
        feed.close();
    }

    @Override
    public String toString() {
        return "fs[" + config.root() + ", durability=" + config.durability() + "]";
    }
}

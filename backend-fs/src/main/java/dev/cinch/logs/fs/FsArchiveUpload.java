package dev.cinch.logs.fs;

import dev.cinch.logs.JobId;
import dev.cinch.logs.archive.ByteSource;
import dev.cinch.logs.archive.FileByteSource;
import dev.cinch.logs.storage.ArchiveUpload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * An archive staged as a file in {@code tmp/} (same filesystem as the logs, so the final step is atomic), locked for
 * as long as the upload lives. The lock is what makes the file this process's: the sweep at start-up of any other
 * process removes only stale files whose lock it can take, that is, whose owner is gone
 * ({@link FsLogStorage#sweepStaleUploads}).
 */
final class FsArchiveUpload implements ArchiveUpload {
    private static final Logger LOG = LoggerFactory.getLogger(FsArchiveUpload.class);

    private final JobId job;
    private final FsLayout layout;
    private final Path staged;
    private final FileChannel channel;
    private final FileLock lock;
    private final OutputStream out;
    private boolean committed;
    private boolean closed;

    private FsArchiveUpload(JobId job, FsLayout layout, Path staged, FileChannel channel, FileLock lock) {
        this.job = job;
        this.layout = layout;
        this.staged = staged;
        this.channel = channel;
        this.lock = lock;
        this.out = Channels.newOutputStream(channel);
    }

    static FsArchiveUpload start(JobId job, FsLayout layout) throws IOException {
        Path staged = layout.tmpDir().resolve(job.value() + "." + ProcessHandle.current().pid() + "-" + UUID.randomUUID()
                + FsLayout.UPLOAD_SUFFIX);
        FileChannel channel = FileChannel.open(staged, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        try {
            FileLock lock = channel.lock();
            return new FsArchiveUpload(job, layout, staged, channel, lock);
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(staged);
            throw e;
        }
    }

    @Override
    public OutputStream out() {
        return out;
    }

    @Override
    public ByteSource staged() throws IOException {
        return FileByteSource.open(staged);
    }

    /**
     * Makes the file {@code sealed.zst}, durably: fsync the file, link it into the job's folder (a link, unlike a
     * rename, fails when another archive got there first), fsync the folder, then remove the open form.
     */
    @Override
    public void commit() throws IOException {
        channel.force(true);
        Path dir = layout.jobDir(job);
        FsLogStorage.createJobDir(layout, dir);
        Path target = layout.sealed(job);
        boolean linked;
        try {
            Files.createLink(target, staged);
            linked = true;
        } catch (FileAlreadyExistsException e) {
            throw new FileAlreadyExistsException(target.toString(), null, "job " + job + " already has an archive");
        } catch (UnsupportedOperationException | FileSystemException e) {
            linked = false; // no hard links here (some network and FUSE filesystems)
        }
        if (linked) {
            Files.delete(staged);
        } else {
            // Rename instead, after checking: core holds the job's lock, so only another process could race us here.
            if (Files.exists(target)) {
                throw new FileAlreadyExistsException(target.toString(), null, "job " + job + " already has an archive");
            }
            try {
                Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException ex) {
                throw new IOException("the log folder's filesystem cannot rename atomically: " + target, ex);
            }
        }
        committed = true;
        FsLogStorage.fsyncDir(dir);
        FsLogStorage.removeOpenFiles(layout, job);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (lock.isValid()) {
                lock.release();
            }
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing staged archive {}", staged, e);
        }
        if (!committed) {
            try {
                Files.deleteIfExists(staged);
            } catch (IOException e) {
                LOG.warn("job {}: cannot remove staged archive {} ({}); the next start-up sweep removes it", job,
                        staged, e.toString());
            }
        }
    }
}

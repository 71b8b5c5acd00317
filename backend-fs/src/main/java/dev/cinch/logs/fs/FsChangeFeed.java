package dev.cinch.logs.fs;

import dev.cinch.logs.JobId;
import dev.cinch.logs.follow.MediumChangeFeed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.Map;

/**
 * Change signals for fs followers. Appends in this process signal directly ({@link #publish}); appends by another
 * process are seen through the filesystem's change notifications (inotify on Linux): the feed watches the folder
 * of each followed job, or its shard folder until the job's folder appears. Nothing polls.
 */
final class FsChangeFeed extends MediumChangeFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FsChangeFeed.class);

    private final FsLayout layout;
    private final Object guard = new Object();
    private final Map<WatchKey, Path> keys = new HashMap<>();
    private WatchService service;
    private Thread thread;
    private boolean closed;

    FsChangeFeed(FsLayout layout) {
        this.layout = layout;
    }

    @Override
    protected void startWatching(JobId job, boolean first) {
        synchronized (guard) {
            register(job);
        }
    }

    /** Watches the job's folder if it exists, else its shard folder (to see the job's folder being created). */
    private void register(JobId job) {
        if (closed) {
            return;
        }
        try {
            if (service == null) {
                service = layout.root().getFileSystem().newWatchService();
                thread = new Thread(this::run, "cinch-fs-watch");
                thread.setDaemon(true);
                thread.start();
            }
            Path jobDir = layout.jobDir(job);
            Path dir = Files.isDirectory(jobDir) ? jobDir : layout.shardDir(job);
            Files.createDirectories(dir);
            WatchKey key = dir.register(service, StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
            keys.put(key, dir);
        } catch (IOException | ClosedWatchServiceException e) {
            // Followers still re-check every ChangeFeed.SAFETY_RECHECK; say so rather than fail the follow.
            LOG.warn("job {}: cannot watch for changes by other processes ({}); falling back to periodic checks", job, e.toString());
        }
    }

    private void run() {
        while (true) {
            WatchKey key;
            try {
                key = service.take();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            Path dir;
            synchronized (guard) {
                dir = keys.get(key);
            }
            for (WatchEvent<?> event : key.pollEvents()) {
                if (dir == null) {
                    continue;
                }
                Object context = event.context();
                String name = context instanceof Path p ? p.getFileName().toString() : null;
                onEvent(dir, name);
            }
            if (!key.reset()) {
                synchronized (guard) {
                    keys.remove(key);
                    if (dir != null) {
                        reRegisterAfterRemoval(dir);
                    }
                }
            }
        }
    }

    private void onEvent(Path dir, String name) {
        synchronized (guard) {
            for (JobId job : followed()) {
                Path jobDir = layout.jobDir(job);
                if (dir.equals(jobDir)) {
                    changed(job);
                } else if (dir.equals(jobDir.getParent()) && job.value().equals(name)) {
                    register(job); // the job's folder appeared: watch it directly from now on
                    changed(job);
                }
            }
        }
    }

    private void reRegisterAfterRemoval(Path dir) {
        for (JobId job : followed()) {
            if (dir.equals(layout.jobDir(job))) {
                register(job); // folder deleted: watch the shard folder for a new log
                changed(job);
            }
        }
    }

    @Override
    public void close() {
        synchronized (guard) {
            closed = true;
            if (service != null) {
                try {
                    service.close();
                } catch (IOException e) {
                    LOG.debug("closing watch service", e);
                }
            }
        }
        if (thread != null) {
            thread.interrupt();
        }
    }
}

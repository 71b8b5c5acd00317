package dev.cinch.logs.fs;

import dev.cinch.logs.JobId;
import dev.cinch.logs.archive.FileByteSource;
import dev.cinch.logs.archive.SeekableArchiveReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Open archive readers of recently read sealed logs, so repeated reads of a log (a UI paging through it) pay for
 * the footer, seek table and chunk index once. Entries are checked against the file's identity on every acquire, so
 * a log deleted or re-imported by another process is never served stale. Readers are reference-counted: an evicted
 * reader is closed when its last user is done.
 */
final class ArchiveCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveCache.class);

    private final int capacity;
    private final LinkedHashMap<JobId, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);

    ArchiveCache(int capacity) {
        this.capacity = capacity;
    }

    private static final class Entry {
        final FileByteSource source;
        final SeekableArchiveReader reader;
        final Object fileKey;
        final long size;
        int users;
        boolean evicted;

        Entry(FileByteSource source, SeekableArchiveReader reader, Object fileKey, long size) {
            this.source = source;
            this.reader = reader;
            this.fileKey = fileKey;
            this.size = size;
        }
    }

    /** A reader in use; close it when done. */
    final class Lease implements AutoCloseable {
        private final Entry entry;
        private boolean released;

        private Lease(Entry entry) {
            this.entry = entry;
        }

        SeekableArchiveReader reader() {
            return entry.reader;
        }

        @Override
        public void close() {
            if (!released) {
                released = true;
                release(entry);
            }
        }
    }

    /** A reader of {@code path}, or empty when the log has no archive. */
    Optional<Lease> acquire(JobId job, Path path) throws IOException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            invalidate(job);
            return Optional.empty();
        }
        synchronized (this) {
            Entry e = entries.get(job);
            if (e != null && Objects.equals(e.fileKey, attrs.fileKey()) && e.size == attrs.size()) {
                e.users++;
                return Optional.of(new Lease(e));
            }
        }
        FileByteSource source = FileByteSource.open(path);
        Entry fresh;
        try {
            fresh = new Entry(source, SeekableArchiveReader.open(source, job), attrs.fileKey(), attrs.size());
        } catch (RuntimeException ex) {
            source.close();
            throw ex;
        }
        List<Entry> toClose = new ArrayList<>();
        synchronized (this) {
            fresh.users = 1;
            Entry old = entries.put(job, fresh);
            if (old != null) {
                retire(old, toClose);
            }
            for (Iterator<Map.Entry<JobId, Entry>> it = entries.entrySet().iterator(); entries.size() > capacity && it.hasNext(); ) {
                Entry victim = it.next().getValue();
                it.remove();
                retire(victim, toClose);
            }
        }
        closeAll(toClose);
        return Optional.of(new Lease(fresh));
    }

    void invalidate(JobId job) {
        List<Entry> toClose = new ArrayList<>();
        synchronized (this) {
            Entry e = entries.remove(job);
            if (e != null) {
                retire(e, toClose);
            }
        }
        closeAll(toClose);
    }

    private void retire(Entry e, List<Entry> toClose) {
        e.evicted = true;
        if (e.users == 0) {
            toClose.add(e);
        }
    }

    private void release(Entry e) {
        boolean close;
        synchronized (this) {
            e.users--;
            close = e.evicted && e.users == 0;
        }
        if (close) {
            closeAll(List.of(e));
        }
    }

    private static void closeAll(List<Entry> list) {
        for (Entry e : list) {
            try {
                e.source.close();
            } catch (IOException ex) {
                LOG.debug("closing archive reader", ex);
            }
        }
    }

    @Override
    public void close() {
        List<Entry> toClose = new ArrayList<>();
        synchronized (this) {
            for (Entry e : entries.values()) {
                retire(e, toClose);
            }
            entries.clear();
        }
        closeAll(toClose);
    }
}

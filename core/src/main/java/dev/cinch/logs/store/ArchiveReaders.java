package dev.cinch.logs.store;

import dev.cinch.logs.JobId;
import dev.cinch.logs.archive.ByteSource;
import dev.cinch.logs.archive.FrameCache;
import dev.cinch.logs.archive.SeekableArchiveReader;
import dev.cinch.logs.storage.ArchiveRef;
import dev.cinch.logs.storage.LogStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Open readers of recently read sealed logs, so repeated reads of one log (a UI paging through it) pay for the
 * footer, seek table and chunk index once. Each acquire asks the backend for the archive's current
 * {@link ArchiveRef} (cheap) and reuses a reader only for an equal ref, so a log deleted or re-imported by another
 * process or instance is never served stale. Readers are reference-counted: an evicted one is closed when its last
 * user is done.
 */
final class ArchiveReaders implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveReaders.class);

    private final LogStorage storage;
    private final int capacity;
    private final FrameCache frames;
    private final LinkedHashMap<JobId, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);

    ArchiveReaders(LogStorage storage, int capacity, FrameCache frames) {
        this.storage = storage;
        this.capacity = capacity;
        this.frames = frames;
    }

    private static final class Entry {
        final ArchiveRef ref;
        final ByteSource source;
        final SeekableArchiveReader reader;
        int users;
        boolean evicted;

        Entry(ArchiveRef ref, ByteSource source, SeekableArchiveReader reader) {
            this.ref = ref;
            this.source = source;
            this.reader = reader;
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

    /** A reader of the job's archive, or empty when the log is not sealed (or its archive went away meanwhile). */
    Optional<Lease> acquire(JobId job) throws IOException {
        Optional<ArchiveRef> ref = storage.archive(job);
        if (ref.isEmpty()) {
            invalidate(job);
            return Optional.empty();
        }
        synchronized (this) {
            Entry e = entries.get(job);
            if (e != null && e.ref.equals(ref.get())) {
                e.users++;
                return Optional.of(new Lease(e));
            }
        }
        Optional<ByteSource> source = storage.openArchive(job, ref.get());
        if (source.isEmpty()) {
            return Optional.empty();
        }
        Entry fresh;
        try {
            fresh = new Entry(ref.get(), source.get(), SeekableArchiveReader.open(source.get(), job, frames));
        } catch (RuntimeException ex) {
            closeQuietly(source.get());
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
        toClose.forEach(e -> closeQuietly(e.source));
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
        toClose.forEach(e -> closeQuietly(e.source));
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
            closeQuietly(e.source);
        }
    }

    private static void closeQuietly(ByteSource source) {
        try {
            source.close();
        } catch (IOException ex) {
            LOG.debug("closing archive source", ex);
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
        toClose.forEach(e -> closeQuietly(e.source));
    }
}

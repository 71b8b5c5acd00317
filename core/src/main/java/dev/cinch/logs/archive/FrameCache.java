package dev.cinch.logs.archive;

import dev.cinch.logs.codec.DecompressContexts;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decompressed archive frames, shared by every reader of a store and bounded by bytes: paging through a sealed log
 * in small steps, or a follower replaying one, then decompresses each frame once instead of once per read. Least
 * recently used frames go first. A frame larger than the whole bound is never kept.
 *
 * <p>Entries are keyed by the reader that decompressed them (each {@link SeekableArchiveReader} has a key of its
 * own), so an archive replaced or re-imported under the same name can never be served from frames of the old one:
 * it gets a new reader, hence new keys, and the old frames age out. Cached arrays are never handed to callers; readers
 * copy out of them.
 *
 * <p>The cache also lends its readers the zstd contexts that decompress frames: a context costs as much to create
 * as a small frame does to decompress, and paging through a log decompresses frame after frame. Thread-safe;
 * {@link #close()} frees the contexts (the store that owns the cache closes it).
 */
public final class FrameCache implements AutoCloseable {
    private record Key(Object reader, int frame) {
    }

    private final long capacityBytes;
    private final DecompressContexts contexts;
    private final LinkedHashMap<Key, byte[]> frames = new LinkedHashMap<>(64, 0.75f, true);
    private long bytes;
    private long hits;
    private long decompressions;

    /** A cache holding at most {@code capacityBytes} of decompressed frames; 0 disables it. */
    public FrameCache(long capacityBytes) {
        this(capacityBytes, DecompressContexts.forThisMachine());
    }

    private FrameCache(long capacityBytes, DecompressContexts contexts) {
        if (capacityBytes < 0) {
            throw new IllegalArgumentException("frame cache capacity must be >= 0, got " + capacityBytes);
        }
        this.capacityBytes = capacityBytes;
        this.contexts = contexts;
    }

    /**
     * A cache that keeps nothing (each read decompresses what it needs), nor any zstd context: for a reader used on
     * its own, which nobody closes.
     */
    public static FrameCache disabled() {
        return new FrameCache(0, new DecompressContexts(0));
    }

    /** The zstd contexts readers of this cache decompress frames with. */
    DecompressContexts contexts() {
        return contexts;
    }

    synchronized byte[] get(Object reader, int frame) {
        byte[] raw = capacityBytes == 0 ? null : frames.get(new Key(reader, frame));
        if (raw != null) {
            hits++;
        }
        return raw;
    }

    /** True when the frame is cached; does not count as a use. */
    synchronized boolean contains(Object reader, int frame) {
        return capacityBytes > 0 && frames.containsKey(new Key(reader, frame));
    }

    /** Records a frame a reader just decompressed, keeping it if it fits. */
    synchronized void put(Object reader, int frame, byte[] raw) {
        decompressions++;
        if (raw.length > capacityBytes) {
            return;
        }
        byte[] old = frames.put(new Key(reader, frame), raw);
        bytes += raw.length - (old == null ? 0 : old.length);
        for (Iterator<Map.Entry<Key, byte[]>> it = frames.entrySet().iterator(); bytes > capacityBytes && it.hasNext(); ) {
            bytes -= it.next().getValue().length;
            it.remove();
        }
    }

    /** The bound, in bytes of decompressed frames. */
    public long capacityBytes() {
        return capacityBytes;
    }

    /** Bytes of decompressed frames held now; never more than {@link #capacityBytes()}. */
    public synchronized long bytes() {
        return bytes;
    }

    /** Frames served from the cache, and frames readers had to decompress, since the cache was made. */
    public synchronized Stats stats() {
        return new Stats(hits, decompressions, frames.size(), bytes);
    }

    /** Frees the zstd contexts; the cached frames are left to the garbage collector. */
    @Override
    public void close() {
        contexts.close();
    }

    /**
     * @param hits frames served from the cache
     * @param decompressions frames decompressed by readers using this cache (kept or not)
     * @param frames frames held now
     * @param bytes bytes held now
     */
    public record Stats(long hits, long decompressions, int frames, long bytes) {
    }
}

package dev.cinch.logs.s3;

import dev.cinch.logs.archive.ByteSource;

import java.io.IOException;

/**
 * An archive object read with range GETs, one per {@link #readFully} (the archive reader asks for few, large pieces:
 * the footer, then the frames a read needs). A read that ends at the object's end is a suffix-range GET
 * ({@code bytes=-N}), and its bytes (the seek table, the index trailer, and the index of a small log) are kept in the
 * store's metadata cache, bounded by bytes: archive keys are unique per upload, so they never go stale.
 */
final class S3ByteSource implements ByteSource {
    private final S3Objects objects;
    private final MetadataCache cache;
    private final String key;
    private final long size;

    S3ByteSource(S3Objects objects, MetadataCache cache, String key, long size) {
        this.objects = objects;
        this.cache = cache;
        this.key = key;
        this.size = size;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void readFully(long position, byte[] dst, int off, int len) throws IOException {
        ByteSource.checkRead(size, position, dst, off, len, objects.where(key));
        if (len == 0) {
            return;
        }
        byte[] got;
        if (position + len == size) {
            String cacheKey = "tail:" + key + ":" + len;
            got = cache.get(cacheKey, byte[].class);
            if (got == null) {
                got = objects.getSuffix(key, len);
                cache.put(cacheKey, got, b -> b.length + 64L);
            }
        } else {
            got = objects.getRange(key, position, len);
        }
        System.arraycopy(got, 0, dst, off, len);
    }

    @Override
    public void close() {
        // Nothing held between requests.
    }

    @Override
    public String toString() {
        return "S3ByteSource[" + objects.where(key) + ", " + size + " bytes]";
    }
}

package dev.cinch.bench;

/**
 * Cuts consecutive fixed-size chunks out of the corpus, wrapping around at its end, so any amount of log can be
 * produced from a 15 MB corpus. Not thread-safe: each writer owns one feed.
 */
public final class ChunkFeed {
    private final byte[] corpus;
    private final int chunkBytes;
    private long position;

    ChunkFeed(byte[] corpus, int chunkBytes, long startOffset) {
        if (corpus.length == 0 || chunkBytes <= 0) {
            throw new IllegalArgumentException("need a non-empty corpus and a positive chunk size");
        }
        this.corpus = corpus;
        this.chunkBytes = chunkBytes;
        this.position = Math.floorMod(startOffset, (long) corpus.length);
    }

    /** The next chunk, exactly {@code chunkBytes} long. */
    public byte[] next() {
        return next(chunkBytes);
    }

    /** The next {@code length} bytes of the endless corpus. */
    public byte[] next(int length) {
        byte[] chunk = new byte[length];
        int filled = 0;
        while (filled < length) {
            int at = (int) position;
            int n = Math.min(length - filled, corpus.length - at);
            System.arraycopy(corpus, at, chunk, filled, n);
            filled += n;
            position = (at + n) % corpus.length;
        }
        return chunk;
    }
}

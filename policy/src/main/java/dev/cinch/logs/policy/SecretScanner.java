package dev.cinch.logs.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds every occurrence of a set of byte patterns, each at least {@link #PREFIX} bytes long, in a chunk read after
 * some bytes that precede it (the carry): the carry lets an occurrence that started in an earlier chunk be found when
 * it ends in this one. Every position's first {@link #PREFIX} bytes are tested against a 64 Kibit filter of the
 * patterns' prefixes in a few instructions, so text holding no secret costs about as much as reading it; only filter
 * hits look the prefix up and compare whole patterns. (An Aho-Corasick automaton was measured first: with hundreds of
 * base64 forms nearly every byte leaves the root, and its child searches cost 2.4x the append; a dense automaton
 * would cost megabytes per job.) Immutable and thread-safe.
 */
final class SecretScanner {
    /** Patterns are at least this long ({@link SecretForms#MIN_SECRET_BYTES}); their first bytes key the filter. */
    static final int PREFIX = SecretForms.MIN_SECRET_BYTES;
    private static final long PREFIX_MASK = (1L << (8 * PREFIX)) - 1;
    private static final int FILTER_BITS = 16;

    private final long[] filter = new long[(1 << FILTER_BITS) / 64];
    /** The distinct prefixes, ascending, and the patterns starting with each: searched only on a filter hit. */
    private final long[] prefixes;
    private final byte[][][] byPrefix;
    private final int maxLength;

    SecretScanner(List<byte[]> patterns) {
        Map<Long, List<byte[]>> groups = new HashMap<>();
        int longest = PREFIX;
        for (byte[] p : patterns) {
            if (p.length < PREFIX) {
                throw new IllegalArgumentException("patterns are at least " + PREFIX + " bytes, got " + p.length);
            }
            longest = Math.max(longest, p.length);
            long key = key(p, 0);
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(p.clone());
            int bit = slot(key);
            filter[bit >>> 6] |= 1L << bit;
        }
        prefixes = groups.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
        byPrefix = new byte[prefixes.length][][];
        for (int i = 0; i < prefixes.length; i++) {
            byPrefix[i] = groups.get(prefixes[i]).toArray(new byte[0][]);
        }
        maxLength = longest;
    }

    private static long key(byte[] b, int at) {
        long k = 0;
        for (int i = 0; i < PREFIX; i++) {
            k = (k << 8) | (b[at + i] & 0xff);
        }
        return k;
    }

    private static int slot(long key) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> (64 - FILTER_BITS));
    }

    /** The longest pattern: a carry of one byte less is all an occurrence can have started in. */
    int maxLength() {
        return maxLength;
    }

    /**
     * Masks, in a copy of {@code chunk}, the bytes of every occurrence that ends inside it, scanning {@code carry}
     * (the bytes before it) then the chunk; returns {@code chunk} itself when nothing occurs.
     */
    byte[] mask(byte[] carry, byte[] chunk, byte maskByte) {
        int c = carry.length;
        // One array, so the loop below is a tight pass over bytes (the copy of a chunk costs less than a branch per byte).
        byte[] all = new byte[c + chunk.length];
        System.arraycopy(carry, 0, all, 0, c);
        System.arraycopy(chunk, 0, all, c, chunk.length);
        int n = all.length;
        byte[] out = null;
        long key = 0;
        for (int i = 0; i < n; i++) {
            key = ((key << 8) | (all[i] & 0xff)) & PREFIX_MASK;
            int bit = slot(key);
            if ((filter[bit >>> 6] & (1L << bit)) == 0 || i < PREFIX - 1) {
                continue;
            }
            int group = Arrays.binarySearch(prefixes, key);
            if (group < 0) {
                continue;
            }
            int start = i - PREFIX + 1;
            for (byte[] p : byPrefix[group]) {
                int end = start + p.length;
                // Within the carry: masked with its own chunk; beyond this chunk: masked by the next one.
                if (end <= c || end > n || !Arrays.equals(all, start + PREFIX, end, p, PREFIX, p.length)) {
                    continue;
                }
                if (out == null) {
                    out = chunk.clone();
                }
                Arrays.fill(out, Math.max(start, c) - c, end - c, maskByte);
            }
        }
        return out == null ? chunk : out;
    }

    /** The carry for the next chunk: the last {@code maxLength() - 1} bytes of {@code carry} followed by {@code stored}. */
    byte[] carryAfter(byte[] carry, byte[] stored) {
        int keep = maxLength - 1;
        if (stored.length >= keep) {
            return Arrays.copyOfRange(stored, stored.length - keep, stored.length);
        }
        int fromCarry = Math.min(carry.length, keep - stored.length);
        byte[] next = new byte[fromCarry + stored.length];
        System.arraycopy(carry, carry.length - fromCarry, next, 0, fromCarry);
        System.arraycopy(stored, 0, next, fromCarry, stored.length);
        return next;
    }
}

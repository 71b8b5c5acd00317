package dev.cinch.logs.policy;

import dev.cinch.logs.storage.LogTotals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds every occurrence of a set of byte patterns, each at least {@link #PREFIX} bytes long, in a chunk read after
 * some bytes that precede it (the carry): the carry lets an occurrence that started in an earlier chunk be found when
 * it ends in this one.
 *
 * <p>The scan slides a window as long as the shortest pattern and looks only at its last {@link #BLOCK} bytes (Wu
 * and Manber's multi-pattern shift): a 64 Ki-entry table says, for each block (hashed), how far the window may move
 * without passing an occurrence: as far as {@code window - BLOCK + 1} bytes for a block no pattern's first
 * {@code window} bytes hold, which is most blocks of text holding no secret, so most bytes are never looked at (with
 * 32-byte secrets, whose shortest forms are the raw value and its URL encoding, the window moves up to 30 bytes). Hash
 * collisions only shorten shifts (each entry keeps the smallest), so no occurrence is skipped. A window whose shift is
 * 0 looks its whole prefix up and compares the patterns starting with it. (An Aho-Corasick automaton was measured
 * first: with hundreds of base64 forms nearly every byte leaves the root, and its child searches cost 2.4x the append;
 * a dense automaton would cost megabytes per job. A filter tested at every position came next: 0.68x of the unmasked
 * append under durability none; see ADR 0008.) Immutable and thread-safe.
 */
final class SecretScanner {
    /** Patterns are at least this long ({@link SecretForms#MIN_SECRET_BYTES}); their first bytes key the filter. */
    static final int PREFIX = SecretForms.MIN_SECRET_BYTES;
    /** Bytes of the window's end that pick the shift. */
    static final int BLOCK = 3;
    private static final int TABLE_BITS = 16;

    /** For each hashed block: how far the window may move (0: a pattern's prefix may end here). */
    private final byte[] shift = new byte[1 << TABLE_BITS];
    /** The distinct prefixes, ascending, and the patterns starting with each: searched only on a filter hit. */
    private final long[] prefixes;
    private final byte[][][] byPrefix;
    private final int maxLength;
    private final int maxNewlines;
    /** The shortest pattern's length: every occurrence fills a window of it. */
    private final int window;

    SecretScanner(List<byte[]> patterns) {
        Map<Long, List<byte[]>> groups = new HashMap<>();
        int longest = PREFIX;
        int shortest = Integer.MAX_VALUE;
        for (byte[] p : patterns) {
            if (p.length < PREFIX) {
                throw new IllegalArgumentException("patterns are at least " + PREFIX + " bytes, got " + p.length);
            }
            longest = Math.max(longest, p.length);
            shortest = Math.min(shortest, p.length);
            long key = key(p, 0);
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(p.clone());
        }
        window = shortest == Integer.MAX_VALUE ? PREFIX : shortest;
        // Shifts fit a byte; a smaller shift than possible is only slower, never wrong.
        Arrays.fill(shift, (byte) Math.min(window - BLOCK + 1, Byte.MAX_VALUE));
        for (List<byte[]> group : groups.values()) {
            for (byte[] p : group) {
                // The block ending at byte e of a pattern's first window bytes lets the window move window - 1 - e
                // bytes before that pattern could line up with it.
                for (int e = BLOCK - 1; e < window; e++) {
                    int slot = slot(block(p, e - BLOCK + 1));
                    shift[slot] = (byte) Math.min(shift[slot], window - 1 - e);
                }
            }
        }
        prefixes = groups.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
        byPrefix = new byte[prefixes.length][][];
        for (int i = 0; i < prefixes.length; i++) {
            byPrefix[i] = groups.get(prefixes[i]).toArray(new byte[0][]);
        }
        maxLength = longest;
        int newlines = 0;
        for (byte[] p : patterns) {
            newlines = Math.max(newlines, (int) LogTotals.countNewlines(p));
        }
        maxNewlines = newlines;
    }

    private static long key(byte[] b, int at) {
        long k = 0;
        for (int i = 0; i < PREFIX; i++) {
            k = (k << 8) | (b[at + i] & 0xff);
        }
        return k;
    }

    private static int block(byte[] b, int at) {
        return ((b[at] & 0xff) << 16) | ((b[at + 1] & 0xff) << 8) | (b[at + 2] & 0xff);
    }

    private static int slot(int block) {
        return (block * 0x9E3779B1) >>> (32 - TABLE_BITS);
    }

    /** The longest pattern: a carry of one byte less is all an occurrence can have started in. */
    int maxLength() {
        return maxLength;
    }

    /** The most {@code \n} bytes any pattern holds: how many line ends an occurrence can cross. */
    int maxNewlines() {
        return maxNewlines;
    }

    /**
     * Masks, in a copy of {@code chunk}, the bytes of every occurrence that ends inside it, scanning {@code carry}
     * (the bytes before it) then the chunk; returns {@code chunk} itself when nothing occurs.
     */
    byte[] mask(byte[] carry, byte[] chunk, byte maskByte) {
        int c = carry.length;
        byte[] out = null;
        if (c > 0) {
            // Windows starting in the carry see the carry and the chunk's first bytes, as far as a form can reach; the
            // rest of the chunk is scanned where it is, without copying it.
            int reach = Math.min(chunk.length, maxLength - 1);
            byte[] edge = new byte[c + reach];
            System.arraycopy(carry, 0, edge, 0, c);
            System.arraycopy(chunk, 0, edge, c, reach);
            out = scan(edge, 0, Math.min(c - 1, edge.length - window), c, c + chunk.length, chunk, 0, out, maskByte);
        }
        out = scan(chunk, 0, chunk.length - window, 0, chunk.length, chunk, 0, out, maskByte);
        return out == null ? chunk : out;
    }

    /**
     * A copy of {@code a[from, to)} in which every byte of an occurrence in {@code a} that overlaps that region is
     * masked, except {@code \n} bytes, which stay (so a region served by line keeps its lines); null when no
     * occurrence overlaps it. {@code a} holds the bytes around the region, as far as the caller could read them.
     */
    byte[] maskRegionKeepingNewlines(byte[] a, int from, int to, byte maskByte) {
        int firstStart = Math.max(0, from - (maxLength - 1));
        byte[] out = scan(a, firstStart, Math.min(to - 1, a.length - window), from, to, a, from, null, maskByte);
        if (out != null) {
            for (int j = 0; j < out.length; j++) {
                if (a[from + j] == '\n') {
                    out[j] = '\n';
                }
            }
        }
        return out;
    }

    /**
     * Masks the occurrences that start at {@code a[firstStart..lastStart]} and overlap {@code a[from, to)}: in
     * {@code out}, a copy of those region bytes ({@code src[srcFrom, srcFrom + to - from)}) made at the first one.
     * Returns {@code out}.
     */
    private byte[] scan(byte[] a, int firstStart, int lastStart, int from, int to, byte[] src, int srcFrom, byte[] out,
            byte maskByte) {
        int i = firstStart;
        while (i <= lastStart) {
            int move = shift[slot(block(a, i + window - BLOCK))];
            if (move > 0) {
                i += move;
                continue;
            }
            int group = Arrays.binarySearch(prefixes, key(a, i));
            if (group >= 0) {
                for (byte[] p : byPrefix[group]) {
                    int end = i + p.length;
                    // Before the region: masked with it; beyond what a holds: masked when the rest is read.
                    if (end <= from || end > a.length || !Arrays.equals(a, i + PREFIX, end, p, PREFIX, p.length)) {
                        continue;
                    }
                    if (out == null) {
                        out = Arrays.copyOfRange(src, srcFrom, srcFrom + (to - from));
                    }
                    Arrays.fill(out, Math.max(i, from) - from, Math.min(end, to) - from, maskByte);
                }
            }
            i++;
        }
        return out;
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

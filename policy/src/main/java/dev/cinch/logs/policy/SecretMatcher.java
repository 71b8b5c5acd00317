package dev.cinch.logs.policy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * An Aho-Corasick automaton over bytes that is fed one chunk at a time: the state between chunks is one int, so a
 * pattern that starts in one chunk and ends in the next is still found. Written here rather than taken from a
 * library because the masking needs exactly that streaming state (and the length of the longest pattern ending at
 * each byte) over raw bytes, which the string-based Java libraries do not expose. Immutable and thread-safe.
 *
 * <p>State 0 is the root (nothing of any pattern seen). The state after some bytes is the longest suffix of them that
 * is a prefix of a pattern, so it depends only on the last {@link #maxPatternLength()} bytes.
 */
final class SecretMatcher {
    private final int[] rootNext = new int[256];
    /** Per state: the byte values (0-255) it has children for, ascending, and those children. */
    private final int[][] childBytes;
    private final int[][] childStates;
    private final int[] fail;
    private final int[] depth;
    /** Per state: the length of the longest pattern that ends here (itself or through its failure chain), or 0. */
    private final int[] longestMatch;
    private final int maxPatternLength;

    SecretMatcher(List<byte[]> patterns) {
        List<TreeMap<Integer, Integer>> children = new ArrayList<>();
        List<Integer> depths = new ArrayList<>();
        List<Integer> ends = new ArrayList<>();
        children.add(new TreeMap<>());
        depths.add(0);
        ends.add(0);
        int longest = 0;
        for (byte[] p : patterns) {
            if (p.length == 0) {
                throw new IllegalArgumentException("an empty pattern would match everywhere");
            }
            longest = Math.max(longest, p.length);
            int s = 0;
            for (byte b : p) {
                Integer next = children.get(s).get(b & 0xff);
                if (next == null) {
                    next = children.size();
                    children.add(new TreeMap<>());
                    depths.add(depths.get(s) + 1);
                    ends.add(0);
                    children.get(s).put(b & 0xff, next);
                }
                s = next;
            }
            ends.set(s, Math.max(ends.get(s), p.length));
        }
        int n = children.size();
        maxPatternLength = longest;
        childBytes = new int[n][];
        childStates = new int[n][];
        depth = new int[n];
        fail = new int[n];
        longestMatch = new int[n];
        for (int s = 0; s < n; s++) {
            TreeMap<Integer, Integer> c = children.get(s);
            childBytes[s] = new int[c.size()];
            childStates[s] = new int[c.size()];
            int i = 0;
            for (var e : c.entrySet()) {
                childBytes[s][i] = e.getKey();
                childStates[s][i] = e.getValue();
                i++;
            }
            depth[s] = depths.get(s);
            longestMatch[s] = ends.get(s);
        }
        // Breadth first, so a state's failure target (shallower) is complete before the state itself.
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int b = 0; b < 256; b++) {
            int t = child(0, b);
            rootNext[b] = Math.max(t, 0);
            if (t > 0) {
                fail[t] = 0;
                queue.add(t);
            }
        }
        while (!queue.isEmpty()) {
            int s = queue.poll();
            longestMatch[s] = Math.max(longestMatch[s], longestMatch[fail[s]]);
            for (int i = 0; i < childBytes[s].length; i++) {
                int b = childBytes[s][i];
                int t = childStates[s][i];
                fail[t] = next(fail[s], b);
                queue.add(t);
            }
        }
    }

    private int child(int s, int b) {
        int i = Arrays.binarySearch(childBytes[s], b);
        return i >= 0 ? childStates[s][i] : -1;
    }

    /** The state after {@code b} in state {@code s}. */
    int next(int s, int b) {
        b &= 0xff;
        while (s != 0) {
            int t = child(s, b);
            if (t >= 0) {
                return t;
            }
            s = fail[s];
        }
        return rootNext[b];
    }

    /** Length of the longest pattern that ends with the byte that led to {@code s}; 0 when none does. */
    int longestMatch(int s) {
        return longestMatch[s];
    }

    /** How many of the last bytes seen are a prefix of some pattern. */
    int depth(int s) {
        return depth[s];
    }

    /** The longest pattern ending anywhere in {@code bytes} read from the root; 0 when none occurs. */
    int longestMatchAnywhere(byte[] bytes) {
        int s = 0;
        int longest = 0;
        for (byte b : bytes) {
            s = next(s, b);
            longest = Math.max(longest, longestMatch[s]);
        }
        return longest;
    }

    int maxPatternLength() {
        return maxPatternLength;
    }

    int states() {
        return depth.length;
    }
}

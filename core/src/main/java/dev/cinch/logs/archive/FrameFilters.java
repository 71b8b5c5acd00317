package dev.cinch.logs.archive;

import static dev.cinch.logs.archive.ArchiveFormat.*;

import dev.cinch.logs.JobId;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;

/**
 * One Bloom filter of byte trigrams per data frame, written at seal in a skippable frame of the archive (layout in
 * {@code docs/adr/0001-archive-format.md}, index version 3), so a search for a literal string decompresses only the
 * frames that may hold it, and a search across many jobs skips logs that cannot.
 *
 * <p><b>What goes in.</b> Every trigram that <em>ends</em> in the frame (so the two before its first byte come from
 * the frame before it), after a normalisation that can only merge trigrams, never split one: ASCII letters folded
 * to lower case, ASCII digits folded to {@code 0}, every other byte (punctuation, spaces, control bytes, UTF-8) to
 * a space. A literal is looked up normalised the same way, so the filter answers both case-sensitive and
 * case-insensitive searches. Folding keeps the distinct trigrams of a 256 KiB frame of real CI logs to about 2,800
 * on average (5,000 with letters and digits folded only, measured on the corpus), which leaves the filter one to two
 * bits per trigram at its size bound: timestamps, counters and the punctuation around them no longer fill it.
 *
 * <p><b>No false negatives.</b> An occurrence inside one frame puts all its trigrams in that frame's filter; one that
 * crosses into the next frame puts a prefix of them in the first filter and the rest in the second, which
 * {@link Filters#framesThatMayContain} tries at every split; one that starts in the last one or two bytes of a frame
 * has all its trigrams in the next one, which then stands for it (the search looks at the bytes before that frame
 * when it begins with the literal's end). A literal longer than the smallest frame could span
 * three frames, and one shorter than a trigram has none: for those the answer is "every frame".
 *
 * <p><b>Size.</b> A frame's filter holds at most {@link #BUDGET_PER_MILLE}‰ of the frame's compressed size (at least
 * {@link #MIN_FILTER_BYTES}), and no more than {@link #BITS_PER_TRIGRAM} bits per distinct trigram; the number of
 * hash functions follows from the bits per trigram. A full filter answers "maybe" more often, never "no" wrongly.
 */
public final class FrameFilters {
    static final byte[] FILTER_MAGIC = "CINCHFLT".getBytes(StandardCharsets.US_ASCII);
    static final int FILTER_FORMAT_VERSION = 1;
    static final int GRAM = 3;
    /** Normalisation 2: ASCII letters to lower case, ASCII digits to '0', every other byte to a space. */
    static final int NORMALISATION = 2;
    /** Per mille of the frame's compressed size a filter may take (the bound is 5% of the archive). */
    static final int BUDGET_PER_MILLE = 30; // 3%: see ADR 0001 for the trade-off with the sealed ratio
    static final int MIN_FILTER_BYTES = 64;
    static final int BITS_PER_TRIGRAM = 10;
    static final int MAX_HASHES = 6;
    /** Payload header: magic, version, gram, normalisation, reserved byte, u32 frame count. */
    static final int HEADER_BYTES = FILTER_MAGIC.length + 4 + 4;
    /** Per frame: u32 filter bytes, u8 hash count. */
    static final int FRAME_ENTRY_BYTES = 5;

    private FrameFilters() {
    }

    static int normalise(byte b) {
        int c = b & 0xFF;
        if (c >= 'A' && c <= 'Z') {
            return c + ('a' - 'A');
        }
        if (c >= 'a' && c <= 'z') {
            return c;
        }
        if (c >= '0' && c <= '9') {
            return '0';
        }
        return ' ';
    }

    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return h;
    }

    /** Bit {@code i} (0-based) of the trigram's {@code k} bit positions in a filter of {@code bits} bits. */
    private static int bit(int trigram, int i, long bits) {
        int h1 = mix(trigram * 0x9E3779B1);
        int h2 = mix(trigram ^ 0x5BD1E995) | 1;
        return (int) (((h1 + i * h2) & 0xFFFF_FFFFL) * bits >>> 32);
    }

    /** Collects each frame's distinct trigrams as the writer cuts frames, and writes the filter frame at the end. */
    static final class Builder {
        /** One bit per possible trigram (2^24): which ones the current frame has, to count them once. */
        private final long[] seen = new long[1 << 18];
        private int[] distinct = new int[4096];
        private int distinctCount;
        /** The normalised last two bytes before the current frame's next byte; -1 before the log's first bytes. */
        private int previous2 = -1;
        private int previous1 = -1;
        private final LittleEndianBuffer entries = new LittleEndianBuffer(256);
        private final java.io.ByteArrayOutputStream bitsets = new java.io.ByteArrayOutputStream();
        private int frames;

        /** Adds the trigrams ending in {@code frame[0, length)}, then closes the frame's filter. */
        void addFrame(byte[] frame, int length, int compressedSize) {
            int p2 = previous2;
            int p1 = previous1;
            for (int i = 0; i < length; i++) {
                int c = normalise(frame[i]);
                if (p2 >= 0) {
                    add((p2 << 16) | (p1 << 8) | c);
                }
                p2 = p1;
                p1 = c;
            }
            previous2 = p2;
            previous1 = p1;
            finishFrame(compressedSize);
        }

        private void add(int trigram) {
            long mask = 1L << (trigram & 63);
            int word = trigram >>> 6;
            if ((seen[word] & mask) == 0) {
                seen[word] |= mask;
                if (distinctCount == distinct.length) {
                    distinct = Arrays.copyOf(distinct, distinct.length * 2);
                }
                distinct[distinctCount++] = trigram;
            }
        }

        private void finishFrame(int compressedSize) {
            long budget = Math.max(MIN_FILTER_BYTES, (long) compressedSize * BUDGET_PER_MILLE / 1000);
            long wanted = Math.max(MIN_FILTER_BYTES, ((long) distinctCount * BITS_PER_TRIGRAM + 7) / 8);
            int bytes = (int) ((Math.min(budget, wanted) + 7) / 8 * 8);
            long bits = bytes * 8L;
            int hashes = distinctCount == 0 ? 1
                    : (int) Math.max(1, Math.min(MAX_HASHES, Math.round((double) bits / distinctCount * Math.log(2))));
            byte[] filter = new byte[bytes];
            for (int d = 0; d < distinctCount; d++) {
                int t = distinct[d];
                for (int i = 0; i < hashes; i++) {
                    int b = bit(t, i, bits);
                    filter[b >>> 3] |= (byte) (1 << (b & 7));
                }
                seen[t >>> 6] = 0; // cleared word by word: only the words this frame touched
            }
            distinctCount = 0;
            entries.putI32(bytes).putU8(hashes);
            bitsets.write(filter, 0, filter.length);
            frames++;
        }

        /** The filter frame: skippable header, payload, CRC32C of the payload before it. */
        byte[] frameBytes() {
            byte[] bits = bitsets.toByteArray();
            int payload = HEADER_BYTES + entries.size() + bits.length + 4;
            byte[] out = new byte[SKIPPABLE_HEADER_BYTES + payload];
            putI32(out, 0, FILTER_FRAME_MAGIC);
            putI32(out, 4, payload);
            int at = SKIPPABLE_HEADER_BYTES;
            System.arraycopy(FILTER_MAGIC, 0, out, at, FILTER_MAGIC.length);
            at += FILTER_MAGIC.length;
            out[at++] = (byte) FILTER_FORMAT_VERSION;
            out[at++] = (byte) GRAM;
            out[at++] = (byte) NORMALISATION;
            out[at++] = 0;
            putI32(out, at, frames);
            at += 4;
            System.arraycopy(entries.array(), 0, out, at, entries.size());
            at += entries.size();
            System.arraycopy(bits, 0, out, at, bits.length);
            at += bits.length;
            putI32(out, at, crcOf(out, SKIPPABLE_HEADER_BYTES, at - SKIPPABLE_HEADER_BYTES));
            return out;
        }
    }

    /** The parsed filters of one archive. */
    static final class Filters {
        private final byte[] bits;
        private final int[] start;
        private final int[] bytes;
        private final byte[] hashes;

        private Filters(byte[] bits, int[] start, int[] bytes, byte[] hashes) {
            this.bits = bits;
            this.start = start;
            this.bytes = bytes;
            this.hashes = hashes;
        }

        /**
         * Parses and checks a filter frame ({@code frame} is the whole skippable frame, read at {@code archiveOffset})
         * of an archive with {@code frameCount} data frames.
         */
        static Filters parse(JobId job, byte[] frame, long archiveOffset, int frameCount) {
            if (frame.length < SKIPPABLE_HEADER_BYTES + HEADER_BYTES + 4 || i32(frame, 0) != FILTER_FRAME_MAGIC
                    || u32(frame, 4) != frame.length - SKIPPABLE_HEADER_BYTES
                    || !Arrays.equals(frame, SKIPPABLE_HEADER_BYTES, SKIPPABLE_HEADER_BYTES + FILTER_MAGIC.length,
                            FILTER_MAGIC, 0, FILTER_MAGIC.length)) {
                throw corrupt(job, archiveOffset, "the filter frame's header is not a CINCHFLT skippable frame of "
                        + frame.length + " bytes");
            }
            int crcAt = frame.length - 4;
            int crc = crcOf(frame, SKIPPABLE_HEADER_BYTES, crcAt - SKIPPABLE_HEADER_BYTES);
            if (crc != i32(frame, crcAt)) {
                throw corrupt(job, archiveOffset + crcAt, "filter frame CRC32C " + hex(crc) + " differs from the stored "
                        + hex(i32(frame, crcAt)));
            }
            int at = SKIPPABLE_HEADER_BYTES + FILTER_MAGIC.length;
            int version = frame[at] & 0xFF;
            int gram = frame[at + 1] & 0xFF;
            int normalisation = frame[at + 2] & 0xFF;
            long frames = u32(frame, at + 4);
            if (version != FILTER_FORMAT_VERSION || gram != GRAM || normalisation != NORMALISATION || frames != frameCount) {
                throw corrupt(job, archiveOffset + at, "filter frame version " + version + ", gram " + gram
                        + ", normalisation " + normalisation + ", " + frames + " frames; expected " + FILTER_FORMAT_VERSION
                        + ", " + GRAM + ", " + NORMALISATION + ", " + frameCount);
            }
            at += 8;
            int bitsAt = at + frameCount * FRAME_ENTRY_BYTES;
            int[] start = new int[frameCount];
            int[] bytes = new int[frameCount];
            byte[] hashes = new byte[frameCount];
            long next = 0;
            for (int f = 0; f < frameCount; f++, at += FRAME_ENTRY_BYTES) {
                long n = u32(frame, at);
                int k = frame[at + 4] & 0xFF;
                if (n < 8 || n % 8 != 0 || k < 1 || k > MAX_HASHES) {
                    throw corrupt(job, archiveOffset + at, "filter of frame " + f + " has " + n + " bytes and " + k
                            + " hashes");
                }
                start[f] = (int) next;
                bytes[f] = (int) n;
                hashes[f] = (byte) k;
                next += n;
            }
            if (bitsAt + next != crcAt) {
                throw corrupt(job, archiveOffset + bitsAt, "filters of " + next + " bytes do not fill the "
                        + (crcAt - bitsAt) + " bytes the filter frame holds for them");
            }
            return new Filters(Arrays.copyOfRange(frame, bitsAt, crcAt), start, bytes, hashes);
        }

        int frameCount() {
            return start.length;
        }

        long filterBytes() {
            return bits.length;
        }

        private boolean mayHold(int frame, int trigram) {
            long size = bytes[frame] * 8L;
            int base = start[frame];
            for (int i = 0; i < hashes[frame]; i++) {
                int b = bit(trigram, i, size);
                if ((bits[base + (b >>> 3)] & (1 << (b & 7))) == 0) {
                    return false;
                }
            }
            return true;
        }

        /**
         * The frames that may hold {@code literal} (raw bytes, not yet normalised), in whole or in part: a set bit
         * for every frame an occurrence could touch. Never leaves out a frame an occurrence touches; {@code null}
         * when the filters cannot tell (a literal shorter than a trigram, or long enough to span three frames).
         */
        BitSet framesThatMayContain(byte[] literal, int smallestFrameBytes) {
            if (literal.length < GRAM || literal.length > smallestFrameBytes) {
                return null;
            }
            int n = literal.length - GRAM + 1;
            int[] trigrams = new int[n];
            for (int i = 0; i < n; i++) {
                trigrams[i] = (normalise(literal[i]) << 16) | (normalise(literal[i + 1]) << 8) | normalise(literal[i + 2]);
            }
            int frames = frameCount();
            BitSet may = new BitSet(frames);
            // held[f][i]: trigram i may be in frame f; computed for two frames at a time.
            boolean[] here = new boolean[n];
            boolean[] next = new boolean[n];
            if (frames > 0) {
                fill(0, trigrams, here);
            }
            for (int f = 0; f < frames; f++) {
                if (f + 1 < frames) {
                    fill(f + 1, trigrams, next);
                }
                if (all(here, 0, n)) {
                    may.set(f);
                }
                // An occurrence whose first k trigrams end in frame f and the rest in f+1. (One whose trigrams all end
                // in f+1 may still start in the last byte or two of f: f+1 alone stands for it, and a search reads
                // those bytes only when the frame begins with the end of the literal, see LogSearch.)
                if (f + 1 < frames) {
                    for (int k = 1; k < n; k++) {
                        if (all(here, 0, k) && all(next, k, n)) {
                            may.set(f);
                            may.set(f + 1);
                            break;
                        }
                    }
                }
                boolean[] t = here;
                here = next;
                next = t;
            }
            return may;
        }

        private void fill(int frame, int[] trigrams, boolean[] out) {
            for (int i = 0; i < trigrams.length; i++) {
                out[i] = mayHold(frame, trigrams[i]);
            }
        }

        private static boolean all(boolean[] b, int from, int to) {
            for (int i = from; i < to; i++) {
                if (!b[i]) {
                    return false;
                }
            }
            return true;
        }
    }
}

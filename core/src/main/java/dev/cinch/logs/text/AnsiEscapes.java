package dev.cinch.logs.text;

/**
 * Removes ANSI escape sequences from a line, for matching only (what is delivered stays the stored bytes).
 *
 * <p>Recognised, as ECMA-48 defines them: CSI {@code ESC [}, parameter bytes {@code 0x30-0x3F}, intermediate bytes
 * {@code 0x20-0x2F}, a final byte {@code 0x40-0x7E} (colours, cursor moves, erase line); OSC {@code ESC ]} up to
 * BEL or ST {@code ESC \} (terminal titles, hyperlinks); and the other escape sequences, {@code ESC}, intermediate
 * bytes {@code 0x20-0x2F}, a final byte {@code 0x30-0x7E} (such as {@code ESC ( B}, which {@code tput sgr0} prints,
 * or {@code ESC 7}). A sequence cut off by the end of the line is not a sequence: its bytes stay, since a terminal
 * would not have hidden them either on a line of its own.
 */
final class AnsiEscapes {
    private static final byte ESC = 0x1B;
    private static final byte BEL = 0x07;

    private AnsiEscapes() {
    }

    /** True when {@code b[from, to)} holds an ESC byte: lines without one are matched as they are, with no copy. */
    static boolean mayHoldEscapes(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == ESC) {
                return true;
            }
        }
        return false;
    }

    /** The bytes of {@code b[from, to)} without its escape sequences. */
    static byte[] strip(byte[] b, int from, int to) {
        byte[] out = new byte[to - from];
        int n = 0;
        int i = from;
        while (i < to) {
            int end = b[i] == ESC ? sequenceEnd(b, i, to) : -1;
            if (end < 0) {
                out[n++] = b[i++];
            } else {
                i = end;
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** The index after the escape sequence starting at {@code b[at] == ESC}, or -1 when none starts there. */
    static int sequenceEnd(byte[] b, int at, int to) {
        int i = at + 1;
        if (i >= to) {
            return -1;
        }
        if (b[i] == '[') {
            for (i++; i < to; i++) {
                int c = b[i] & 0xFF;
                if (c >= 0x40 && c <= 0x7E) {
                    return i + 1;
                }
                if (c < 0x20 || c > 0x3F) {
                    return -1;
                }
            }
            return -1;
        }
        if (b[i] == ']') {
            for (i++; i < to; i++) {
                if (b[i] == BEL) {
                    return i + 1;
                }
                if (b[i] == ESC && i + 1 < to && b[i + 1] == '\\') {
                    return i + 2;
                }
            }
            return -1;
        }
        for (; i < to; i++) {
            int c = b[i] & 0xFF;
            if (c >= 0x30 && c <= 0x7E) {
                return i + 1;
            }
            if (c < 0x20 || c > 0x2F) {
                return -1;
            }
        }
        return -1;
    }
}

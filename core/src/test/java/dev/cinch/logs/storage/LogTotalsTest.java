package dev.cinch.logs.storage;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class LogTotalsTest {

    private static long byteByByte(byte[] b, int from, int length) {
        long n = 0;
        for (int i = from; i < from + length; i++) {
            if (b[i] == '\n') {
                n++;
            }
        }
        return n;
    }

    @Test
    void newlinesAreCountedExactlyWhateverTheBytesAndTheirAlignment() {
        SplittableRandom rnd = new SplittableRandom(2);
        // Bytes that differ from '\n' (0x0a) in one bit, bytes with the high bit set, and '\n' runs are the cases a
        // word-at-a-time count can get wrong.
        byte[] tricky = {'\n', 0x0b, 0x08, 0x02, (byte) 0x8a, (byte) 0xff, 0x00, 0x7f, (byte) 0x80, 0x1a};
        for (int round = 0; round < 5000; round++) {
            byte[] b = new byte[rnd.nextInt(200)];
            int mode = rnd.nextInt(3);
            for (int i = 0; i < b.length; i++) {
                b[i] = switch (mode) {
                    case 0 -> (byte) rnd.nextInt(256);
                    case 1 -> tricky[rnd.nextInt(tricky.length)];
                    default -> (byte) (rnd.nextInt(3) == 0 ? '\n' : rnd.nextInt(256));
                };
            }
            int from = b.length == 0 ? 0 : rnd.nextInt(b.length);
            int length = rnd.nextInt(b.length - from + 1);
            assertThat(LogTotals.countNewlines(b, from, length)).as("round %d", round).isEqualTo(byteByByte(b, from, length));
        }
        byte[] allNewlines = new byte[1001];
        java.util.Arrays.fill(allNewlines, (byte) '\n');
        assertThat(LogTotals.countNewlines(allNewlines)).isEqualTo(1001);
        assertThat(LogTotals.countNewlines(new byte[0])).isZero();
    }
}

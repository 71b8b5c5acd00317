package dev.cinch.logs.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class Crc32cTest {
    private static int reference(byte[] data, int off, int len) {
        CRC32C crc = new CRC32C();
        crc.update(data, off, len);
        return (int) crc.getValue();
    }

    @Test
    void combineEqualsCrcOfConcatenationForManyRandomSplits() {
        Random random = new Random(42);
        for (int round = 0; round < 2_000; round++) {
            byte[] data = new byte[random.nextInt(round < 100 ? 16 : 5_000)];
            random.nextBytes(data);
            int split = data.length == 0 ? 0 : random.nextInt(data.length + 1);
            int crcA = reference(data, 0, split);
            int crcB = reference(data, split, data.length - split);
            assertThat(Crc32c.combine(crcA, crcB, data.length - split))
                    .as("round %d, length %d, split %d", round, data.length, split)
                    .isEqualTo(reference(data, 0, data.length));
        }
    }

    @Test
    void combineWithEmptySecondPartIsTheFirstCrc() {
        byte[] data = "hello, world\n".getBytes();
        int crcA = reference(data, 0, data.length);
        assertThat(Crc32c.combine(crcA, reference(data, 0, 0), 0)).isEqualTo(crcA);
        assertThat(Crc32c.combine(crcA, 0, 0)).isEqualTo(crcA);
    }

    @Test
    void combineWithEmptyFirstPartIsTheSecondCrc() {
        byte[] data = "second part".getBytes();
        int crcB = reference(data, 0, data.length);
        assertThat(Crc32c.combine(0, crcB, data.length)).isEqualTo(crcB);
    }

    @Test
    void combineFoldsAWholeChunkSequence() {
        Random random = new Random(7);
        byte[] log = new byte[200_000];
        random.nextBytes(log);
        int running = 0;
        int at = 0;
        while (at < log.length) {
            int length = Math.min(log.length - at, random.nextInt(9_000));
            running = Crc32c.combine(running, reference(log, at, length), length);
            at += length;
        }
        assertThat(running).isEqualTo(reference(log, 0, log.length));
    }

    @Test
    void combineHandlesHugeLengthsWithoutData() {
        // x^(8·len) for lengths beyond 2^32 bytes must still be computed; check associativity on a large zero run:
        // CRC(A·Z·B) computed two ways, where Z is 2^33 zero bytes described only by its CRC.
        long zeros = 1L << 33;
        int crcZ = zeroRunCrc(zeros);
        byte[] a = {1, 2, 3};
        byte[] b = {4, 5};
        int left = Crc32c.combine(Crc32c.combine(reference(a, 0, 3), crcZ, zeros), reference(b, 0, 2), 2);
        int right = Crc32c.combine(reference(a, 0, 3), Crc32c.combine(crcZ, reference(b, 0, 2), 2), zeros + 2);
        assertThat(left).isEqualTo(right);
    }

    /** CRC32C of n zero bytes, by doubling with combine (checked against the real CRC for small n). */
    private static int zeroRunCrc(long n) {
        byte[] one = {0};
        int unit = reference(one, 0, 1);
        int result = 0;
        long have = 0;
        int power = unit;
        long powerLength = 1;
        long rest = n;
        while (rest != 0) {
            if ((rest & 1) != 0) {
                result = Crc32c.combine(result, power, powerLength);
                have += powerLength;
            }
            power = Crc32c.combine(power, power, powerLength);
            powerLength *= 2;
            rest >>>= 1;
        }
        assertThat(have).isEqualTo(n);
        if (n <= 1 << 20) {
            assertThat(result).isEqualTo(reference(new byte[(int) n], 0, (int) n));
        }
        return result;
    }

    @Test
    void zeroRunHelperMatchesRealCrc() {
        for (long n : new long[] {1, 2, 3, 1000, 65_536, 1 << 20}) {
            zeroRunCrc(n);
        }
    }

    @Test
    void negativeLengthIsRejected() {
        assertThatThrownBy(() -> Crc32c.combine(0, 0, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ofMatchesJdk() {
        byte[] data = "abc".getBytes();
        assertThat(Crc32c.of(data)).isEqualTo(reference(data, 0, 3));
        // Known CRC32C check value of "123456789".
        assertThat(Crc32c.of("123456789".getBytes())).isEqualTo(0xE3069283);
    }
}

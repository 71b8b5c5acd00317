package dev.cinch.logs.policy;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class SecretScannerTest {
    private static final byte MASK = '#';

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** What masking must give: every byte of every occurrence ending after {@code carry.length}, inside the chunk. */
    private static byte[] naive(List<byte[]> patterns, byte[] carry, byte[] chunk) {
        byte[] all = new byte[carry.length + chunk.length];
        System.arraycopy(carry, 0, all, 0, carry.length);
        System.arraycopy(chunk, 0, all, carry.length, chunk.length);
        byte[] out = chunk.clone();
        for (byte[] p : patterns) {
            for (int start = 0; start + p.length <= all.length; start++) {
                int end = start + p.length;
                if (end > carry.length && Arrays.equals(all, start, end, p, 0, p.length)) {
                    Arrays.fill(out, Math.max(start, carry.length) - carry.length, end - carry.length, MASK);
                }
            }
        }
        return out;
    }

    @Test
    void masksWhatANaiveSearchFindsOnRandomBytesWithOverlapsAndCarries() {
        SplittableRandom random = new SplittableRandom(1);
        for (int round = 0; round < 500; round++) {
            List<byte[]> patterns = new ArrayList<>();
            for (int i = 0, n = 1 + random.nextInt(8); i < n; i++) {
                byte[] p = new byte[SecretScanner.PREFIX + random.nextInt(5)];
                for (int k = 0; k < p.length; k++) {
                    p[k] = (byte) random.nextInt(2); // a two-byte alphabet makes overlaps and near misses frequent
                }
                patterns.add(p);
            }
            SecretScanner scanner = new SecretScanner(patterns);
            byte[] carry = new byte[random.nextInt(scanner.maxLength())];
            byte[] chunk = new byte[random.nextInt(200)];
            for (int k = 0; k < carry.length; k++) {
                carry[k] = (byte) random.nextInt(2);
            }
            for (int k = 0; k < chunk.length; k++) {
                chunk[k] = (byte) random.nextInt(2);
            }
            assertThat(scanner.mask(carry, chunk, MASK)).as("round %d", round).isEqualTo(naive(patterns, carry, chunk));
        }
    }

    @Test
    void longPatternsWithLongShiftsMissNothingPlantedAnywhere() {
        SplittableRandom random = new SplittableRandom(2);
        for (int round = 0; round < 300; round++) {
            List<byte[]> patterns = new ArrayList<>();
            for (int i = 0, n = 1 + random.nextInt(40); i < n; i++) {
                byte[] p = new byte[12 + random.nextInt(50)];
                for (int k = 0; k < p.length; k++) {
                    p[k] = (byte) ('a' + random.nextInt(4)); // small alphabet: blocks repeat, shifts vary
                }
                patterns.add(p);
            }
            SecretScanner scanner = new SecretScanner(patterns);
            byte[] carry = new byte[random.nextInt(scanner.maxLength())];
            byte[] chunk = new byte[random.nextInt(4000)];
            for (int k = 0; k < carry.length; k++) {
                carry[k] = (byte) ('a' + random.nextInt(6));
            }
            for (int k = 0; k < chunk.length; k++) {
                chunk[k] = (byte) ('a' + random.nextInt(6));
            }
            byte[] all = new byte[carry.length + chunk.length];
            for (int plant = 0, n = random.nextInt(6); plant < n && all.length > 0; plant++) {
                byte[] p = patterns.get(random.nextInt(patterns.size()));
                if (p.length <= all.length) {
                    int at = random.nextInt(all.length - p.length + 1);
                    System.arraycopy(carry, 0, all, 0, carry.length);
                    System.arraycopy(chunk, 0, all, carry.length, chunk.length);
                    System.arraycopy(p, 0, all, at, p.length);
                    System.arraycopy(all, 0, carry, 0, carry.length);
                    System.arraycopy(all, carry.length, chunk, 0, chunk.length);
                }
            }
            assertThat(scanner.mask(carry, chunk, MASK)).as("round %d", round).isEqualTo(naive(patterns, carry, chunk));
        }
    }

    @Test
    void theCarryIsTheEndOfWhatWasStored() {
        SecretScanner scanner = new SecretScanner(List.of(b("abcdefgh")));
        assertThat(scanner.carryAfter(new byte[0], b("0123456789"))).isEqualTo(b("3456789"));
        assertThat(scanner.carryAfter(b("wxyz"), b("12"))).isEqualTo(b("wxyz12"));
        assertThat(scanner.carryAfter(b("uvwxyz"), b("12"))).isEqualTo(b("vwxyz12"));
        assertThat(scanner.mask(b("xxabc"), b("defghyy"), MASK)).isEqualTo(b("#####yy"));
        assertThat(scanner.mask(b("abcdefgh"), b("yy"), MASK)).as("masked before, with its chunk").isEqualTo(b("yy"));
        byte[] clean = b("nothing to see");
        assertThat(scanner.mask(new byte[0], clean, MASK)).isSameAs(clean);
    }

    @Test
    void bytesAboveSevenBitsAreOrdinaryBytes() {
        byte[] p = {(byte) 0xff, (byte) 0x80, 0, (byte) 0xc3, 1, 2};
        SecretScanner scanner = new SecretScanner(List.of(p));
        byte[] text = {9, (byte) 0xff, (byte) 0xff, (byte) 0x80, 0, (byte) 0xc3, 1, 2, 9};
        assertThat(scanner.mask(new byte[0], text, MASK)).isEqualTo(new byte[] {9, (byte) 0xff, MASK, MASK, MASK, MASK, MASK, MASK, 9});
    }

    private static boolean found(SecretScanner scanner, byte[] text) {
        return scanner.mask(new byte[0], text, MASK) != text;
    }

    @Test
    void base64FormsAreFoundInsideALargerEncodedValueAtEveryAlignment() {
        byte[] secret = b("hunter2-s3cr3t!");
        SecretScanner scanner = new SecretScanner(SecretForms.of(secret));
        for (int before = 0; before < 6; before++) {
            for (int after = 0; after < 4; after++) {
                byte[] value = new byte[before + secret.length + after];
                Arrays.fill(value, (byte) 'u');
                System.arraycopy(secret, 0, value, before, secret.length);
                for (Base64.Encoder e : List.of(Base64.getEncoder(), Base64.getUrlEncoder(), Base64.getMimeEncoder())) {
                    assertThat(found(scanner, e.encode(value))).as("before %d after %d", before, after).isTrue();
                }
            }
        }
    }

    @Test
    void urlEncodedFormsAndShortSecrets() {
        SecretScanner scanner = new SecretScanner(SecretForms.of(b("p@ss word/+?=")));
        assertThat(found(scanner, b("?t=p%40ss%20word%2F%2B%3F%3D&x"))).isTrue();
        assertThat(found(scanner, b("?t=p%40ss%20word%2f%2b%3f%3d&x"))).isTrue();
        assertThat(found(scanner, b("?t=p%40ss+word%2F%2B%3F%3D&x"))).isTrue();
        assertThat(found(scanner, b("?t=p%40ss+word%2F%2B%3F%3E&x"))).isFalse();
        assertThat(SecretForms.of(b("12345"))).as("shorter than 6 bytes: not masked").isEmpty();
        assertThat(SecretForms.of(b("123456"))).isNotEmpty();
    }
}

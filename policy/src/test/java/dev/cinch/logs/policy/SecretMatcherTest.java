package dev.cinch.logs.policy;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class SecretMatcherTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Every (end, length) of pattern occurrences, found naively. */
    private static List<String> naive(List<byte[]> patterns, byte[] text) {
        List<String> out = new ArrayList<>();
        for (int end = 0; end < text.length; end++) {
            int longest = 0;
            for (byte[] p : patterns) {
                int start = end - p.length + 1;
                if (start >= 0 && java.util.Arrays.equals(text, start, end + 1, p, 0, p.length)) {
                    longest = Math.max(longest, p.length);
                }
            }
            if (longest > 0) {
                out.add(end + ":" + longest);
            }
        }
        return out;
    }

    @Test
    void findsTheLongestPatternEndingAtEachByteLikeANaiveSearchOnRandomBytes() {
        SplittableRandom random = new SplittableRandom(1);
        for (int round = 0; round < 200; round++) {
            List<byte[]> patterns = new ArrayList<>();
            int n = 1 + random.nextInt(8);
            for (int i = 0; i < n; i++) {
                byte[] p = new byte[1 + random.nextInt(6)];
                for (int k = 0; k < p.length; k++) {
                    p[k] = (byte) random.nextInt(3) ; // a tiny alphabet (and byte 0) makes overlaps frequent
                }
                patterns.add(p);
            }
            byte[] text = new byte[random.nextInt(300)];
            for (int k = 0; k < text.length; k++) {
                text[k] = (byte) random.nextInt(3);
            }
            SecretMatcher m = new SecretMatcher(patterns);
            List<String> got = new ArrayList<>();
            // Fed in random pieces: the state carries across.
            int s = 0;
            for (int i = 0; i < text.length; i++) {
                s = m.next(s, text[i]);
                if (m.longestMatch(s) > 0) {
                    got.add(i + ":" + m.longestMatch(s));
                }
            }
            assertThat(got).as("round %d", round).isEqualTo(naive(patterns, text));
        }
    }

    @Test
    void bytesAboveSevenBitsAreOrdinaryBytes() {
        SecretMatcher m = new SecretMatcher(List.of(new byte[] {(byte) 0xff, (byte) 0x80, 0, (byte) 0xc3}));
        byte[] text = {1, (byte) 0xff, (byte) 0xff, (byte) 0x80, 0, (byte) 0xc3, 2};
        int s = 0;
        int foundAt = -1;
        for (int i = 0; i < text.length; i++) {
            s = m.next(s, text[i]);
            if (m.longestMatch(s) == 4) {
                foundAt = i;
            }
        }
        assertThat(foundAt).isEqualTo(5);
    }

    @Test
    void base64FormsAreFoundInsideALargerEncodedValueAtEveryAlignment() {
        byte[] secret = b("hunter2-s3cr3t!");
        List<byte[]> forms = SecretForms.of(secret);
        for (int before = 0; before < 6; before++) {
            for (int after = 0; after < 4; after++) {
                byte[] value = new byte[before + secret.length + after];
                java.util.Arrays.fill(value, (byte) 'u');
                System.arraycopy(secret, 0, value, before, secret.length);
                for (Base64.Encoder e : List.of(Base64.getEncoder(), Base64.getUrlEncoder(), Base64.getMimeEncoder())) {
                    byte[] encoded = e.encode(value);
                    assertThat(new SecretMatcher(forms).longestMatchAnywhere(encoded)).as("before %d after %d", before, after)
                            .isGreaterThanOrEqualTo(SecretForms.MIN_SECRET_BYTES);
                }
            }
        }
    }

    @Test
    void urlEncodedFormsAndShortSecrets() {
        byte[] secret = b("p@ss word/+?=");
        SecretMatcher m = new SecretMatcher(SecretForms.of(secret));
        assertThat(m.longestMatchAnywhere(b("?t=p%40ss%20word%2F%2B%3F%3D&x"))).isPositive();
        assertThat(m.longestMatchAnywhere(b("?t=p%40ss%20word%2f%2b%3f%3d&x"))).isPositive();
        assertThat(m.longestMatchAnywhere(b("?t=p%40ss+word%2F%2B%3F%3D&x"))).isPositive();
        assertThat(SecretForms.of(b("12345"))).as("shorter than 6 bytes: not masked").isEmpty();
        assertThat(SecretForms.of(b("123456"))).isNotEmpty();
    }
}

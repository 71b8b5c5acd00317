package dev.cinch.logs.policy;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The byte strings a registered secret may appear as in a build's output: itself, base64 (standard and URL-safe
 * alphabets) and URL-encoded. Secrets shorter than {@link #MIN_SECRET_BYTES} are not masked: short values ("true",
 * "main", a port number) occur everywhere in logs, and masking them would destroy the log without hiding anything.
 *
 * <p>Base64: a secret inside a larger encoded value ({@code Authorization: Basic base64(user:secret)}) starts at any
 * of three byte alignments, and the characters at its edges then also depend on the neighbouring bytes. For each
 * alignment the form is the run of characters determined by the secret's bytes alone, so it is found whatever
 * surrounds it. URL encoding: percent-encoding of everything but RFC 3986's unreserved characters, with upper- and
 * lower-case hex, and the form encoding that writes a space as {@code +}.
 */
final class SecretForms {
    static final int MIN_SECRET_BYTES = 6;

    private SecretForms() {
    }

    /** Every form of {@code secret} to mask, each at least {@link #MIN_SECRET_BYTES} long; empty for a short secret. */
    static List<byte[]> of(byte[] secret) {
        if (secret.length < MIN_SECRET_BYTES) {
            return List.of();
        }
        Set<Key> forms = new LinkedHashSet<>();
        forms.add(new Key(secret));
        for (Base64.Encoder encoder : List.of(Base64.getEncoder().withoutPadding(), Base64.getUrlEncoder().withoutPadding())) {
            for (int align = 0; align < 3; align++) {
                byte[] shifted = new byte[align + secret.length];
                System.arraycopy(secret, 0, shifted, align, secret.length);
                byte[] encoded = encoder.encode(shifted);
                // Character i holds bits [6i, 6i + 6); the secret holds bits [8 * align, 8 * (align + length)).
                int first = (8 * align + 5) / 6;
                int end = 8 * (align + secret.length) / 6;
                if (end - first >= MIN_SECRET_BYTES) {
                    forms.add(new Key(Arrays.copyOfRange(encoded, first, end)));
                }
            }
        }
        forms.add(new Key(percentEncoded(secret, "0123456789ABCDEF", false)));
        forms.add(new Key(percentEncoded(secret, "0123456789abcdef", false)));
        forms.add(new Key(percentEncoded(secret, "0123456789ABCDEF", true)));
        List<byte[]> out = new ArrayList<>();
        for (Key k : forms) {
            out.add(k.bytes());
        }
        return out;
    }

    private static byte[] percentEncoded(byte[] secret, String hex, boolean spaceAsPlus) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(secret.length * 3);
        for (byte b : secret) {
            int c = b & 0xff;
            if (isUnreserved(c)) {
                out.write(c);
            } else if (c == ' ' && spaceAsPlus) {
                out.write('+');
            } else {
                out.write('%');
                out.write(hex.charAt(c >>> 4));
                out.write(hex.charAt(c & 0xf));
            }
        }
        return out.toByteArray();
    }

    private static boolean isUnreserved(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    /** Byte content with value equality, to drop forms that coincide (a secret of unreserved characters only). */
    private record Key(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Key[" + bytes.length + " bytes]"; // never the secret itself
        }
    }
}

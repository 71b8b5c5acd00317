package dev.cinch.metadata;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * AES-256-GCM encryption of secret columns.
 *
 * <h2>Format (version 1)</h2>
 * Binary envelope: {@code 0x01 | keyId (4 bytes) | nonce (12 bytes, fresh from SecureRandom per value) |
 * ciphertext | GCM tag (16 bytes)}. Postgres stores it as-is in BYTEA; SQLite stores the text form
 * {@code v1:<keyId hex>:<base64url(nonce | ciphertext | tag)>} in TEXT. The additional authenticated data is
 * {@code cinch-secret:v1:<table.column>:<row id>}, so a value copied into another row or column fails to decrypt
 * instead of silently becoming that row's secret.
 *
 * <p>Writing needs the current key and never falls back to plaintext. Reading picks the key by the stored id, from
 * the current and the old keys.
 */
final class SecretCipher {
    static final byte VERSION = 1;
    static final int KEY_ID_BYTES = 4;
    static final int NONCE_BYTES = 12;
    static final int TAG_BITS = 128;
    private static final String TEXT_PREFIX = "v1:";

    private final EncryptionKeys keys;
    private final SecureRandom random;

    SecretCipher(EncryptionKeys keys, SecureRandom random) {
        this.keys = keys;
        this.random = random;
    }

    EncryptionKeys keys() {
        return keys;
    }

    /** Encrypts {@code secret} for {@code column} of row {@code rowId} into the binary envelope. */
    byte[] encrypt(String column, String rowId, Secret secret) {
        SecretKey key = keys.current().orElseThrow(() -> new EncryptionException("cannot store " + column + " of " + rowId
                + ": no encryption key is configured (set CINCH_ENCRYPTION_KEY to base64 of 32 random bytes); "
                + "secrets are never stored in plaintext"));
        byte[] keyId = HexFormat.of().parseHex(keys.currentKeyId().orElseThrow());
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad(column, rowId));
            byte[] sealed = cipher.doFinal(secret.reveal().getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(1 + KEY_ID_BYTES + NONCE_BYTES + sealed.length)
                    .put(VERSION).put(keyId).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new EncryptionException("cannot encrypt " + column + " of " + rowId + ": " + e.getClass().getSimpleName());
        }
    }

    /** Decrypts a binary envelope written by {@link #encrypt} for the same column and row. */
    Secret decrypt(String column, String rowId, byte[] envelope) {
        if (envelope.length < 1 + KEY_ID_BYTES + NONCE_BYTES + TAG_BITS / 8 || envelope[0] != VERSION) {
            throw new EncryptionException(column + " of " + rowId + " is not in the encrypted format (version "
                    + (envelope.length == 0 ? "none" : Byte.toString(envelope[0])) + "); it cannot be read");
        }
        String keyId = HexFormat.of().formatHex(envelope, 1, 1 + KEY_ID_BYTES);
        SecretKey key = keys.byId(keyId).orElseThrow(() -> new EncryptionException(column + " of " + rowId
                + " was encrypted with key id " + keyId + ", which is not configured "
                + (keys.currentKeyId().isEmpty() ? "(no CINCH_ENCRYPTION_KEY is set)"
                : "(configured key ids: " + keys.keyIds() + "); put the key that wrote it in CINCH_ENCRYPTION_OLD_KEYS")));
        byte[] nonce = Arrays.copyOfRange(envelope, 1 + KEY_ID_BYTES, 1 + KEY_ID_BYTES + NONCE_BYTES);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad(column, rowId));
            int offset = 1 + KEY_ID_BYTES + NONCE_BYTES;
            byte[] plain = cipher.doFinal(envelope, offset, envelope.length - offset);
            return Secret.of(new String(plain, StandardCharsets.UTF_8));
        } catch (AEADBadTagException e) {
            throw new EncryptionException("cannot decrypt " + column + " of " + rowId + " with key id " + keyId
                    + ": authentication failed (a different key with a colliding id, or the stored value was altered "
                    + "or moved from another row)");
        } catch (GeneralSecurityException e) {
            throw new EncryptionException("cannot decrypt " + column + " of " + rowId + ": " + e.getClass().getSimpleName());
        }
    }

    /** The key id a stored envelope names (for rotation: is it already under the current key?). */
    static String keyIdOf(byte[] envelope) {
        return envelope.length < 1 + KEY_ID_BYTES ? "" : HexFormat.of().formatHex(envelope, 1, 1 + KEY_ID_BYTES);
    }

    /** Text form for SQLite TEXT columns. */
    static String toText(byte[] envelope) {
        return TEXT_PREFIX + HexFormat.of().formatHex(envelope, 1, 1 + KEY_ID_BYTES) + ":"
                + Base64.getUrlEncoder().withoutPadding().encodeToString(
                Arrays.copyOfRange(envelope, 1 + KEY_ID_BYTES, envelope.length));
    }

    /** Parses the text form; anything else (e.g. a plaintext value written by hand) is an error naming the column. */
    static byte[] fromText(String column, String rowId, String text) {
        String[] parts = text.split(":", 3);
        if (parts.length != 3 || !(parts[0] + ":").equals(TEXT_PREFIX) || parts[1].length() != 2 * KEY_ID_BYTES) {
            throw new EncryptionException(column + " of " + rowId + " is not in the encrypted format v1:<keyId>:<data>;"
                    + " it cannot be read (was it written around this store?)");
        }
        try {
            byte[] keyId = HexFormat.of().parseHex(parts[1]);
            byte[] rest = Base64.getUrlDecoder().decode(parts[2]);
            return ByteBuffer.allocate(1 + KEY_ID_BYTES + rest.length).put(VERSION).put(keyId).put(rest).array();
        } catch (IllegalArgumentException e) {
            throw new EncryptionException(column + " of " + rowId + " is not in the encrypted format (bad encoding)");
        }
    }

    private static byte[] aad(String column, String rowId) {
        return ("cinch-secret:v1:" + column + ":" + rowId).getBytes(StandardCharsets.UTF_8);
    }
}

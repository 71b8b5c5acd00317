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
 * <h2>Format (version 2)</h2>
 * Binary envelope: {@code 0x02 | keyId (4 bytes) | nonce (12 bytes, fresh from SecureRandom per value) |
 * ciphertext | GCM tag (16 bytes)}. Postgres stores it as-is in BYTEA; SQLite stores the text form
 * {@code v2:<keyId hex>:<base64url(nonce | ciphertext | tag)>} in TEXT. The additional authenticated data is the
 * value's {@link SecretBinding}: table, column, row id, the row's secret version and its scoping columns.
 *
 * <p>Version 1 (additional data {@code cinch-secret:v1:<table.column>:<row id>}) bound a value to its row only, so
 * a value stayed valid when the row's owner or name changed, or when an older value was put back. Reads refuse it;
 * only key rotation reads it, to rewrite it as version 2.
 *
 * <p>Writing needs the current key and never falls back to plaintext. Reading picks the key by the stored id, from
 * the current and the old keys.
 */
final class SecretCipher {
    static final byte VERSION = 2;
    static final byte LEGACY_VERSION = 1;
    static final int KEY_ID_BYTES = 4;
    static final int NONCE_BYTES = 12;
    static final int TAG_BITS = 128;
    private static final int HEADER_BYTES = 1 + KEY_ID_BYTES + NONCE_BYTES;

    private final EncryptionKeys keys;
    private final SecureRandom random;

    SecretCipher(EncryptionKeys keys, SecureRandom random) {
        this.keys = keys;
        this.random = random;
        // Provider lookup and the first init cost tens of milliseconds: pay them here, not inside a write transaction
        // that holds the SQLite write lock.
        keys.current().ifPresent(key -> {
            try {
                Cipher.getInstance("AES/GCM/NoPadding").init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, new byte[NONCE_BYTES]));
            } catch (GeneralSecurityException e) {
                throw new EncryptionException("AES-256-GCM is not available in this JVM: " + e.getClass().getSimpleName());
            }
        });
    }

    EncryptionKeys keys() {
        return keys;
    }

    /** True when a current key is configured, so values can be written encrypted. */
    boolean canEncrypt() {
        return keys.currentKeyId().isPresent();
    }

    /** Encrypts {@code secret} for {@code binding} into a version 2 binary envelope. */
    byte[] encrypt(SecretBinding binding, Secret secret) {
        return encrypt(binding, secret.reveal().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Encrypts raw bytes for {@code binding} (job secrets are bytes: masking matches output byte for byte, and a value
     * need not be UTF-8).
     */
    byte[] encrypt(SecretBinding binding, byte[] plain) {
        SecretKey key = keys.current().orElseThrow(() -> new EncryptionException("cannot store " + binding.qualifiedColumn()
                + " of " + binding.rowId() + ": no encryption key is configured (set CINCH_ENCRYPTION_KEY to base64 of 32 "
                + "random bytes); secrets are never stored in plaintext"));
        byte[] keyId = HexFormat.of().parseHex(keys.currentKeyId().orElseThrow());
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(binding.additionalData());
            byte[] sealed = cipher.doFinal(plain);
            return ByteBuffer.allocate(HEADER_BYTES + sealed.length).put(VERSION).put(keyId).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new EncryptionException("cannot encrypt " + binding.qualifiedColumn() + " of " + binding.rowId() + ": "
                    + e.getClass().getSimpleName());
        }
    }

    /** Decrypts a version 2 envelope written for {@code binding}; version 1 is refused with a pointer to rotation. */
    Secret decrypt(SecretBinding binding, byte[] envelope) {
        return decrypt(binding, envelope, false);
    }

    /**
     * Decrypts an envelope written for {@code binding}.
     *
     * @param acceptLegacy also read version 1 (bound to table, column and row id only): key rotation does, to rewrite it
     */
    Secret decrypt(SecretBinding binding, byte[] envelope, boolean acceptLegacy) {
        return Secret.of(new String(decryptBytes(binding, envelope, acceptLegacy), StandardCharsets.UTF_8));
    }

    /** {@link #decrypt(SecretBinding, byte[], boolean)} to the raw bytes that were encrypted. */
    byte[] decryptBytes(SecretBinding binding, byte[] envelope, boolean acceptLegacy) {
        String where = binding.qualifiedColumn() + " of " + binding.rowId();
        int version = envelope.length == 0 ? -1 : envelope[0];
        if (envelope.length < HEADER_BYTES + TAG_BITS / 8 || (version != VERSION && version != LEGACY_VERSION)) {
            throw new EncryptionException(where + " is not in the encrypted format (version "
                    + (version < 0 ? "none" : Integer.toString(version)) + "); it cannot be read");
        }
        if (version == LEGACY_VERSION && !acceptLegacy) {
            throw new EncryptionException(where + " is stored in secret format v1, which is not bound to the row's "
                    + binding.boundColumns() + "; run 'cinchlog keys rotate' to rewrite it in format v2");
        }
        String keyId = HexFormat.of().formatHex(envelope, 1, 1 + KEY_ID_BYTES);
        SecretKey key = keys.byId(keyId).orElseThrow(() -> new EncryptionException(where
                + " was encrypted with key id " + keyId + ", which is not configured "
                + (keys.currentKeyId().isEmpty() ? "(no CINCH_ENCRYPTION_KEY is set)"
                : "(configured key ids: " + keys.keyIds() + "); put the key that wrote it in CINCH_ENCRYPTION_OLD_KEYS")));
        byte[] nonce = Arrays.copyOfRange(envelope, 1 + KEY_ID_BYTES, HEADER_BYTES);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(version == VERSION ? binding.additionalData() : binding.legacyAdditionalData());
            return cipher.doFinal(envelope, HEADER_BYTES, envelope.length - HEADER_BYTES);
        } catch (AEADBadTagException e) {
            throw new SecretAuthenticationException(binding.table(), binding.column(), binding.rowId(), "cannot decrypt "
                    + where + " with key id " + keyId + ": authentication failed — the value was altered, moved from "
                    + "another row or column, or restored from an older version of the row, or one of the columns it "
                    + "is bound to (" + (version == VERSION ? binding.boundColumns() : "row id") + ") was changed");
        } catch (GeneralSecurityException e) {
            throw new EncryptionException("cannot decrypt " + where + ": " + e.getClass().getSimpleName());
        }
    }

    /** The envelope's format version (1 or 2), or -1 when empty. */
    static int formatOf(byte[] envelope) {
        return envelope.length == 0 ? -1 : envelope[0];
    }

    /** The key id a stored envelope names (for rotation: is it already under the current key?). */
    static String keyIdOf(byte[] envelope) {
        return envelope.length < 1 + KEY_ID_BYTES ? "" : HexFormat.of().formatHex(envelope, 1, 1 + KEY_ID_BYTES);
    }

    /** Text form for SQLite TEXT columns and JSON values: {@code v<format>:<keyId hex>:<base64url>}. */
    static String toText(byte[] envelope) {
        return "v" + envelope[0] + ":" + HexFormat.of().formatHex(envelope, 1, 1 + KEY_ID_BYTES) + ":"
                + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOfRange(envelope, 1 + KEY_ID_BYTES, envelope.length));
    }

    /** Parses the text form; anything else (e.g. a plaintext value written by hand) is an error naming the column. */
    static byte[] fromText(SecretBinding binding, String text) {
        String where = binding.qualifiedColumn() + " of " + binding.rowId();
        String[] parts = text.split(":", 3);
        byte version = parts[0].equals("v2") ? VERSION : parts[0].equals("v1") ? LEGACY_VERSION : 0;
        if (parts.length != 3 || version == 0 || parts[1].length() != 2 * KEY_ID_BYTES) {
            throw new EncryptionException(where + " is not in the encrypted format v2:<keyId>:<data>;"
                    + " it cannot be read (was it written around this store?)");
        }
        try {
            byte[] keyId = HexFormat.of().parseHex(parts[1]);
            byte[] rest = Base64.getUrlDecoder().decode(parts[2]);
            return ByteBuffer.allocate(1 + KEY_ID_BYTES + rest.length).put(version).put(keyId).put(rest).array();
        } catch (IllegalArgumentException e) {
            throw new EncryptionException(where + " is not in the encrypted format (bad encoding)");
        }
    }
}

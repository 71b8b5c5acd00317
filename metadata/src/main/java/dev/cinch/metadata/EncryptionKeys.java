package dev.cinch.metadata;

import dev.cinch.logs.config.CinchConfig;
import dev.cinch.logs.config.ConfigException;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The AES-256 keys for secret columns: the current key ({@code CINCH_ENCRYPTION_KEY}, config key
 * {@code encryption.key}), which encrypts every write, and older keys ({@code CINCH_ENCRYPTION_OLD_KEYS},
 * {@code encryption.old-keys}, comma separated), which are only used to read values written before a rotation.
 *
 * <p>Each key is given as base64 (standard or url-safe) of exactly 32 random bytes, e.g. from
 * {@code openssl rand -base64 32}. A key's id is the first 4 bytes of its SHA-256, in hex: stored with every value
 * so a reader knows which key wrote it, without revealing anything usable about the key.
 */
public final class EncryptionKeys {
    public static final String KEY = "encryption.key";
    public static final String OLD_KEYS = "encryption.old-keys";
    public static final int KEY_BYTES = 32;

    private final String currentId;
    private final Map<String, SecretKey> byId;

    private EncryptionKeys(String currentId, Map<String, SecretKey> byId) {
        this.currentId = currentId;
        this.byId = Map.copyOf(byId);
    }

    /** No keys: writing or reading a secret fails with a clear error; everything else works. */
    public static EncryptionKeys none() {
        return new EncryptionKeys(null, Map.of());
    }

    public static EncryptionKeys fromConfig(CinchConfig config) {
        Optional<String> current = config.get(KEY).map(String::trim).filter(s -> !s.isEmpty());
        List<String> old = new ArrayList<>();
        config.get(OLD_KEYS).ifPresent(v -> {
            for (String part : v.split(",")) {
                if (!part.isBlank()) {
                    old.add(part.trim());
                }
            }
        });
        if (current.isEmpty() && !old.isEmpty()) {
            throw new ConfigException(KEY, "is not set but " + OLD_KEYS + " is: set the current key (env CINCH_ENCRYPTION_KEY)");
        }
        return of(current.orElse(null), old);
    }

    /**
     * Keys from base64 strings.
     *
     * @param current the current key, or null for none
     * @param old older keys, readable only
     */
    public static EncryptionKeys of(String current, List<String> old) {
        Map<String, SecretKey> map = new LinkedHashMap<>();
        String currentId = null;
        if (current != null) {
            SecretKey k = decode(KEY, current);
            currentId = keyId(k.getEncoded());
            map.put(currentId, k);
        }
        for (int i = 0; i < old.size(); i++) {
            SecretKey k = decode(OLD_KEYS, old.get(i));
            map.putIfAbsent(keyId(k.getEncoded()), k);
        }
        return new EncryptionKeys(currentId, map);
    }

    private static SecretKey decode(String key, String base64) {
        byte[] raw;
        try {
            raw = base64.contains("-") || base64.contains("_")
                    ? Base64.getUrlDecoder().decode(base64) : Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, "must be base64 of " + KEY_BYTES + " random bytes (value hidden; it is not valid base64)");
        }
        if (raw.length != KEY_BYTES) {
            throw new ConfigException(key, "must be base64 of exactly " + KEY_BYTES + " bytes for AES-256, got "
                    + raw.length + " bytes (value hidden); generate one with: openssl rand -base64 32");
        }
        return new SecretKeySpec(raw, "AES");
    }

    /** The id of a raw key: hex of the first 4 bytes of its SHA-256. */
    public static String keyId(byte[] rawKey) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(rawKey);
            return HexFormat.of().formatHex(d, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /** Id of the current key, when one is configured. */
    public Optional<String> currentKeyId() {
        return Optional.ofNullable(currentId);
    }

    Optional<SecretKey> current() {
        return currentId == null ? Optional.empty() : Optional.of(byId.get(currentId));
    }

    Optional<SecretKey> byId(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** Ids of every configured key, current first. */
    public List<String> keyIds() {
        return List.copyOf(byId.keySet());
    }

    @Override
    public String toString() {
        return "EncryptionKeys[current=" + (currentId == null ? "(none)" : currentId) + ", readable=" + byId.keySet() + "]";
    }
}

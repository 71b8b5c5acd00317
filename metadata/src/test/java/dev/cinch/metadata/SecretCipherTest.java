package dev.cinch.metadata;

import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretCipherTest {
    private final String key = AbstractMetadataStoreTest.newKey();
    private final SecretCipher cipher = new SecretCipher(EncryptionKeys.of(key, List.of()), new SecureRandom());

    private static SecretBinding repoToken(String rowId, long version, String owner) {
        return SecretColumns.repo("forge_token", rowId, version, "github", owner, "app", "https://github.com/" + owner + "/app.git");
    }

    @Test
    void envelopeCarriesVersionKeyIdAndAFreshNonce() {
        SecretBinding b = repoToken("r_1", 1, "alice");
        byte[] a = cipher.encrypt(b, Secret.of("same"));
        byte[] again = cipher.encrypt(b, Secret.of("same"));
        String keyId = EncryptionKeys.of(key, List.of()).currentKeyId().orElseThrow();
        assertThat(keyId).matches("[0-9a-f]{8}");
        assertThat(a[0]).isEqualTo((byte) 2);
        assertThat(SecretCipher.keyIdOf(a)).isEqualTo(keyId);
        assertThat(a).hasSize(1 + 4 + 12 + 4 + 16).isNotEqualTo(again);
        assertThat(cipher.decrypt(b, a).reveal()).isEqualTo("same");
        Set<String> nonces = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            byte[] e = cipher.encrypt(b, Secret.of("x"));
            nonces.add(Base64.getEncoder().encodeToString(Arrays.copyOfRange(e, 5, 17)));
        }
        assertThat(nonces).hasSize(1000);
    }

    @Test
    void textFormRoundTripsAndRejectsPlaintext() {
        SecretBinding b = repoToken("r_2", 1, "alice");
        byte[] e = cipher.encrypt(b, Secret.of("ghp_x"));
        String text = SecretCipher.toText(e);
        assertThat(text).matches("v2:[0-9a-f]{8}:[A-Za-z0-9_-]+").doesNotContain("ghp_x");
        assertThat(SecretCipher.fromText(b, text)).isEqualTo(e);
        assertThatThrownBy(() -> SecretCipher.fromText(b, "ghp_plaintext"))
                .isInstanceOf(EncryptionException.class).hasMessageContaining("repos.forge_token of r_2")
                .hasMessageNotContaining("ghp_plaintext");
    }

    @Test
    void everyBoundValueMustMatchOrAuthenticationFailsNamingTableColumnAndRow() {
        SecretBinding b = repoToken("r_1", 3, "alice");
        byte[] e = cipher.encrypt(b, Secret.of("pk"));
        byte[] flipped = e.clone();
        flipped[flipped.length - 1] ^= 1;
        Map<String, SecretBinding> others = new LinkedHashMap<>();
        others.put("tampered value", b);
        others.put("other row", repoToken("r_2", 3, "alice"));
        others.put("other column", SecretColumns.repo("webhook_secret", "r_1", 3, "github", "alice", "app",
                "https://github.com/alice/app.git"));
        others.put("other owner", repoToken("r_1", 3, "bob"));
        others.put("older version", repoToken("r_1", 2, "alice"));
        others.put("other clone url", SecretColumns.repo("forge_token", "r_1", 3, "github", "alice", "app",
                "https://evil.example/alice/app.git"));
        for (Map.Entry<String, SecretBinding> o : others.entrySet()) {
            byte[] value = o.getKey().equals("tampered value") ? flipped : e;
            assertThatThrownBy(() -> cipher.decrypt(o.getValue(), value)).as(o.getKey())
                    .isInstanceOfSatisfying(SecretAuthenticationException.class, x -> {
                        assertThat(x.table()).isEqualTo("repos");
                        assertThat(x.rowId()).isEqualTo(o.getValue().rowId());
                        assertThat(x.column()).isEqualTo(o.getValue().column());
                    })
                    .hasMessageContaining("authentication failed").hasMessageContaining(o.getValue().qualifiedColumn())
                    .hasMessageContaining("owner").hasMessageNotContaining("pk");
        }
        // A null scoping value is bound as absent, not as an empty string.
        SecretBinding global = SecretColumns.credential("access_token", "fc_1", 1, "github", "pat", null, null);
        SecretBinding empty = SecretColumns.credential("access_token", "fc_1", 1, "github", "pat", null, "");
        assertThatThrownBy(() -> cipher.decrypt(empty, cipher.encrypt(global, Secret.of("t"))))
                .isInstanceOf(SecretAuthenticationException.class);
    }

    @Test
    void wrongKeysAndMissingKeysFailClearly() {
        SecretBinding b = SecretColumns.credential("private_key", "fc_1", 1, "github", "app", "42", null);
        byte[] e = cipher.encrypt(b, Secret.of("pk"));
        SecretCipher other = new SecretCipher(EncryptionKeys.of(AbstractMetadataStoreTest.newKey(), List.of()), new SecureRandom());
        assertThatThrownBy(() -> other.decrypt(b, e))
                .isInstanceOf(EncryptionException.class).hasMessageContaining("not configured")
                .hasMessageContaining(SecretCipher.keyIdOf(e));
        SecretCipher withOld = new SecretCipher(EncryptionKeys.of(AbstractMetadataStoreTest.newKey(), List.of(key)), new SecureRandom());
        assertThat(withOld.decrypt(b, e).reveal()).isEqualTo("pk");
        SecretCipher none = new SecretCipher(EncryptionKeys.none(), new SecureRandom());
        assertThatThrownBy(() -> none.encrypt(b, Secret.of("s")))
                .isInstanceOf(EncryptionException.class).hasMessageContaining("CINCH_ENCRYPTION_KEY")
                .hasMessageContaining("never stored in plaintext");
    }

    /** A value written by the previous release: AAD {@code cinch-secret:v1:<table.column>:<row id>}. */
    static byte[] legacyEnvelope(String base64Key, String qualifiedColumn, String rowId, String plaintext) throws Exception {
        byte[] raw = Base64.getDecoder().decode(base64Key);
        byte[] nonce = new byte[12];
        new SecureRandom().nextBytes(nonce);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(raw, "AES"), new GCMParameterSpec(128, nonce));
        c.updateAAD(("cinch-secret:v1:" + qualifiedColumn + ":" + rowId).getBytes(StandardCharsets.UTF_8));
        byte[] sealed = c.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
        return ByteBuffer.allocate(1 + 4 + 12 + sealed.length).put((byte) 1)
                .put(HexFormat.of().parseHex(EncryptionKeys.keyId(raw))).put(nonce).put(sealed).array();
    }

    @Test
    void formatV1IsReadOnlyForRotation() throws Exception {
        SecretBinding b = repoToken("r_1", 0, "alice");
        byte[] v1 = legacyEnvelope(key, "repos.forge_token", "r_1", "old-token");
        assertThat(SecretCipher.toText(v1)).startsWith("v1:");
        assertThatThrownBy(() -> cipher.decrypt(b, v1)).isInstanceOf(EncryptionException.class)
                .hasMessageContaining("format v1").hasMessageContaining("keys rotate").hasMessageContaining("repos.forge_token of r_1");
        assertThat(cipher.decrypt(b, v1, true).reveal()).isEqualTo("old-token");
        assertThat(cipher.decrypt(b, SecretCipher.fromText(b, SecretCipher.toText(v1)), true).reveal()).isEqualTo("old-token");
    }

    @Test
    void keysAcceptStandardAndUrlSafeBase64AndHideThemselves() {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        EncryptionKeys std = EncryptionKeys.of(Base64.getEncoder().encodeToString(raw), List.of());
        EncryptionKeys url = EncryptionKeys.of(Base64.getUrlEncoder().withoutPadding().encodeToString(raw), List.of());
        assertThat(std.currentKeyId()).isEqualTo(url.currentKeyId()).contains(EncryptionKeys.keyId(raw));
        assertThat(std.toString()).doesNotContain(Base64.getEncoder().encodeToString(raw));
        assertThat(Secret.of("hunter2").toString()).isEqualTo("****");
        assertThat(Secret.of("a")).isEqualTo(Secret.of("a")).isNotEqualTo(Secret.of("b"));
    }
}

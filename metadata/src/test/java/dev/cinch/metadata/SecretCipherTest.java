package dev.cinch.metadata;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretCipherTest {
    private final String key = AbstractMetadataStoreTest.newKey();
    private final SecretCipher cipher = new SecretCipher(EncryptionKeys.of(key, List.of()), new SecureRandom());

    @Test
    void envelopeCarriesVersionKeyIdAndAFreshNonce() {
        byte[] a = cipher.encrypt("repos.webhook_secret", "r_1", Secret.of("same"));
        byte[] b = cipher.encrypt("repos.webhook_secret", "r_1", Secret.of("same"));
        String keyId = EncryptionKeys.of(key, List.of()).currentKeyId().orElseThrow();
        assertThat(keyId).matches("[0-9a-f]{8}");
        assertThat(a[0]).isEqualTo((byte) 1);
        assertThat(SecretCipher.keyIdOf(a)).isEqualTo(keyId);
        assertThat(a).hasSize(1 + 4 + 12 + 4 + 16).isNotEqualTo(b);
        assertThat(cipher.decrypt("repos.webhook_secret", "r_1", a).reveal()).isEqualTo("same");
        Set<String> nonces = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            byte[] e = cipher.encrypt("c", "r", Secret.of("x"));
            nonces.add(Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(e, 5, 17)));
        }
        assertThat(nonces).hasSize(1000);
    }

    @Test
    void textFormRoundTripsAndRejectsPlaintext() {
        byte[] e = cipher.encrypt("repos.forge_token", "r_2", Secret.of("ghp_x"));
        String text = SecretCipher.toText(e);
        assertThat(text).matches("v1:[0-9a-f]{8}:[A-Za-z0-9_-]+").doesNotContain("ghp_x");
        assertThat(SecretCipher.fromText("repos.forge_token", "r_2", text)).isEqualTo(e);
        assertThatThrownBy(() -> SecretCipher.fromText("repos.forge_token", "r_2", "ghp_plaintext"))
                .isInstanceOf(EncryptionException.class).hasMessageContaining("repos.forge_token of r_2")
                .hasMessageNotContaining("ghp_plaintext");
    }

    @Test
    void tamperingWrongKeysAndOtherRowsFailClearly() {
        byte[] e = cipher.encrypt("forge_credentials.private_key", "fc_1", Secret.of("pk"));
        byte[] flipped = e.clone();
        flipped[flipped.length - 1] ^= 1;
        assertThatThrownBy(() -> cipher.decrypt("forge_credentials.private_key", "fc_1", flipped))
                .isInstanceOf(EncryptionException.class).hasMessageContaining("authentication failed");
        assertThatThrownBy(() -> cipher.decrypt("forge_credentials.private_key", "fc_2", e))
                .isInstanceOf(EncryptionException.class).hasMessageContaining("authentication failed");
        assertThatThrownBy(() -> cipher.decrypt("forge_credentials.access_token", "fc_1", e))
                .isInstanceOf(EncryptionException.class);
        SecretCipher other = new SecretCipher(EncryptionKeys.of(AbstractMetadataStoreTest.newKey(), List.of()), new SecureRandom());
        assertThatThrownBy(() -> other.decrypt("forge_credentials.private_key", "fc_1", e))
                .isInstanceOf(EncryptionException.class).hasMessageContaining("not configured")
                .hasMessageContaining(SecretCipher.keyIdOf(e));
        SecretCipher withOld = new SecretCipher(EncryptionKeys.of(AbstractMetadataStoreTest.newKey(), List.of(key)), new SecureRandom());
        assertThat(withOld.decrypt("forge_credentials.private_key", "fc_1", e).reveal()).isEqualTo("pk");
        SecretCipher none = new SecretCipher(EncryptionKeys.none(), new SecureRandom());
        assertThatThrownBy(() -> none.encrypt("repos.webhook_secret", "r_1", Secret.of("s")))
                .isInstanceOf(EncryptionException.class).hasMessageContaining("CINCH_ENCRYPTION_KEY")
                .hasMessageContaining("never stored in plaintext");
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

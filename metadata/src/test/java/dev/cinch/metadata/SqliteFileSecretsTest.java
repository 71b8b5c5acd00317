package dev.cinch.metadata;

import dev.cinch.logs.config.CinchConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** What actually lands on disk: the SQLite file (and its WAL) never hold a secret or a raw token in plaintext. */
class SqliteFileSecretsTest {
    @TempDir
    Path dir;

    @Test
    void noSecretIsOnDiskInPlaintext() throws Exception {
        String webhook = "WEBHOOK-SECRET-e1b2c3d4e5f6";
        String forgeToken = "ghp_FORGETOKEN0123456789abcdef";
        String privateKey = "-----BEGIN PRIVATE KEY-----MIIEvQIBADANBgkqhkiG9w0BAQEF";
        String access = "gho_ACCESS0123456789";
        String refresh = "ghr_REFRESH0123456789";
        String envValue = "AKIA-ENV-VALUE-0123456789";
        CinchConfig config = CinchConfig.of(Map.of("data-dir", dir.toString(),
                "encryption.key", AbstractMetadataStoreTest.newKey(), "tokens.bcrypt-cost", "4"));
        String rawToken;
        try (Metadata md = Metadata.open(config)) {
            md.migrate();
            MetadataStore s = md.store();
            Repo repo = s.createRepo(new NewRepo("github", "octo", "app", "u", "h", true, Secret.of(webhook), Secret.of(forgeToken)));
            s.createJob(NewJob.of(repo.id(), "c", "main", "make").withEnv(java.util.Map.of("AWS_KEY", envValue)));
            s.createForgeCredential(new NewForgeCredential("github", ForgeCredentialType.APP, "1", Secret.of(privateKey),
                    Secret.of(access), Secret.of(refresh), null, null));
            rawToken = md.createToken(new NewToken("ci", TokenType.ADMIN, null, List.of(), null)).rawToken();
            assertThat(md.validateToken(rawToken).isValid()).isTrue();

            // Look before the checkpoint too: the WAL file is on disk as well.
            assertFilesFree(List.of(webhook, forgeToken, privateKey, access, refresh, envValue, rawToken.substring(rawToken.length() - 43)));
            try (Connection c = ((JdbcMetadataStore) s).database().connection(); Statement st = c.createStatement()) {
                st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            }
        }
        assertFilesFree(List.of(webhook, forgeToken, privateKey, access, refresh, envValue, rawToken.substring(rawToken.length() - 43)));
        // The non-secret columns are there in plaintext, so the scan would have found a leak.
        assertThat(new String(Files.readAllBytes(dir.resolve("cinch.db")), StandardCharsets.ISO_8859_1)).contains("octo")
                .contains("AWS_KEY");
    }

    private void assertFilesFree(List<String> secrets) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                for (String secret : secrets) {
                    assertThat(bytes).as("%s", f.getFileName()).doesNotContain(secret);
                }
            }
        }
    }
}

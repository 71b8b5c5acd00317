package dev.cinch.metadata;

import dev.cinch.sql.Database;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Token verification is total (any input gives a typed outcome) and cheap to refuse (no bcrypt for malformed input or
 * unknown ids), caches verified tokens for the configured time, and writes {@code last_used} at most once a minute
 * per token, batched. bcrypt work is counted, not timed.
 */
class TokenVerificationTest {
    static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    static final Duration TTL = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    MutableClock clock;
    Metadata md;
    JdbcMetadataStore store;

    private Metadata open() {
        return Metadata.of(Database.sqlite(dir.resolve("cinch.db").toString(), 4, Duration.ofSeconds(5)), EncryptionKeys.none(),
                StoreSettings.withBcryptCost(4).withTokenCacheTtl(TTL), clock);
    }

    @BeforeEach
    void openStore() {
        clock = new MutableClock(T0);
        md = open();
        md.migrate();
        store = (JdbcMetadataStore) md.store();
    }

    @AfterEach
    void closeStore() {
        md.close();
    }

    private CreatedToken token(String name) {
        return md.createToken(new NewToken(name, TokenType.ADMIN, null, List.of(), null));
    }

    private Instant storedLastUsed(String id) throws Exception {
        store.awaitTokenUseWrites();
        try (Connection c = store.database().connection();
             PreparedStatement ps = c.prepareStatement("SELECT last_used FROM tokens WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long v = rs.getLong(1);
                return rs.wasNull() ? null : Instant.ofEpochSecond(v);
            }
        }
    }

    @Test
    void hostileInputIsMalformedWithoutAnyBcrypt() {
        String raw = token("t").rawToken();
        List<String> hostile = new ArrayList<>(List.of("", " ", "\n", "é".repeat(64), "é".repeat(70), "cinch_", "Bearer " + raw,
                raw + "x", raw.substring(1), raw.replace("cinch_", "CINCH_"), "a".repeat(1 << 20), "\0".repeat(70),
                "cinch_tok_" + "é".repeat(16) + "_" + "A".repeat(43), "cinch_tok_' OR 1=1 --_______" + "A".repeat(43),
                "cinch_tok_0123456789abcdef_" + "😀".repeat(21) + "A", raw.substring(0, 30) + "\n" + raw.substring(31)));
        hostile.add(null);
        long before = store.bcryptVerifications();
        for (String input : hostile) {
            assertThat(md.validateToken(input).outcome()).as("%s", input == null ? "null" : Strings.printable(input))
                    .isEqualTo(TokenValidation.Outcome.MALFORMED);
        }
        assertThat(store.bcryptVerifications()).isEqualTo(before);
        // Surrounding whitespace (a pasted token with its newline) is not malformed.
        assertThat(md.validateToken("  " + raw + "\n").isValid()).isTrue();
    }

    @Test
    void everyOutcomeIsTyped() {
        CreatedToken t = md.createToken(new NewToken("short", TokenType.READONLY, null, List.of(), T0.plusSeconds(60)));
        String raw = t.rawToken();
        String secret = raw.substring(raw.length() - 43);
        long before = store.bcryptVerifications();
        assertThat(md.validateToken("cinch_tok_0000000000000000_" + secret).outcome()).isEqualTo(TokenValidation.Outcome.UNKNOWN);
        assertThat(store.bcryptVerifications()).as("an unknown id costs no bcrypt").isEqualTo(before);
        String wrong = raw.substring(0, raw.length() - 43) + (secret.startsWith("A") ? "B" : "A") + secret.substring(1);
        assertThat(md.validateToken(wrong).outcome()).isEqualTo(TokenValidation.Outcome.WRONG_SECRET);
        assertThat(store.bcryptVerifications()).isEqualTo(before + 1);
        assertThat(md.validateToken(raw).outcome()).isEqualTo(TokenValidation.Outcome.VALID);
        clock.advance(Duration.ofSeconds(61));
        assertThat(md.validateToken(raw).outcome()).isEqualTo(TokenValidation.Outcome.EXPIRED);
        CreatedToken r = token("revoked");
        md.revokeToken(r.token().id());
        assertThat(md.validateToken(r.rawToken()).outcome()).isEqualTo(TokenValidation.Outcome.REVOKED);
        assertThat(md.validateToken(wrong).token()).isNull();
    }

    @Test
    void aVerifiedTokenIsCachedForTheTtlAndExpiryStillApplies() {
        CreatedToken t = md.createToken(new NewToken("c", TokenType.ADMIN, null, List.of(), T0.plusSeconds(15)));
        long before = store.bcryptVerifications();
        for (int i = 0; i < 5; i++) {
            assertThat(md.validateToken(t.rawToken()).isValid()).isTrue();
        }
        assertThat(store.bcryptVerifications()).as("one bcrypt for five checks").isEqualTo(before + 1);
        // The cache holds the secret's digest: another secret for the same id is not accepted from it.
        String raw = t.rawToken();
        String other = raw.substring(0, raw.length() - 1) + (raw.endsWith("A") ? "B" : "A");
        assertThat(md.validateToken(other).outcome()).isEqualTo(TokenValidation.Outcome.WRONG_SECRET);
        clock.advance(TTL);
        assertThat(md.validateToken(t.rawToken()).isValid()).isTrue();
        assertThat(store.bcryptVerifications()).as("the ttl ran out: verified again").isEqualTo(before + 3);
        clock.advance(Duration.ofSeconds(6)); // past expiry, within the ttl of the last check
        assertThat(md.validateToken(t.rawToken()).outcome()).isEqualTo(TokenValidation.Outcome.EXPIRED);
    }

    @Test
    void revokingInThisProcessTakesEffectAtOnceAnotherProcessWithinTheTtl() {
        CreatedToken t = token("r");
        try (Metadata other = open()) {
            assertThat(other.validateToken(t.rawToken()).isValid()).isTrue();
            assertThat(md.validateToken(t.rawToken()).isValid()).isTrue();
            assertThat(md.revokeToken(t.token().id())).isTrue();
            assertThat(md.validateToken(t.rawToken()).outcome()).isEqualTo(TokenValidation.Outcome.REVOKED);
            // The other instance verified it before the revoke: it may accept it for up to the ttl, not longer.
            assertThat(other.validateToken(t.rawToken()).isValid()).isTrue();
            clock.advance(TTL);
            assertThat(other.validateToken(t.rawToken()).outcome()).isEqualTo(TokenValidation.Outcome.REVOKED);
        }
    }

    @Test
    void lastUsedIsWrittenAtMostOncePerMinuteInBatches() throws Exception {
        CreatedToken a = token("a");
        CreatedToken b = token("b");
        assertThat(md.validateToken(a.rawToken()).token().lastUsed()).isEqualTo(T0);
        assertThat(storedLastUsed(a.token().id())).as("the first use in a process is written at once").isEqualTo(T0);

        clock.advance(Duration.ofSeconds(30));
        assertThat(md.validateToken(a.rawToken()).token().lastUsed()).isEqualTo(T0.plusSeconds(30));
        assertThat(md.validateToken(b.rawToken()).isValid()).isTrue();
        assertThat(storedLastUsed(a.token().id())).as("a was written less than a minute ago").isEqualTo(T0);
        assertThat(storedLastUsed(b.token().id())).as("b waits for the next batch").isNull();

        clock.advance(Duration.ofSeconds(31));
        assertThat(md.validateToken(a.rawToken()).isValid()).isTrue();
        assertThat(storedLastUsed(a.token().id())).isEqualTo(T0.plusSeconds(61));
        assertThat(storedLastUsed(b.token().id())).as("written in the same batch as a").isEqualTo(T0.plusSeconds(30));

        CreatedToken c = token("c");
        clock.advance(Duration.ofSeconds(10));
        assertThat(md.validateToken(c.rawToken()).isValid()).isTrue();
        assertThat(storedLastUsed(c.token().id())).isNull();
        md.close();
        md = open();
        store = (JdbcMetadataStore) md.store();
        assertThat(storedLastUsed(c.token().id())).as("closing writes what is pending").isEqualTo(T0.plusSeconds(71));
    }

    @Test
    void aWorkersTokenIsItsOnlyCredentialAndRevokingItLocksTheWorkerOut() throws Exception {
        CreatedWorker w = md.store().createWorker(new NewWorker("box", List.of("linux")));
        TokenValidation ok = md.validateToken(w.token());
        assertThat(ok.isValid()).isTrue();
        assertThat(ok.token().workerId()).isEqualTo(w.worker().id());
        assertThat(md.revokeToken(w.tokenId())).isTrue();
        assertThat(md.validateToken(w.token()).outcome()).isEqualTo(TokenValidation.Outcome.REVOKED);
        try (Connection c = store.database().connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pragma_table_info('workers') WHERE name = 'token_hash'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("no second copy of the hash in workers").isZero();
        }
    }

    @Test
    void aCorruptedStoredHashIsATypedErrorNamingTheToken() throws Exception {
        CreatedToken t = token("x");
        try (Connection c = store.database().connection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE tokens SET token_hash = 'not-bcrypt'");
        }
        assertThatThrownBy(() -> md.validateToken(t.rawToken())).isInstanceOf(MetadataException.class)
                .hasMessageContaining(t.token().id()).hasMessageContaining("token_hash");
    }
}

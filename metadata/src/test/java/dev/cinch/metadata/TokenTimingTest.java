package dev.cinch.metadata;

import at.favre.lib.crypto.bcrypt.BCrypt;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An unknown token id must cost a full bcrypt verification, like a wrong secret, or response times would tell an
 * attacker which ids exist. Only lower bounds are asserted (a check without bcrypt takes well under a millisecond
 * on an in-memory database), so a busy machine cannot make this fail spuriously.
 */
class TokenTimingTest {
    private static final int COST = 10;

    @Test
    void unknownIdsWrongSecretsAndMalformedTokensEachCostOneVerification() {
        try (Metadata md = Metadata.of(Database.sqlite(Database.SQLITE_MEMORY, 1, Duration.ofSeconds(5)),
                EncryptionKeys.none(), COST, Clock.systemUTC())) {
            md.migrate();
            String raw = md.createToken(new NewToken("t", TokenType.ADMIN, null, List.of(), null)).rawToken();
            String secret = raw.substring(raw.length() - 43);
            String wrongSecret = raw.substring(0, raw.length() - 43) + "B".repeat(43);
            String unknownId = "cinch_tok_zzzzzzzzzzzzzzzz_" + secret;

            byte[] hash = BCrypt.withDefaults().hash(COST, secret.getBytes(StandardCharsets.UTF_8));
            long oneVerify = median(() -> BCrypt.verifyer().verify(secret.getBytes(StandardCharsets.UTF_8), hash).verified);

            long unknown = median(() -> md.validateToken(unknownId).isValid());
            long wrong = median(() -> md.validateToken(wrongSecret).isValid());
            long malformed = median(() -> md.validateToken("cinch_nonsense").isValid());
            assertThat(unknown).as("unknown id").isGreaterThanOrEqualTo(oneVerify / 2);
            assertThat(wrong).as("wrong secret").isGreaterThanOrEqualTo(oneVerify / 2);
            assertThat(malformed).as("malformed").isGreaterThanOrEqualTo(oneVerify / 2);
        }
    }

    private static long median(Supplier<Boolean> check) {
        long[] t = new long[5];
        for (int i = 0; i < t.length; i++) {
            long start = System.nanoTime();
            check.get();
            t[i] = System.nanoTime() - start;
        }
        Arrays.sort(t);
        return t[t.length / 2];
    }
}

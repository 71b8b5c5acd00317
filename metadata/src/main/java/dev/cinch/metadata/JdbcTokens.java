package dev.cinch.metadata;

import dev.cinch.sql.Database;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * API tokens: creation, verification, revocation, listing.
 *
 * <h2>Verification is total and cheap to refuse</h2>
 * Any input gives a {@link TokenValidation}; nothing throws on hostile input.
 * <ul>
 *   <li>Input not of the exact raw form ({@code cinch_tok_<16>_<43>}, 70 characters) is {@code MALFORMED} before any
 *       database read or bcrypt: a flood of garbage costs microseconds per request, and nothing over bcrypt's 72-byte
 *       limit ever reaches it.</li>
 *   <li>A well-formed id that does not exist is {@code UNKNOWN} after one indexed read, without bcrypt. Token ids
 *       are not secrets (they are listed, logged and printed); only the 256-bit secret is.</li>
 *   <li>Otherwise one bcrypt verification, unless the same token and secret were verified less than
 *       {@code tokens.cache-ttl} ago in this process ({@link VerifiedTokenCache}).</li>
 *   <li>{@code last_used} is written at most once a minute per token, in batches, off the request's thread
 *       ({@link LastUsedRecorder}).</li>
 * </ul>
 */
final class JdbcTokens implements AutoCloseable {
    /** Raw token form: {@code cinch_} + id ({@code tok_} + 16 of [a-z0-9]) + {@code _} + 43 base64url chars (32 bytes). */
    static final Pattern RAW_TOKEN = Pattern.compile("cinch_(tok_[a-z0-9]{16})_([A-Za-z0-9_-]{43})");
    static final int RAW_LENGTH = "cinch_".length() + "tok_".length() + 16 + 1 + 43;
    static final Duration LAST_USED_INTERVAL = Duration.ofMinutes(1);
    private static final Logger LOG = LoggerFactory.getLogger(JdbcTokens.class);
    private static final String COLUMNS = "id, name, token_hash, type, worker_id, scopes, last_used, expires_at, "
            + "created_at, revoked_at";
    private static final String ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";

    private final Database db;
    private final Columns cols;
    private final TokenHasher hasher;
    private final Clock clock;
    private final SecureRandom random;
    private final VerifiedTokenCache cache;
    private final LastUsedRecorder lastUsed = new LastUsedRecorder(LAST_USED_INTERVAL);
    private final Object writerLock = new Object();
    private ExecutorService lastUsedWriter;

    JdbcTokens(Database db, Columns cols, TokenHasher hasher, Duration cacheTtl, Clock clock, SecureRandom random) {
        this.db = db;
        this.cols = cols;
        this.hasher = hasher;
        this.clock = clock;
        this.random = random;
        this.cache = new VerifiedTokenCache(cacheTtl);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    /** A new token id: {@code tok_} + 16 of [a-z0-9]. */
    String newId() {
        StringBuilder sb = new StringBuilder("tok_");
        for (int i = 0; i < 16; i++) {
            sb.append(ID_CHARS.charAt(random.nextInt(ID_CHARS.length())));
        }
        return sb.toString();
    }

    /** A new secret: 32 random bytes, base64url without padding (43 characters). */
    String newSecret() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String rawToken(String id, String secret) {
        return "cinch_" + id + "_" + secret;
    }

    /** Everything a token row needs that is costly (bcrypt, JSON), computed before any transaction. */
    record Prepared(String id, String secret, String hash, String scopesJson, NewToken token) {
        @Override
        public String toString() {
            return "Prepared[" + id + "]";
        }
    }

    Prepared prepare(NewToken token) {
        Strings.required("token name", token.name());
        if (token.type() == null) {
            throw new InvalidInputException("token type", "is required");
        }
        Strings.textList("scopes", token.scopes());
        Strings.text("worker", token.workerId());
        if ((token.type() == TokenType.WORKER) != (token.workerId() != null)) {
            throw new InvalidInputException("worker", token.type() == TokenType.WORKER
                    ? "is required for a worker token" : "may only be set on a worker token");
        }
        String secret = newSecret();
        return new Prepared(newId(), secret, hasher.hash(secret), Labels.toJson(token.scopes()), token);
    }

    CreatedToken create(NewToken token) {
        Prepared p = prepare(token);
        Instant now = now();
        return db.inTransaction("create token " + p.id(), c -> {
            insert(c, p, now);
            return new CreatedToken(load(c, p.id()).orElseThrow().token(), rawToken(p.id(), p.secret()));
        });
    }

    /** Inserts a prepared token in the caller's transaction (also used when a worker is created with its token). */
    void insert(Connection c, Prepared p, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO tokens (id, name, token_hash, type, worker_id, scopes, "
                + "expires_at, created_at) VALUES (?, ?, ?, ?, ?, " + cols.json() + ", ?, ?)")) {
            NewToken t = p.token();
            ps.setString(1, p.id());
            ps.setString(2, t.name());
            ps.setString(3, p.hash());
            ps.setString(4, t.type().wireName());
            ps.setString(5, t.workerId());
            ps.setString(6, p.scopesJson());
            cols.setInstant(ps, 7, t.expiresAt() == null ? null : t.expiresAt().truncatedTo(ChronoUnit.SECONDS));
            cols.setInstant(ps, 8, now);
            ps.executeUpdate();
        }
    }

    private record Row(Token token, String hash) {
        @Override
        public String toString() {
            return "Row[" + token + "]";
        }
    }

    private Optional<Row> load(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM tokens WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Row(token(rs), rs.getString("token_hash"))) : Optional.empty();
            }
        }
    }

    private Token token(ResultSet rs) throws SQLException {
        return new Token(rs.getString("id"), rs.getString("name"), TokenType.parse(rs.getString("type")),
                rs.getString("worker_id"), Labels.listFromJson("tokens.scopes", rs.getString("scopes")),
                cols.getInstant(rs, "last_used"), cols.getInstant(rs, "expires_at"), cols.getInstant(rs, "created_at"),
                cols.getInstant(rs, "revoked_at"));
    }

    TokenValidation validate(String raw) {
        String candidate = raw == null ? "" : raw.strip();
        if (candidate.length() != RAW_LENGTH) {
            return TokenValidation.refused(TokenValidation.Outcome.MALFORMED);
        }
        Matcher m = RAW_TOKEN.matcher(candidate);
        if (!m.matches()) {
            return TokenValidation.refused(TokenValidation.Outcome.MALFORMED);
        }
        String id = m.group(1);
        String secret = m.group(2);
        Instant now = now();
        byte[] digest = VerifiedTokenCache.digest(secret);
        Optional<Token> cached = cache.lookup(id, digest, now);
        if (cached.isPresent()) {
            Token t = cached.get();
            if (t.expiresAt() != null && !now.isBefore(t.expiresAt())) {
                cache.invalidate(id);
                return TokenValidation.refused(TokenValidation.Outcome.EXPIRED);
            }
            return valid(t, now);
        }
        Optional<Row> row = db.read("validate token " + id, c -> load(c, id));
        if (row.isEmpty()) {
            return TokenValidation.refused(TokenValidation.Outcome.UNKNOWN);
        }
        boolean matches;
        try {
            matches = hasher.verify(secret, row.get().hash());
        } catch (IllegalArgumentException e) {
            throw new MetadataException("token " + id + ": tokens.token_hash is not a bcrypt hash (the row was written "
                    + "around Cinch); revoke the token and create a new one");
        }
        if (!matches) {
            return TokenValidation.refused(TokenValidation.Outcome.WRONG_SECRET);
        }
        Token t = row.get().token();
        // Told only once the secret matched: the id alone says nothing about the token's state.
        if (t.revokedAt() != null) {
            return TokenValidation.refused(TokenValidation.Outcome.REVOKED);
        }
        if (t.expiresAt() != null && !now.isBefore(t.expiresAt())) {
            return TokenValidation.refused(TokenValidation.Outcome.EXPIRED);
        }
        cache.put(t, digest, now);
        return valid(t, now);
    }

    private TokenValidation valid(Token t, Instant now) {
        if (lastUsed.record(t.id(), now)) {
            Map<String, Instant> batch = lastUsed.takeBatchIfDue(now);
            if (!batch.isEmpty()) {
                writer().submit(() -> writeLastUsed(batch));
            }
        }
        return new TokenValidation(TokenValidation.Outcome.VALID, new Token(t.id(), t.name(), t.type(), t.workerId(),
                t.scopes(), now, t.expiresAt(), t.createdAt(), t.revokedAt()));
    }

    /** The thread that writes {@code last_used} batches, so a request never waits for the write lock. */
    private ExecutorService writer() {
        synchronized (writerLock) {
            if (lastUsedWriter == null) {
                lastUsedWriter = Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "cinch-token-last-used");
                    t.setDaemon(true);
                    return t;
                });
            }
            return lastUsedWriter;
        }
    }

    private void writeLastUsed(Map<String, Instant> batch) {
        try {
            db.inTransaction("record the use of " + batch.size() + " token(s)", c -> {
                // Never moves last_used back (another server instance may have written a later use).
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE tokens SET last_used = ? WHERE id = ? AND (last_used IS NULL OR last_used < ?)")) {
                    for (Map.Entry<String, Instant> e : batch.entrySet()) {
                        cols.setInstant(ps, 1, e.getValue());
                        ps.setString(2, e.getKey());
                        cols.setInstant(ps, 3, e.getValue());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                return null;
            });
            lastUsed.written(batch);
        } catch (MetadataException e) {
            lastUsed.retryLater(batch);
            LOG.warn("could not record the last use of {} token(s); retrying with the next batch: {}", batch.size(), e.getMessage());
        }
    }

    /** Waits until every {@code last_used} batch handed to the writer so far is written (tests). */
    void awaitLastUsedWrites() {
        ExecutorService w;
        synchronized (writerLock) {
            w = lastUsedWriter;
        }
        if (w != null) {
            try {
                w.submit(() -> { }).get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("waiting for token use writes failed", e);
            }
        }
    }

    long bcryptVerifications() {
        return hasher.verifications();
    }

    boolean revoke(String id) {
        Strings.text("token", id);
        try {
            return db.inTransaction("revoke token " + id, c -> {
                try (PreparedStatement ps = c.prepareStatement("UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
                    cols.setInstant(ps, 1, now());
                    ps.setString(2, id);
                    if (ps.executeUpdate() == 1) {
                        return true;
                    }
                }
                if (load(c, id).isEmpty()) {
                    throw new NotFoundException("token", id);
                }
                return false;
            });
        } finally {
            cache.invalidate(id);
        }
    }

    List<Token> list() {
        return db.read("list tokens", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM tokens ORDER BY created_at DESC, id");
                 ResultSet rs = ps.executeQuery()) {
                List<Token> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(token(rs));
                }
                return out;
            }
        });
    }

    /** Writes the last pending uses and stops the writer thread. */
    @Override
    public void close() {
        ExecutorService w;
        synchronized (writerLock) {
            w = lastUsedWriter;
            lastUsedWriter = null;
        }
        if (w != null) {
            w.shutdown();
            try {
                w.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Map<String, Instant> rest = lastUsed.takeAll();
        if (!rest.isEmpty()) {
            writeLastUsed(rest);
        }
    }
}

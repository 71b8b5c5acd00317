package dev.cinch.metadata;

import dev.cinch.logs.JobId;
import dev.cinch.sql.Database;
import dev.cinch.sql.Dialect;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code job_secrets} table: values registered for a job so that they are masked in its log, each encrypted and
 * bound to its row and job ({@link SecretColumns#jobSecret}). Values are bytes throughout, never {@code String}s:
 * masking matches output byte for byte, and a value need not be UTF-8.
 */
final class JdbcJobSecrets {
    static final int MAX_VALUE_BYTES = MetadataStore.MAX_JOB_SECRET_BYTES;
    /** Written at version 1, so a format v1 envelope (only read from rows at version 0) is never accepted here. */
    private static final long FIRST_VERSION = 1;

    private final Database db;
    private final Dialect dialect;
    private final Columns cols;
    private final SecretCipher cipher;
    private final JobEnv env;

    JdbcJobSecrets(Database db, Columns cols, SecretCipher cipher, JobEnv env) {
        this.env = env;
        this.db = db;
        this.dialect = db.dialect();
        this.cols = cols;
        this.cipher = cipher;
    }

    AddedJobSecret add(JobId job, String id, byte[] value, Instant now) {
        if (value == null || value.length == 0) {
            throw new InvalidInputException("secret", "job " + job.value() + ": the value is empty");
        }
        if (value.length > MAX_VALUE_BYTES) {
            throw new InvalidInputException("secret", "job " + job.value() + ": the value is " + value.length
                    + " bytes, more than the " + MAX_VALUE_BYTES + " a secret may have");
        }
        // Encrypted before the transaction (no write lock held meanwhile); fails without a key, never stores plaintext.
        byte[] envelope = cipher.encrypt(SecretColumns.jobSecret(id, FIRST_VERSION, job.value()), value);
        return db.inTransaction("add a secret to job " + job, c -> {
            // The row is checked here, not left to the foreign key, so an unknown job is a NotFoundException
            // naming it on both dialects.
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM jobs WHERE id = ?"
                    + (dialect == Dialect.POSTGRES ? " FOR SHARE" : ""))) {
                ps.setString(1, job.value());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new NotFoundException("job", job.value());
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO job_secrets (id, job_id, value, secret_version, "
                    + "created_at) VALUES (?, ?, ?, ?, ?)")) {
                ps.setString(1, id);
                ps.setString(2, job.value());
                cols.setEnvelope(ps, 3, envelope);
                ps.setLong(4, FIRST_VERSION);
                cols.setInstant(ps, 5, now);
                ps.executeUpdate();
            }
            return new AddedJobSecret(job, id, value.length, now);
        });
    }

    /** The job's added values, its env values marked secret and its repository's forge token, decrypted. */
    List<byte[]> toMask(JobId job) {
        return db.read("read the secrets of job " + job, c -> {
            List<byte[]> out = new ArrayList<>();
            addedValues(c, job, out);
            secretEnv(c, job, out);
            forgeToken(c, job, out);
            return out;
        });
    }

    private void addedValues(Connection c, JobId job, List<byte[]> out) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + SecretColumns.JOB_SECRET_SCOPE_COLUMNS
                + ", value FROM job_secrets WHERE job_id = ? ORDER BY created_at, id")) {
            ps.setString(1, job.value());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    SecretBinding b = SecretColumns.of(SecretColumns.JOB_SECRETS, "value", rs);
                    out.add(cipher.decryptBytes(b, cols.getEnvelope(rs, "value", b), false));
                }
            }
        }
    }

    private void secretEnv(Connection c, JobId job, List<byte[]> out) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT repo_id, secret_version, env_json, secret_env FROM jobs WHERE id = ?")) {
            ps.setString(1, job.value());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return;
                }
                List<String> names = Labels.listFromJson("jobs.secret_env of job " + job, rs.getString("secret_env"));
                if (names.isEmpty()) {
                    return;
                }
                java.util.Map<String, String> values = env.decode(rs.getString("env_json"), job.value(),
                        rs.getString("repo_id"), rs.getLong("secret_version"));
                for (String name : names) {
                    String value = values.get(name);
                    if (value != null) {
                        out.add(value.getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
        }
    }

    private void forgeToken(Connection c, JobId job, List<byte[]> out) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT r.id, r.forge_type, r.owner, r.name, r.clone_url, "
                + "r.secret_version, r.forge_token FROM jobs j JOIN repos r ON r.id = j.repo_id WHERE j.id = ?")) {
            ps.setString(1, job.value());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    Secret token = cols.getSecret(rs, "forge_token", SecretColumns.repo("forge_token", rs));
                    if (token != null) {
                        out.add(token.reveal().getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
        }
    }
}

package dev.cinch.metadata;

import dev.cinch.sql.Dialect;
import dev.cinch.sql.Database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rewrites every stored secret in format v2 under the current key, 200 rows per transaction (rows locked with
 * {@code FOR UPDATE} on Postgres; the write lock on SQLite). A row is rewritten whole: all its secrets under a new
 * {@code secret_version}, so no older value of the row decrypts afterwards.
 *
 * <p>Values in format v1 (bound to table, column and row id only) are read only from rows whose
 * {@code secret_version} is still 0, i.e. never written since secret binding: a v1 value planted in a newer row is
 * refused like any other tampering. Plaintext {@code jobs.env_json} values (written while no key was set) are
 * encrypted.
 */
final class KeyRotation {
    private static final int BATCH = 200;

    private final Database db;
    private final Dialect dialect;
    private final Columns cols;
    private final SecretCipher cipher;
    private final JobEnv env;

    KeyRotation(Database db, Columns cols, SecretCipher cipher, JobEnv env) {
        this.db = db;
        this.dialect = db.dialect();
        this.cols = cols;
        this.cipher = cipher;
        this.env = env;
    }

    private static final class Counts {
        int reencrypted;
        int alreadyCurrent;
        int plaintextEncrypted;
    }

    private record Page(int rows, String lastId) {
    }

    KeyRotationReport rotate() {
        String current = cipher.keys().currentKeyId().orElseThrow(() -> new EncryptionException(
                "cannot rotate keys: no encryption key is configured (set CINCH_ENCRYPTION_KEY to the new key and "
                        + "CINCH_ENCRYPTION_OLD_KEYS to the previous ones)"));
        Counts counts = new Counts();
        walk(SecretColumns.REPOS, (c, after) -> rotateSecretRows(c, after, SecretColumns.REPOS, SecretColumns.REPO_SCOPE_COLUMNS,
                SecretColumns.REPO_SECRETS, current, counts));
        walk(SecretColumns.CREDENTIALS, (c, after) -> rotateSecretRows(c, after, SecretColumns.CREDENTIALS,
                SecretColumns.CREDENTIAL_SCOPE_COLUMNS, SecretColumns.CREDENTIAL_SECRETS, current, counts));
        walk(SecretColumns.JOBS, (c, after) -> rotateEnvRows(c, after, current, counts));
        walk(SecretColumns.JOB_SECRETS, (c, after) -> rotateSecretRows(c, after, SecretColumns.JOB_SECRETS,
                SecretColumns.JOB_SECRET_SCOPE_COLUMNS, SecretColumns.JOB_SECRET_VALUES, current, counts));
        return new KeyRotationReport(current, counts.reencrypted, counts.alreadyCurrent, counts.plaintextEncrypted);
    }

    @FunctionalInterface
    private interface PageWork {
        Page run(Connection c, String after) throws SQLException;
    }

    private void walk(String table, PageWork work) {
        String after = "";
        while (true) {
            String from = after;
            Page page = db.inTransaction("rotate keys of " + table, c -> work.run(c, from));
            if (page.rows() < BATCH) {
                return;
            }
            after = page.lastId();
        }
    }

    private String lock() {
        return dialect == Dialect.POSTGRES ? " FOR UPDATE" : "";
    }

    private boolean current(byte[] envelope, String currentKeyId) {
        return SecretCipher.formatOf(envelope) == SecretCipher.VERSION && SecretCipher.keyIdOf(envelope).equals(currentKeyId);
    }

    private record SecretRow(String id, long version, Map<String, SecretBinding> bindings, Map<String, byte[]> envelopes) {
    }

    private Page rotateSecretRows(Connection c, String after, String table, String scopeColumns, List<String> secrets,
                                  String currentKeyId, Counts counts) throws SQLException {
        String anySecret = String.join(" IS NOT NULL OR ", secrets) + " IS NOT NULL";
        String select = "SELECT " + scopeColumns + ", " + String.join(", ", secrets) + " FROM " + table
                + " WHERE id > ? AND (" + anySecret + ") ORDER BY id LIMIT " + BATCH + lock();
        // Read the page first, then update: no statement runs while a cursor is open on the table.
        List<SecretRow> page = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(select)) {
            ps.setString(1, after);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, SecretBinding> bindings = new LinkedHashMap<>();
                    Map<String, byte[]> envelopes = new LinkedHashMap<>();
                    for (String column : secrets) {
                        SecretBinding b = SecretColumns.of(table, column, rs);
                        bindings.put(column, b);
                        envelopes.put(column, cols.getEnvelope(rs, column, b));
                    }
                    page.add(new SecretRow(rs.getString("id"), rs.getLong("secret_version"), bindings, envelopes));
                }
            }
        }
        for (SecretRow row : page) {
            List<byte[]> present = row.envelopes().values().stream().filter(e -> e != null).toList();
            long stale = present.stream().filter(e -> !current(e, currentKeyId)).count();
            if (stale == 0) {
                counts.alreadyCurrent += present.size();
                continue;
            }
            long next = row.version() + 1;
            StringBuilder set = new StringBuilder();
            List<byte[]> values = new ArrayList<>();
            for (String column : secrets) {
                byte[] envelope = row.envelopes().get(column);
                SecretBinding b = row.bindings().get(column);
                set.append(column).append(" = ?, ");
                // As bytes: a job secret need not be UTF-8, and must come back exactly as it was.
                values.add(envelope == null ? null
                        : cipher.encrypt(b.atVersion(next), cipher.decryptBytes(b, envelope, row.version() == 0)));
            }
            try (PreparedStatement up = c.prepareStatement("UPDATE " + table + " SET " + set
                    + "secret_version = ? WHERE id = ? AND secret_version = ?")) {
                int i = 1;
                for (byte[] v : values) {
                    if (v == null) {
                        up.setNull(i++, dialect == Dialect.POSTGRES ? java.sql.Types.BINARY : java.sql.Types.VARCHAR);
                    } else {
                        cols.setEnvelope(up, i++, v);
                    }
                }
                up.setLong(i++, next);
                up.setString(i++, row.id());
                up.setLong(i, row.version());
                if (up.executeUpdate() != 1) {
                    throw new MetadataException(table + " row " + row.id() + " changed during key rotation; run it again");
                }
            }
            counts.reencrypted += (int) stale;
            counts.alreadyCurrent += present.size() - (int) stale;
        }
        return new Page(page.size(), page.isEmpty() ? after : page.get(page.size() - 1).id());
    }

    private record EnvRow(String id, String repoId, long version, String json) {
    }

    private Page rotateEnvRows(Connection c, String after, String currentKeyId, Counts counts) throws SQLException {
        String notEmpty = dialect == Dialect.POSTGRES ? "env_json <> CAST('{}' AS jsonb)" : "env_json <> '{}'";
        List<EnvRow> page = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, repo_id, secret_version, env_json FROM jobs WHERE id > ? AND "
                + notEmpty + " ORDER BY id LIMIT " + BATCH + lock())) {
            ps.setString(1, after);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    page.add(new EnvRow(rs.getString("id"), rs.getString("repo_id"), rs.getLong("secret_version"),
                            rs.getString("env_json")));
                }
            }
        }
        for (EnvRow row : page) {
            Map<String, JobEnv.StoredValue> stored = env.parse(row.json(), row.id(), row.repoId(), row.version());
            long stale = stored.values().stream().filter(v -> v.encrypted() && !current(v.envelope(), currentKeyId)).count();
            long plain = stored.values().stream().filter(v -> !v.encrypted()).count();
            if (stale == 0 && plain == 0) {
                counts.alreadyCurrent += stored.size();
                continue;
            }
            Map<String, Secret> values = new LinkedHashMap<>();
            for (Map.Entry<String, JobEnv.StoredValue> e : stored.entrySet()) {
                JobEnv.StoredValue v = e.getValue();
                values.put(e.getKey(), v.encrypted()
                        ? cipher.decrypt(SecretColumns.env(e.getKey(), row.id(), row.version(), row.repoId()), v.envelope())
                        : Secret.of(v.plaintext()));
            }
            long next = row.version() + 1;
            try (PreparedStatement up = c.prepareStatement("UPDATE jobs SET env_json = " + cols.json()
                    + ", secret_version = ? WHERE id = ? AND secret_version = ?")) {
                up.setString(1, env.encodeEncrypted(values, row.id(), row.repoId(), next));
                up.setLong(2, next);
                up.setString(3, row.id());
                up.setLong(4, row.version());
                if (up.executeUpdate() != 1) {
                    throw new MetadataException("jobs row " + row.id() + " changed during key rotation; run it again");
                }
            }
            counts.reencrypted += (int) stale;
            counts.plaintextEncrypted += (int) plain;
            counts.alreadyCurrent += stored.size() - (int) stale - (int) plain;
        }
        return new Page(page.size(), page.isEmpty() ? after : page.get(page.size() - 1).id());
    }
}

package dev.cinch.metadata;

import dev.cinch.sql.Dialect;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Binds and reads the column types whose representation differs between the dialects: timestamps (SQLite INTEGER
 * unix seconds, Postgres TIMESTAMPTZ), booleans (INTEGER 0/1, BOOLEAN), JSON (TEXT, JSONB) and encrypted secrets
 * (TEXT envelope, BYTEA envelope).
 */
final class Columns {
    private final Dialect dialect;
    private final SecretCipher cipher;

    Columns(Dialect dialect, SecretCipher cipher) {
        this.dialect = dialect;
        this.cipher = cipher;
    }

    /** The placeholder for a JSON parameter bound as text. */
    String json() {
        return dialect == Dialect.POSTGRES ? "CAST(? AS jsonb)" : "?";
    }

    void setInstant(PreparedStatement ps, int index, Instant value) throws SQLException {
        if (dialect == Dialect.POSTGRES) {
            if (value == null) {
                ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
            } else {
                ps.setObject(index, OffsetDateTime.ofInstant(value, ZoneOffset.UTC));
            }
        } else if (value == null) {
            ps.setNull(index, Types.INTEGER);
        } else {
            ps.setLong(index, value.getEpochSecond());
        }
    }

    Instant getInstant(ResultSet rs, String column) throws SQLException {
        if (dialect == Dialect.POSTGRES) {
            OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
            return t == null ? null : t.toInstant();
        }
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochSecond(v);
    }

    void setBoolean(PreparedStatement ps, int index, boolean value) throws SQLException {
        if (dialect == Dialect.POSTGRES) {
            ps.setBoolean(index, value);
        } else {
            ps.setInt(index, value ? 1 : 0);
        }
    }

    void setNullableInt(PreparedStatement ps, int index, Integer value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.INTEGER);
        } else {
            ps.setInt(index, value);
        }
    }

    static Integer getNullableInt(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    /** Encrypts and binds a secret for {@code binding}; null binds NULL. */
    void setSecret(PreparedStatement ps, int index, SecretBinding binding, Secret secret) throws SQLException {
        if (secret == null) {
            ps.setNull(index, dialect == Dialect.POSTGRES ? Types.BINARY : Types.VARCHAR);
            return;
        }
        setEnvelope(ps, index, cipher.encrypt(binding, secret));
    }

    void setEnvelope(PreparedStatement ps, int index, byte[] envelope) throws SQLException {
        if (dialect == Dialect.POSTGRES) {
            ps.setBytes(index, envelope);
        } else {
            ps.setString(index, SecretCipher.toText(envelope));
        }
    }

    /** The stored envelope of column {@code name}, or null; not decrypted. */
    byte[] getEnvelope(ResultSet rs, String name, SecretBinding binding) throws SQLException {
        if (dialect == Dialect.POSTGRES) {
            return rs.getBytes(name);
        }
        String text = rs.getString(name);
        return text == null ? null : SecretCipher.fromText(binding, text);
    }

    /** The decrypted secret of column {@code name}, or null. */
    Secret getSecret(ResultSet rs, String name, SecretBinding binding) throws SQLException {
        byte[] envelope = getEnvelope(rs, name, binding);
        return envelope == null ? null : cipher.decrypt(binding, envelope);
    }
}

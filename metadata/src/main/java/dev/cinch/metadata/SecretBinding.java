package dev.cinch.metadata;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a stored secret means, bound into its AES-GCM additional data (format v2): the table, column and row, the
 * row's secret version, and the row's <em>scoping columns</em> — the values that decide what the secret is used for
 * (a repo's forge, owner, name and clone URL; a credential's forge, type, app id and owner; a job's repo). Change any
 * of them, move the value to another row or column, or put back an older value of the same row, and decryption fails.
 *
 * @param table the table
 * @param column the column; for one value of a JSON column, {@code column[key]} (e.g. {@code env_json[TOKEN]})
 * @param rowId the row's primary key
 * @param rowVersion the row's {@code secret_version}, incremented by every write of the row's secrets
 * @param scope scoping column names and values, in a fixed order; a null value is bound as "absent"
 */
record SecretBinding(String table, String column, String rowId, long rowVersion, Map<String, String> scope) {
    private static final byte[] V2_PREFIX = "cinch-secret:v2".getBytes(StandardCharsets.UTF_8);

    SecretBinding {
        scope = Collections.unmodifiableMap(new LinkedHashMap<>(scope));
    }

    /** {@code table.column}, for messages. */
    String qualifiedColumn() {
        return table + "." + column;
    }

    /** The same binding at another row version (a rewrite of the row's secrets). */
    SecretBinding atVersion(long version) {
        return new SecretBinding(table, column, rowId, version, scope);
    }

    /** Additional data of format v2: every field length-prefixed, so no two bindings encode alike. */
    byte[] additionalData() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(V2_PREFIX);
        field(out, table);
        field(out, column);
        field(out, rowId);
        field(out, Long.toString(rowVersion));
        for (Map.Entry<String, String> e : scope.entrySet()) {
            field(out, e.getKey());
            out.write(e.getValue() == null ? 0 : 1);
            field(out, e.getValue() == null ? "" : e.getValue());
        }
        return out.toByteArray();
    }

    /** Additional data of format v1 (before secret binding): table, column and row id only. Read by rotation only. */
    byte[] legacyAdditionalData() {
        return ("cinch-secret:v1:" + qualifiedColumn() + ":" + rowId).getBytes(StandardCharsets.UTF_8);
    }

    private static void field(ByteArrayOutputStream out, String value) {
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(ByteBuffer.allocate(4).putInt(b.length).array());
        out.writeBytes(b);
    }

    /** The names of the values this binding covers, for error messages (never the values). */
    String boundColumns() {
        StringBuilder sb = new StringBuilder();
        for (String name : scope.keySet()) {
            sb.append(name).append(", ");
        }
        return sb.append("secret_version").toString();
    }

    @Override
    public String toString() {
        return "SecretBinding[" + qualifiedColumn() + " of " + rowId + " v" + rowVersion + ", bound to " + boundColumns() + "]";
    }
}

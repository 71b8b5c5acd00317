package dev.cinch.metadata;

/**
 * A stored secret failed authentication: it was altered, moved from another row or column, restored from an older
 * version of its row, or a column it is bound to (see docs/metadata.md) was changed — or it was written with a
 * different key that has the same id. Names the table, column and row; never the value.
 */
public class SecretAuthenticationException extends EncryptionException {
    private final String table;
    private final String column;
    private final String rowId;

    public SecretAuthenticationException(String table, String column, String rowId, String message) {
        super(message);
        this.table = table;
        this.column = column;
        this.rowId = rowId;
    }

    public String table() {
        return table;
    }

    /** The column, or {@code column[key]} for one value of a JSON column. */
    public String column() {
        return column;
    }

    public String rowId() {
        return rowId;
    }
}

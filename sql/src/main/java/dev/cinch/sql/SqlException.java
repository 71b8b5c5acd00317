package dev.cinch.sql;

/** A SQL failure reported by {@link SqlErrorMapper#NEUTRAL}: the classified kind and a message safe to print. */
public class SqlException extends RuntimeException {
    private final SqlErrorKind kind;

    public SqlException(SqlErrorKind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public SqlErrorKind kind() {
        return kind;
    }
}

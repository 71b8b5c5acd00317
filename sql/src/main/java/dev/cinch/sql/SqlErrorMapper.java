package dev.cinch.sql;

/**
 * Turns a classified SQL failure into the exception a layer reports. {@link Database} knows only
 * {@link SqlErrorKind}s; the metadata store maps them to its own exceptions, and the db log store to
 * {@code LogStoreException}s.
 */
@FunctionalInterface
public interface SqlErrorMapper {
    /** Reports every failure as a {@link SqlException} carrying its kind (tools, tests, code with no layer above). */
    SqlErrorMapper NEUTRAL = (kind, what, detail, cause) -> new SqlException(kind, what + ": " + detail, cause);

    /**
     * @param kind what went wrong
     * @param what the operation, for the message ({@code "create job j_1"})
     * @param detail the database's reason, one line, never holding a password
     * @param cause the driver's exception, or null when it must not travel (it could repeat a secret)
     */
    RuntimeException toException(SqlErrorKind kind, String what, String detail, Throwable cause);
}

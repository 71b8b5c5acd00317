package dev.cinch.metadata;

/**
 * Turns a classified SQL failure into the exception a layer reports. {@link Database} knows only
 * {@link SqlErrorKind}s; the metadata store maps them to its {@link MetadataException}s ({@link SqlErrors}), and a
 * log backend sharing the same database code can map them to its own.
 */
@FunctionalInterface
public interface SqlErrorMapper {
    /**
     * @param kind what went wrong
     * @param what the operation, for the message ({@code "create job j_1"})
     * @param detail the database's reason, one line, never holding a password
     * @param cause the driver's exception, or null when it must not travel (it could repeat a secret)
     */
    RuntimeException toException(SqlErrorKind kind, String what, String detail, Throwable cause);
}

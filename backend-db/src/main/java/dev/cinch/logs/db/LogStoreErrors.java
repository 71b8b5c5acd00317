package dev.cinch.logs.db;

import dev.cinch.logs.LogStoreException;
import dev.cinch.logs.LogStoreIOException;
import dev.cinch.sql.SqlErrorKind;
import dev.cinch.sql.SqlErrorMapper;

/**
 * The db store's {@link SqlErrorMapper}: every SQL failure becomes a {@link LogStoreException}, so users of the store
 * see only its exception types. The operation text names the job (and seq), as every store message does.
 */
final class LogStoreErrors implements SqlErrorMapper {
    static final LogStoreErrors INSTANCE = new LogStoreErrors();

    private LogStoreErrors() {
    }

    @Override
    public RuntimeException toException(SqlErrorKind kind, String what, String detail, Throwable cause) {
        String message = switch (kind) {
            case BUSY -> "the database stayed busy: " + detail;
            case UNAVAILABLE -> "the database is unavailable: " + detail;
            case OUTCOME_UNKNOWN -> "outcome unknown: " + detail;
            case SCHEMA -> "the log tables' schema: " + detail;
            case DUPLICATE, FOREIGN_KEY, REJECTED, OTHER -> detail;
        };
        return new LogStoreException(null, what + ": " + message, cause);
    }
}

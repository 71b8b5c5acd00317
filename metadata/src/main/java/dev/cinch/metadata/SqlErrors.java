package dev.cinch.metadata;

import dev.cinch.sql.SqlErrorKind;
import dev.cinch.sql.SqlErrorMapper;

/** The metadata store's {@link SqlErrorMapper}: classified SQL failures become {@link MetadataException}s. */
final class SqlErrors implements SqlErrorMapper {
    static final SqlErrors METADATA = new SqlErrors();

    private SqlErrors() {
    }

    @Override
    public RuntimeException toException(SqlErrorKind kind, String what, String detail, Throwable cause) {
        return switch (kind) {
            case DUPLICATE -> new DuplicateException(what + ": already exists (" + detail + ")", cause);
            case FOREIGN_KEY -> new InvalidInputException(what, "refers to a row that does not exist (" + detail + ")");
            case REJECTED -> new InvalidInputException(what, "rejected by the database (" + detail + ")");
            case BUSY -> new DatabaseBusyException(what + ": " + detail, cause);
            case UNAVAILABLE -> new DatabaseUnavailableException(what + ": " + detail, cause);
            case SCHEMA -> new MigrationException(what + ": " + detail, cause);
            case OUTCOME_UNKNOWN -> new MetadataException(what + ": outcome unknown: " + detail, cause);
            case OTHER -> new MetadataException(what + " failed: " + detail, cause);
        };
    }
}

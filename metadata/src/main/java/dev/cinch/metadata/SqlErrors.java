package dev.cinch.metadata;

import java.sql.SQLException;
import java.util.Locale;

/** Turns driver exceptions into the metadata error hierarchy, by SQLSTATE (Postgres) or result code (SQLite). */
final class SqlErrors {
    private SqlErrors() {
    }

    static MetadataException translate(Dialect dialect, String what, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String message = e.getMessage() == null ? "" : e.getMessage();
        String lower = message.toLowerCase(Locale.ROOT);
        if (dialect == Dialect.POSTGRES) {
            switch (state) {
                case "23505":
                    return new DuplicateException(what + ": already exists (" + firstLine(message) + ")", e);
                case "23503":
                    return new InvalidInputException(what, "refers to a row that does not exist (" + firstLine(message) + ")");
                case "23514":
                case "23502":
                case "22P02":
                case "22021":
                case "22P05":
                    return new InvalidInputException(what, "rejected by the database (" + firstLine(message) + ")");
                default:
                    break;
            }
        } else {
            if (lower.contains("unique constraint failed") || lower.contains("primary key")) {
                return new DuplicateException(what + ": already exists (" + firstLine(message) + ")", e);
            }
            if (lower.contains("foreign key constraint failed")) {
                return new InvalidInputException(what, "refers to a row that does not exist");
            }
            if (lower.contains("check constraint failed") || lower.contains("not null constraint failed")
                    || lower.contains("malformed json")) {
                return new InvalidInputException(what, "rejected by the database (" + firstLine(message) + ")");
            }
            if (lower.contains("sqlite_busy") || lower.contains("database is locked")) {
                return new MetadataException(what + ": the SQLite database is locked by another writer (waited up to "
                        + "the busy timeout, " + Database.BUSY_TIMEOUT_KEY + ")", e);
            }
        }
        return new MetadataException(what + " failed: " + firstLine(message), e);
    }

    private static String firstLine(String message) {
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}

package dev.cinch.sql;

import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.sql.SQLException;
import java.util.Locale;

/**
 * Classifies driver exceptions into {@link SqlErrorKind}s: by SQLSTATE on Postgres, by result code on SQLite (with the
 * message as a fallback for exceptions that carry no code).
 */
public final class SqlErrorClassifier {
    private SqlErrorClassifier() {
    }

    public static SqlErrorKind classify(Dialect dialect, SQLException e) {
        return dialect == Dialect.POSTGRES ? postgres(e) : sqlite(e);
    }

    /** True when SQLite refused for a lock held elsewhere ({@code SQLITE_BUSY*}, {@code SQLITE_LOCKED*}). */
    public static boolean isSqliteBusy(SQLException e) {
        return sqlite(e) == SqlErrorKind.BUSY;
    }

    private static SqlErrorKind postgres(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return switch (state) {
            case "23505" -> SqlErrorKind.DUPLICATE;
            case "23503" -> SqlErrorKind.FOREIGN_KEY;
            case "23514", "23502", "22P02", "22021", "22P05", "22001", "22003" -> SqlErrorKind.REJECTED;
            // serialization failure, deadlock, lock not available, query canceled by lock/statement timeout
            case "40001", "40P01", "55P03" -> SqlErrorKind.BUSY;
            // admin shutdown, crash shutdown, cannot connect now, too many connections
            case "57P01", "57P02", "57P03", "53300" -> SqlErrorKind.UNAVAILABLE;
            default -> state.startsWith("08") ? SqlErrorKind.UNAVAILABLE : SqlErrorKind.OTHER;
        };
    }

    private static SqlErrorKind sqlite(SQLException e) {
        if (e instanceof SQLiteException se && se.getResultCode() != null && se.getResultCode() != SQLiteErrorCode.UNKNOWN_ERROR) {
            SQLiteErrorCode code = se.getResultCode();
            // Extended codes share the primary code in their low byte.
            int primary = code.code & 0xff;
            switch (primary) {
                case 5, 6:
                    return SqlErrorKind.BUSY;
                case 14:
                    return SqlErrorKind.UNAVAILABLE;
                case 19:
                    return switch (code) {
                        case SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY, SQLITE_CONSTRAINT_ROWID -> SqlErrorKind.DUPLICATE;
                        case SQLITE_CONSTRAINT_FOREIGNKEY -> SqlErrorKind.FOREIGN_KEY;
                        default -> SqlErrorKind.REJECTED;
                    };
                default:
                    break;
            }
        }
        String lower = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        if (lower.contains("unique constraint failed") || lower.contains("primary key must be unique")) {
            return SqlErrorKind.DUPLICATE;
        }
        if (lower.contains("foreign key constraint failed")) {
            return SqlErrorKind.FOREIGN_KEY;
        }
        if (lower.contains("check constraint failed") || lower.contains("not null constraint failed")
                || lower.contains("malformed json")) {
            return SqlErrorKind.REJECTED;
        }
        if (lower.contains("sqlite_busy") || lower.contains("database is locked") || lower.contains("sqlite_locked")) {
            return SqlErrorKind.BUSY;
        }
        return SqlErrorKind.OTHER;
    }

    public static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}

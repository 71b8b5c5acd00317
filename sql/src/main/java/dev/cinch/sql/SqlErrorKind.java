package dev.cinch.sql;

/**
 * What went wrong in a SQL call, the same for both dialects and free of any layer's meaning: {@link Database} and
 * the {@link SqlErrorClassifier} and {@link Migrator} report it, and each layer above maps it to its own errors ({@link SqlErrorMapper}).
 */
public enum SqlErrorKind {
    /** A unique or primary key already holds the value. */
    DUPLICATE,
    /** A foreign key names a row that does not exist (or a row still referenced was deleted). */
    FOREIGN_KEY,
    /** A CHECK or NOT NULL constraint, or the value's type or encoding, was refused. */
    REJECTED,
    /**
     * The lock could not be had in time: SQLite's write lock after the busy timeout and the retry budget,
     * a Postgres lock timeout, deadlock or serialization failure. Nothing was written; trying later may work.
     */
    BUSY,
    /** The database cannot be reached or opened. */
    UNAVAILABLE,
    /**
     * The connection failed while the transaction was committing, so whether it committed is not known. Never used
     * when the database said the commit failed.
     */
    OUTCOME_UNKNOWN,
    /**
     * The schema cannot be brought to this build's version: a migration failed, an applied migration's file changed,
     * or the database was migrated by a newer build.
     */
    SCHEMA,
    /** Anything else (a syntax error, a full disk, ...). */
    OTHER
}

package dev.cinch.sql;

import java.sql.Connection;
import java.sql.SQLException;

/** A unit of work on one connection; may throw {@link SQLException}, which the caller translates. */
@FunctionalInterface
public interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
}

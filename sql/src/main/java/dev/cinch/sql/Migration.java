package dev.cinch.sql;

import java.util.List;

/**
 * One numbered migration file, {@code NNN_name.sql}.
 *
 * @param version the number, from 1, without gaps
 * @param name the file name
 * @param checksum hex SHA-256 of the file with line endings normalised to {@code \n} (so a checkout with CRLF
 *     line endings does not count as an edit)
 * @param statements the SQL statements, in order
 */
public record Migration(int version, String name, String checksum, List<String> statements) {
    public Migration {
        statements = List.copyOf(statements);
    }

    @Override
    public String toString() {
        return "Migration[" + name + ", sha256=" + checksum.substring(0, 12) + "…]";
    }
}

package dev.cinch.sql;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A module that owns tables in the shared database and migrates them itself: its migrations live in its own jar at
 * {@code <resourceFolder>/<dialect>/} and their history in its own table. Why a table per component rather than a
 * component column in one table: the metadata's history table predates components, and keeping it as it is means
 * existing databases need no migration of the migration history itself (which SQLite could only do by rebuilding
 * the table); a component added later simply brings its own.
 *
 * @param name the component's name, for messages ({@code metadata}, {@code log-store-db})
 * @param historyTable the table recording its applied versions
 * @param resourceFolder classpath folder holding one sub-folder of migrations per dialect
 * @param anchor a class of the owning module, whose class loader finds the migration files
 */
public record SchemaComponent(String name, String historyTable, String resourceFolder, Class<?> anchor) {
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    public SchemaComponent {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(resourceFolder, "resourceFolder");
        Objects.requireNonNull(anchor, "anchor");
        // The history table's name is put into SQL text (a table name cannot be a bound parameter): only a plain
        // identifier is accepted.
        if (historyTable == null || !IDENTIFIER.matcher(historyTable).matches()) {
            throw new IllegalArgumentException("history table must match " + IDENTIFIER + ", got " + historyTable);
        }
    }

    ClassLoader loader() {
        ClassLoader l = anchor.getClassLoader();
        return l != null ? l : ClassLoader.getSystemClassLoader();
    }
}

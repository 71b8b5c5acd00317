package dev.cinch.sql;

/** The two SQL databases the metadata lives in. */
public enum Dialect {
    /** Self-hosted default: one file, {@code $CINCH_DATA_DIR/cinch.db}. */
    SQLITE("sqlite"),
    /** Chosen when {@code DATABASE_URL} is set; shared by several server instances. */
    POSTGRES("postgres");

    private final String folder;

    Dialect(String folder) {
        this.folder = folder;
    }

    /** The classpath folder holding this dialect's migrations, under {@code db/migration/}. */
    public String migrationFolder() {
        return folder;
    }
}

package dev.cinch.metadata;

import dev.cinch.sql.Database;
import dev.cinch.sql.Dialect;
import dev.cinch.sql.Migration;
import dev.cinch.sql.MigrationResult;
import dev.cinch.sql.SchemaComponent;
import dev.cinch.sql.SchemaStatus;

import java.util.List;

/**
 * The metadata's schema: its numbered migrations ({@code db/migration/metadata/<dialect>/} in this module) applied by
 * the shared {@link dev.cinch.sql.Migrator} with the history in {@value #VERSION_TABLE}, failures reported as
 * {@link MigrationException}. See {@link dev.cinch.sql.Migrator} for the guarantees (one transaction per migration,
 * checksums, a newer database refused, concurrent starts).
 */
public final class Migrator {
    public static final String VERSION_TABLE = "schema_migrations";
    /** The metadata as a schema component; its history table is the one every existing database already has. */
    public static final SchemaComponent COMPONENT = new SchemaComponent("metadata", VERSION_TABLE, "db/migration/metadata",
            Migrator.class);

    private final dev.cinch.sql.Migrator migrator;

    public Migrator(Database db) {
        this(db, load(db.dialect()));
    }

    /** A migrator over an explicit list (tests of checksum and version checks). */
    Migrator(Database db, List<Migration> migrations) {
        this.migrator = new dev.cinch.sql.Migrator(db.withErrors(SqlErrors.METADATA), COMPONENT, migrations);
    }

    /** This build's metadata migrations for {@code dialect}, from the classpath. */
    public static List<Migration> load(Dialect dialect) {
        return dev.cinch.sql.Migrator.load(COMPONENT, dialect);
    }

    public List<Migration> migrations() {
        return migrator.migrations();
    }

    public int latestVersion() {
        return migrator.latestVersion();
    }

    /** Reads the schema's state without changing anything. */
    public SchemaStatus status() {
        return migrator.status();
    }

    /**
     * Brings the metadata schema to this build's latest version.
     *
     * @throws MigrationException if an applied migration changed, the database is newer than this build, or a
     *     migration fails (that migration is rolled back; earlier ones stay applied)
     */
    public MigrationResult migrate() {
        return migrator.migrate();
    }

    static String sha256(String text) {
        return dev.cinch.sql.Migrator.sha256(text);
    }
}

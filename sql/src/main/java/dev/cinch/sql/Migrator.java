package dev.cinch.sql;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies the numbered migrations of one {@link SchemaComponent} (the metadata, the db log store) for a dialect,
 * loaded from the classpath at {@code <component's folder>/<dialect>/}. Each component has its own version
 * sequence and its own history table, so a module owns its tables and migrates them independently of the others.
 *
 * <p>The folder holds {@code NNN_name.sql} files and a {@code migrations.txt} listing them in order (a classpath
 * folder cannot be listed portably inside a jar, so the list is explicit; a test checks it matches the folder).
 * Versions are the numbers, from 1 without gaps.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>Each migration runs in its own transaction together with the insert of its row in
 *       the component's history table (version, name, SHA-256 checksum, time): it is applied completely or not at all.
 *       Both dialects have transactional DDL.</li>
 *   <li>Before applying anything, every applied version is checked against this build's file: a different checksum
 *       is an error (someone edited a released migration), and a version this build does not know means the
 *       database is newer than the code — refused with a message saying to upgrade, never "migrated" backwards.</li>
 *   <li>Concurrent starts do not both migrate: each migration transaction first takes the database's migration
 *       lock — {@code BEGIN IMMEDIATE} on SQLite (the write lock, waited for through the busy timeout),
 *       {@code pg_advisory_xact_lock} on Postgres (keyed by the current schema, released at commit) — and then
 *       re-reads the applied versions, so a process that waited sees the other's work and skips it.</li>
 * </ul>
 */
public final class Migrator {
    private static final Pattern FILE = Pattern.compile("(\\d{3})_[a-z0-9_]+\\.sql");
    /** First half of the Postgres advisory lock key: "cinchmig" in ASCII, truncated to an int. */
    private static final int PG_LOCK_CLASS = 0x63696e63;

    private final Database db;
    private final SchemaComponent component;
    private final List<Migration> migrations;

    /** A row of the version table. */
    private record Applied(String name, String checksum) {
    }

    /** This build's migrations of {@code component}. */
    public Migrator(Database db, SchemaComponent component) {
        this(db, component, load(component, db.dialect()));
    }

    /** A migrator over an explicit list (tests of checksum and version checks). */
    public Migrator(Database db, SchemaComponent component, List<Migration> migrations) {
        this.db = db;
        this.component = component;
        this.migrations = List.copyOf(migrations);
        for (int i = 0; i < this.migrations.size(); i++) {
            if (this.migrations.get(i).version() != i + 1) {
                throw new IllegalArgumentException(component.name() + " migrations must be numbered 1, 2, 3, ... without gaps; found "
                        + this.migrations.get(i).name() + " at position " + (i + 1));
            }
        }
    }

    /**
     * This build's migrations of {@code component} for {@code dialect}, from the classpath (of the component's own
     * module, so each module ships its migrations).
     *
     * @throws IllegalStateException when the files are missing or malformed (a broken build, not a broken database)
     */
    public static List<Migration> load(SchemaComponent component, Dialect dialect) {
        String folder = component.resourceFolder() + "/" + dialect.migrationFolder() + "/";
        ClassLoader loader = component.loader();
        List<Migration> list = new ArrayList<>();
        for (String name : readLines(loader, folder + "migrations.txt")) {
            Matcher m = FILE.matcher(name);
            if (!m.matches()) {
                throw new IllegalStateException(folder + "migrations.txt lists '" + name + "', which is not NNN_name.sql");
            }
            String text = readResource(loader, folder + name).replace("\r\n", "\n");
            try {
                list.add(new Migration(Integer.parseInt(m.group(1)), name, sha256(text), SqlScript.split(text)));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(folder + name + ": " + e.getMessage(), e);
            }
        }
        return list;
    }

    public SchemaComponent component() {
        return component;
    }

    public List<Migration> migrations() {
        return migrations;
    }

    public int latestVersion() {
        return migrations.size();
    }

    /** Reads the schema's state without changing anything (the version table may not exist yet). */
    public SchemaStatus status() {
        NavigableMap<Integer, Applied> applied = db.read("read " + component.name() + " schema version", this::appliedIfTableExists);
        int current = applied.isEmpty() ? 0 : applied.lastKey();
        List<Integer> pending = new ArrayList<>();
        for (Migration m : migrations) {
            if (!applied.containsKey(m.version())) {
                pending.add(m.version());
            }
        }
        return new SchemaStatus(db.dialect(), db.location(), current, latestVersion(), pending);
    }

    /**
     * Brings the schema to this build's latest version.
     *
     * @throws RuntimeException of kind {@link SqlErrorKind#SCHEMA}, as the database's error mapper reports it, if an applied migration changed, the database is newer than this build, or a
     *     migration fails (that migration is rolled back; earlier ones stay applied)
     */
    public MigrationResult migrate() {
        List<Integer> appliedNow = new ArrayList<>();
        while (true) {
            Integer done = db.inTransaction("migrate " + component.name() + " schema on " + db.location(), c -> {
                lock(c);
                createVersionTable(c);
                NavigableMap<Integer, Applied> applied = applied(c);
                verify(applied);
                for (Migration m : migrations) {
                    if (!applied.containsKey(m.version())) {
                        apply(c, m);
                        return m.version();
                    }
                }
                return null;
            });
            if (done == null) {
                return new MigrationResult(appliedNow, latestVersion());
            }
            appliedNow.add(done);
        }
    }

    private void lock(Connection c) throws SQLException {
        if (db.dialect() == Dialect.POSTGRES) {
            // One lock for every component: migrations of different modules never interleave either.
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(current_schema()))")) {
                ps.setInt(1, PG_LOCK_CLASS);
                ps.execute();
            }
        }
        // SQLite: Database begins every transaction with BEGIN IMMEDIATE, so this transaction already holds the
        // database's write lock; a second process waits (and retries) in its own BEGIN IMMEDIATE.
    }

    private void createVersionTable(Connection c) throws SQLException {
        String ts = db.dialect() == Dialect.POSTGRES ? "TIMESTAMPTZ NOT NULL DEFAULT NOW()" : "INTEGER NOT NULL";
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + component.historyTable() + " (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                    + "checksum TEXT NOT NULL, applied_at " + ts + ")");
        }
    }

    private void verify(NavigableMap<Integer, Applied> applied) {
        for (Map.Entry<Integer, Applied> e : applied.entrySet()) {
            int v = e.getKey();
            if (v > latestVersion()) {
                throw schemaFailure("check the " + component.name() + " schema", "the " + db.dialect().name().toLowerCase() + " database at " + db.location()
                        + " is at " + component.name() + " schema version " + applied.lastKey()
                        + " but this build knows versions up to " + latestVersion()
                        + ": it was migrated by a newer Cinch. Upgrade this Cinch; refusing to run against a newer schema.", null);
            }
            Migration m = migrations.get(v - 1);
            if (!m.checksum().equals(e.getValue().checksum())) {
                throw schemaFailure("check the " + component.name() + " schema", component.name() + " migration " + m.name() + " was applied with checksum " + e.getValue().checksum()
                        + " but the file in this build has checksum " + m.checksum()
                        + ": an applied migration must never be edited; add a new numbered migration instead", null);
            }
        }
    }

    private void apply(Connection c, Migration m) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String sql : m.statements()) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw schemaFailure("migrate the " + component.name() + " schema", component.name() + " migration " + m.name()
                    + " failed on " + db.location() + " and was rolled back: " + e.getMessage(), e);
        }
        String insert = db.dialect() == Dialect.POSTGRES
                ? "INSERT INTO " + component.historyTable() + " (version, name, checksum) VALUES (?, ?, ?)"
                : "INSERT INTO " + component.historyTable() + " (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)";
        try (PreparedStatement ps = c.prepareStatement(insert)) {
            ps.setInt(1, m.version());
            ps.setString(2, m.name());
            ps.setString(3, m.checksum());
            if (db.dialect() == Dialect.SQLITE) {
                ps.setLong(4, System.currentTimeMillis() / 1000);
            }
            ps.executeUpdate();
        }
    }

    private NavigableMap<Integer, Applied> appliedIfTableExists(Connection c) throws SQLException {
        String sql = db.dialect() == Dialect.POSTGRES
                ? "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?"
                : "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, component.historyTable());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getInt(1) == 0) {
                    return new TreeMap<>();
                }
            }
        }
        return applied(c);
    }

    private RuntimeException schemaFailure(String what, String detail, Throwable cause) {
        return db.failure(SqlErrorKind.SCHEMA, what, detail, cause);
    }

    private NavigableMap<Integer, Applied> applied(Connection c) throws SQLException {
        NavigableMap<Integer, Applied> map = new TreeMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version, name, checksum FROM " + component.historyTable() + " ORDER BY version")) {
            while (rs.next()) {
                map.put(rs.getInt(1), new Applied(rs.getString(2), rs.getString(3)));
            }
        }
        return map;
    }

    public static String sha256(String text) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    private static List<String> readLines(ClassLoader loader, String resource) {
        List<String> lines = new ArrayList<>();
        for (String line : readResource(loader, resource).split("\n")) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
                lines.add(t);
            }
        }
        return lines;
    }

    private static String readResource(ClassLoader loader, String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("migration resource " + resource + " is missing from the classpath");
            }
            StringBuilder sb = new StringBuilder();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                char[] buf = new char[8192];
                int n;
                while ((n = r.read(buf)) > 0) {
                    sb.append(buf, 0, n);
                }
            }
            return sb.toString();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read migration resource " + resource + ": " + e.getMessage(), e);
        }
    }
}

package dev.cinch.metadata;

import dev.cinch.sql.Migration;
import dev.cinch.sql.Dialect;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class MigrationFilesTest {

    @Test
    void theListedMigrationsAreExactlyTheFilesInEachFolder() throws Exception {
        for (Dialect d : Dialect.values()) {
            Path folder = Path.of("src/main/resources/db/migration/metadata", d.migrationFolder());
            List<String> files;
            try (Stream<Path> s = Files.list(folder)) {
                files = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sql")).sorted().toList();
            }
            assertThat(Migrator.load(d)).extracting(Migration::name).containsExactlyElementsOf(files);
        }
    }

    @Test
    void bothDialectsHaveTheSameVersionsAndTables() {
        List<Migration> sqlite = Migrator.load(Dialect.SQLITE);
        List<Migration> postgres = Migrator.load(Dialect.POSTGRES);
        assertThat(sqlite).extracting(Migration::name).containsExactlyElementsOf(
                postgres.stream().map(Migration::name).toList());
        for (int i = 0; i < sqlite.size(); i++) {
            assertThat(created(sqlite.get(i), "TABLE")).isEqualTo(created(postgres.get(i), "TABLE"));
            // Postgres may add dialect-only indexes (the GIN index on labels); every SQLite index exists there too.
            assertThat(created(postgres.get(i), "INDEX")).containsAll(created(sqlite.get(i), "INDEX"));
        }
    }

    private static List<String> created(Migration m, String kind) {
        return m.statements().stream()
                .filter(st -> st.startsWith("CREATE " + kind + " "))
                .map(st -> st.substring(("CREATE " + kind + " ").length()).split("[\\s(]")[0])
                .toList();
    }
}

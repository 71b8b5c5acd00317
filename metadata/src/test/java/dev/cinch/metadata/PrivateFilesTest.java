package dev.cinch.metadata;

import dev.cinch.logs.config.CinchConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The data dir is 0700 and cinch.db, -wal and -shm are 0600, whatever the umask of the process that made them. */
class PrivateFilesTest {
    @TempDir
    Path tmp;

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static void assertPrivate(Path dataDir) throws Exception {
        assertThat(mode(dataDir)).as("data dir").isEqualTo("rwx------");
        for (String name : List.of("cinch.db", "cinch.db-wal", "cinch.db-shm")) {
            assertThat(dataDir.resolve(name)).exists();
            assertThat(mode(dataDir.resolve(name))).as(name).isEqualTo("rw-------");
        }
    }

    @Test
    void aNewDataDirAndDatabaseAreOwnerOnly() throws Exception {
        Path dataDir = tmp.resolve("a/b/data");
        try (Metadata md = Metadata.open(CinchConfig.of(Map.of("data-dir", dataDir.toString(), "tokens.bcrypt-cost", "4")))) {
            md.migrate();
            md.createToken(new NewToken("t", TokenType.ADMIN, null, List.of(), null));
            assertPrivate(dataDir);
        }
    }

    @Test
    void existingDatabaseFilesReadableByOthersAreNarrowed() throws Exception {
        Path dataDir = tmp.resolve("old");
        Files.createDirectories(dataDir);
        try (Metadata md = Metadata.open(CinchConfig.of(Map.of("data-dir", dataDir.toString())))) {
            md.migrate();
        }
        // As a version that did not care left them (SQLite removes -wal/-shm on close: recreate them).
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(dataDir.resolve("cinch.db"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.write(dataDir.resolve("cinch.db-wal"), new byte[0]);
        Files.setPosixFilePermissions(dataDir.resolve("cinch.db-wal"), PosixFilePermissions.fromString("rw-rw-rw-"));
        try (Metadata md = Metadata.open(CinchConfig.of(Map.of("data-dir", dataDir.toString(), "tokens.bcrypt-cost", "4")))) {
            md.createToken(new NewToken("t", TokenType.ADMIN, null, List.of(), null));
            assertPrivate(dataDir);
        }
    }

    @Test
    void theModesDoNotDependOnTheUmask() throws Exception {
        Path dataDir = tmp.resolve("umask0/data");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // umask 000 would make files 0666 and directories 0777 if the modes came from the umask.
        Process child = new ProcessBuilder("sh", "-c", "umask 000 && exec \"$0\" -cp \"$1\" \"$2\" \"$3\"", java,
                System.getProperty("java.class.path"), OpenDatabaseProcess.class.getName(), dataDir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("READY");
            assertPrivate(dataDir);
            // The premise holds: the child really ran with umask 000 (a parent it created is world-writable).
            assertThat(mode(dataDir.getParent())).isEqualTo("rwxrwxrwx");
        } finally {
            child.getOutputStream().close();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(child.exitValue()).isZero();
    }
}

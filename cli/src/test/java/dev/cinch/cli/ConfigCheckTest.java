package dev.cinch.cli;

import dev.cinch.logs.config.ConfigSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every key is checked when the CLI loads its configuration, against the modules on its class path (core, fs,
 * metadata): a typo anywhere is a configuration error (exit 2) naming the key and where it was set, before any store
 * or database is opened.
 */
class ConfigCheckTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    Result run(Map<String, String> env, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (Cinchlog cli = new Cinchlog(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), out,
                new PrintStream(err, true, StandardCharsets.UTF_8), env)) {
            int code = cli.execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    Map<String, String> env(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(extra);
        env.put("CINCH_DATA_DIR", dir.resolve("data").toString());
        return env;
    }

    private void assertConfigError(Result r, String key, String source) {
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).startsWith("cinchlog: configuration key '" + key + "': unknown key (from " + source)
                .hasLineCount(1);
        assertThat(dir.resolve("data")).as("nothing opened").doesNotExist();
    }

    @Test
    void unknownKeysInTheFileFailNamingKeyAndFile() throws Exception {
        Path file = dir.resolve("f.yml");
        Map<String, String> cases = new TreeMap<>(Map.of(
                "data_dir: /var/lib/cinch\n", "data_dir",
                "database:\n  pool-sise: 4\n", "database.pool-sise",
                "s3:\n  bukcet: logs\n", "s3.bukcet",
                "gcs:\n  bucket: logs\n", "gcs.bucket",
                "fs:\n  durabilty: none\n", "fs.durabilty"));
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Files.writeString(file, c.getKey());
            Result r = run(env(Map.of()), "", "--config", file.toString(), "stat", "x");
            assertConfigError(r, c.getValue(), "file " + file);
        }
        Files.writeString(file, "data_dir: /var/lib/cinch\n");
        assertThat(run(env(Map.of()), "", "--config", file.toString(), "stat", "x").err())
                .contains("did you mean 'data-dir'?").contains("Top-level keys: data-dir, log-store")
                .contains("sections: " + String.join(", ", dev.cinch.logs.config.ConfigSchema.fromClassPath().sections()))
                .contains("database").contains("db").contains("fs").contains("s3").contains("tiered");
        Files.writeString(file, "database:\n  pool-sise: 4\n");
        assertThat(run(env(Map.of()), "", "--config", file.toString(), "stat", "x").err())
                .contains("section 'database' has: ").contains("database.pool-size");
        Files.writeString(file, "gcs:\n  bucket: logs\n");
        assertThat(run(env(Map.of()), "", "--config", file.toString(), "stat", "x").err())
                .contains("no module on the class path reads section 'gcs'");

        // CINCH_CONFIG names the file when --config does not.
        Files.writeString(file, "data_dir: /var/lib/cinch\n");
        Result viaEnv = run(env(Map.of("CINCH_CONFIG", file.toString())), "", "stat", "x");
        assertConfigError(viaEnv, "data_dir", "file " + file + " (named by env CINCH_CONFIG)");
    }

    @Test
    void unknownKeysInTheEnvironmentFailNamingTheVariable() {
        assertConfigError(run(env(Map.of("CINCH_FS_DURABILTY", "none")), "", "stat", "x"), "fs.durabilty",
                "env CINCH_FS_DURABILTY");
        assertConfigError(run(env(Map.of("CINCH_DATABASE_POOL_SISE", "4")), "", "token", "ls"), "database.pool-sise",
                "env CINCH_DATABASE_POOL_SISE");
    }

    @Test
    void otherToolsVariablesDoNotTripTheCheck() {
        Map<String, String> env = env(Map.of("CINCH_TEST_MODE", "1",
                "CINCH_TEST_DATABASE_URL", "jdbc:postgresql://127.0.0.1:1/none?user=nobody",
                "CINCH_CORPUS_DIR", dir.resolve("no-corpus").toString(), "CINCH_BENCH_DIR", dir.toString(),
                "CINCH_BENCH_CACHE", dir.toString(), "CINCH_BENCH_STORES", "fs", "CINCH_FS_DURABILITY", "none"));
        Result append = run(env, "hello\n", "append", "j1");
        assertThat(append.code()).as(append.err()).isZero();
        Result stat = run(env, "", "stat", "j1");
        assertThat(stat.code()).as(stat.err()).isZero();
        assertThat(stat.out()).contains("rawBytes");
    }

    /** Table rows such as {@code | `fs.root` | `CINCH_FS_ROOT` | ...}: key, then env names or "–". */
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z0-9.-]+)` \\| ([^|]*) \\|", Pattern.MULTILINE);
    private static final Pattern ENV = Pattern.compile("`([A-Z0-9_]+)`");

    @Test
    void theDocumentedKeysAndVariablesAreExactlyTheDeclaredOnes() throws Exception {
        ConfigSchema schema = ConfigSchema.fromClassPath();
        Map<String, String> documented = new TreeMap<>();
        for (Path doc : List.of(Path.of("..", "README.md"), Path.of("..", "docs", "metadata.md"))) {
            assertThat(doc).exists();
            Matcher row = ROW.matcher(Files.readString(doc));
            while (row.find()) {
                String key = row.group(1);
                if ((!key.contains(".") && !ConfigSchema.CORE_KEYS.contains(key)) || key.startsWith("cinch.")) {
                    continue; // a table of something else (the CLI's commands, the meters named cinch.*)
                }
                documented.put(key, doc.toString());
                Matcher env = ENV.matcher(row.group(2));
                while (env.find()) {
                    assertThat(schema.envKey(env.group(1))).as("%s in %s", env.group(1), doc).contains(key);
                }
            }
        }
        assertThat(documented.keySet()).as("keys in the README and docs/metadata.md tables").isEqualTo(schema.keys());
    }
}

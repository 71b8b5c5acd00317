package dev.cinch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cinch.logs.testkit.Corpus;
import dev.cinch.logs.testkit.LogReference;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the real CLI in-process against a real fs store in a temp data dir (subclasses: other stores). */
class CinchlogTest extends InProcessCli {

    /** The log store every command of this class uses. */
    String storeName() {
        return "fs";
    }

    @Override
    void addDefaults(Map<String, String> env) {
        super.addDefaults(env);
        env.putIfAbsent("CINCH_LOG_STORE", storeName());
    }

    @Test
    void appendCatStatSealExportRoundTrip() throws Exception {
        byte[] log = Corpus.generated().get(4).bytes(); // binary junk: NUL, invalid UTF-8, \r
        assertThat(run(log, Map.of(), "append", "j1", "--chunk-size", "1000").code()).isZero();
        assertThat(run("cat", "j1").out()).isEqualTo(log);
        // append continues after the last seq
        byte[] more = "more\n".getBytes(StandardCharsets.UTF_8);
        assertThat(run(more, Map.of(), "append", "j1", "--stream", "stderr").code()).isZero();
        byte[] all = Arrays.copyOf(log, log.length + more.length);
        System.arraycopy(more, 0, all, log.length, more.length);
        assertThat(run("cat", "j1").out()).isEqualTo(all);

        JsonNode stat = new ObjectMapper().readTree(run("stat", "--json", "j1").out());
        assertThat(stat.get("chunks").asLong()).isEqualTo((log.length + 999) / 1000 + 1);
        assertThat(stat.get("rawBytes").asLong()).isEqualTo(all.length);
        assertThat(stat.get("sealed").asBoolean()).isFalse();
        assertThat(stat.get("status").asText()).isEqualTo("open");
        assertThat(stat.get("receivedBytes").asLong()).isEqualTo(all.length);
        assertThat(stat.get("elided").isNull()).isTrue();
        assertThat(stat.get("storedBytes").asLong()).isPositive();

        assertThat(run("cat", "j1", "--offset", "100", "--length", "50").out()).isEqualTo(Arrays.copyOfRange(all, 100, 150));
        assertThat(run("cat", "j1", "--offset", "100").out()).isEqualTo(Arrays.copyOfRange(all, 100, all.length));
        for (int n : new int[] {0, 1, 3, 50, 100_000}) {
            assertThat(run("cat", "j1", "--tail-lines", String.valueOf(n)).out()).as("tail %d", n).isEqualTo(LogReference.tail(all, n));
        }
        assertThat(run("cat", "j1", "--from-seq", "1").out()).isEqualTo(Arrays.copyOfRange(all, 1000, all.length));

        Path archive = dir.resolve("j1.zst");
        Result notSealed = run("export", "j1", "-o", archive.toString());
        assertThat(notSealed.code()).isEqualTo(1);
        assertThat(notSealed.err()).startsWith("cinchlog: job j1: ").contains("sealed");
        assertThat(run("seal", "j1").code()).isZero();
        assertThat(run("seal", "j1").code()).isZero();
        assertThat(run("export", "j1", "-o", archive.toString()).code()).isZero();
        assertThat(Files.size(archive)).isPositive();
        Result appendSealed = run(more, Map.of(), "append", "j1");
        assertThat(appendSealed.code()).isEqualTo(1);
        assertThat(appendSealed.err()).contains("j1").contains("sealed");
        assertThat(run("cat", "j1").out()).isEqualTo(all);
    }

    @Test
    void catTailMatchesTheRealTailCommand() throws Exception {
        byte[] log = Corpus.generated().get(6).bytes();
        run(log, Map.of(), "append", "t1", "--chunk-size", "7");
        Path file = dir.resolve("t1.log");
        Files.write(file, log);
        for (int n : new int[] {1, 2, 3, 10}) {
            Process tail = new ProcessBuilder("tail", "-n", String.valueOf(n), file.toString()).start();
            byte[] expected = tail.getInputStream().readAllBytes();
            assertThat(tail.waitFor()).isZero();
            assertThat(run("cat", "t1", "--tail-lines", String.valueOf(n)).out()).as("tail -n %d", n).isEqualTo(expected);
        }
    }

    @Test
    void runStoresOutputPassesItThroughAndExitsWithTheCommandsCode() throws Exception {
        Result r = run(new byte[0], Map.of(), "run", "--job", "r1", "--", "sh", "-c", "printf 'out\\n'; printf 'err\\n' >&2; exit 7");
        assertThat(r.code()).isEqualTo(7);
        assertThat(r.outText()).isEqualTo("out\n");
        assertThat(r.err()).contains("job r1").contains("err\n");
        JsonNode stat = new ObjectMapper().readTree(run("stat", "--json", "r1").out());
        assertThat(stat.get("sealed").asBoolean()).isTrue();
        assertThat(stat.get("status").asText()).isEqualTo("complete");
        assertThat(run("cat", "r1").outText()).hasSize(8).contains("out\n").contains("err\n");

        Result generated = run("run", "--", "true");
        assertThat(generated.code()).isZero();
        String line = generated.err().lines().filter(l -> l.startsWith("job ")).findFirst().orElseThrow();
        String id = line.substring(4);
        assertThat(id).matches("run-\\d{8}-\\d{6}-[a-z2-9]{6}");
        assertThat(run("ls").outText()).contains(id).contains("r1");

        Result missing = run("run", "--job", "r2", "--", "/nonexistent/command");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("cannot run '/nonexistent/command'");
    }

    @Test
    void lsListsInOrderAndAsJson() throws Exception {
        for (String id : new String[] {"b", "a", "c-1"}) {
            run("x".getBytes(StandardCharsets.UTF_8), Map.of(), "append", id);
        }
        assertThat(run("ls").outText()).isEqualTo("a\nb\nc-1\n");
        assertThat(run("ls", "--prefix", "c").outText()).isEqualTo("c-1\n");
        JsonNode json = new ObjectMapper().readTree(run("ls", "--json").out());
        assertThat(json).hasSize(3);
        assertThat(json.get(0).get("job").asText()).isEqualTo("a");
        assertThat(json.get(0).get("rawBytes").asLong()).isEqualTo(1);
    }

    @Test
    void invalidJobIdIsAUsageErrorAndCreatesNothing() throws Exception {
        Path data = dir.resolve("data");
        for (String[] args : new String[][] {
            {"append", "../../etc/passwd"}, {"cat", "../x"}, {"run", "--job", "a/b", "--", "true"}, {"stat", "a b"}, {"seal", ".."}}) {
            Result r = run("junk".getBytes(StandardCharsets.UTF_8), Map.of(), args);
            assertThat(r.code()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", args)).startsWith("cinchlog: ").contains("invalid job id");
            assertThat(r.err().lines().filter(l -> !l.startsWith("Try ")).count()).isEqualTo(1);
        }
        assertThat(dir.resolve("etc")).doesNotExist();
        if (Files.exists(data)) {
            try (Stream<Path> files = Files.walk(data)) {
                assertThat(files.filter(Files::isRegularFile)).isEmpty();
            }
        }
    }

    @Test
    void configErrorsNameTheKeyAndExitTwo() throws Exception {
        Result badStore = run(new byte[0], Map.of("CINCH_LOG_STORE", "nosuch"), "ls");
        assertThat(badStore.code()).isEqualTo(2);
        assertThat(badStore.err()).contains("log-store").contains("nosuch").contains("fs");

        Result badDurability = run(new byte[0], Map.of("CINCH_FS_DURABILITY", "sometimes"), "ls");
        assertThat(badDurability.code()).isEqualTo(2);
        assertThat(badDurability.err()).contains("fs.durability").contains("CINCH_FS_DURABILITY").contains("fsync, group, none");

        Path config = dir.resolve("cinch.yml");
        Files.writeString(config, "fs:\n  durabilty: none\n");
        Result typo = run("--config", config.toString(), "ls");
        assertThat(typo.code()).isEqualTo(2);
        assertThat(typo.err()).contains("fs.durabilty").contains("unknown key");

        Files.writeString(config, "data-dir: " + dir.resolve("from-yaml") + "\nfs:\n  durability: fsync\n");
        assertThat(runWithEnv("x".getBytes(StandardCharsets.UTF_8), Map.of(), "--config", config.toString(), "append", "y").code()).isZero();
        assertThat(dir.resolve("from-yaml/logs")).isDirectory();
        // the environment wins over the file, flags win over both
        assertThat(runWithEnv(new byte[0], Map.of("CINCH_DATA_DIR", dir.resolve("env").toString()), "--config", config.toString(), "ls").code()).isZero();
        assertThat(dir.resolve("env/logs")).isDirectory();
        assertThat(runWithEnv(new byte[0], Map.of("CINCH_DATA_DIR", dir.resolve("env").toString()), "--config", config.toString(),
                "--data-dir", dir.resolve("flag").toString(), "ls").code()).isZero();
        assertThat(dir.resolve("flag/logs")).isDirectory();

        Result usage = run("cat", "j", "--tail-lines", "3", "--from-seq", "1");
        assertThat(usage.code()).isEqualTo(2);
        Result chunk = run("append", "j", "--chunk-size", "0");
        assertThat(chunk.code()).isEqualTo(2);
        assertThat(chunk.err()).contains("--chunk-size");
    }

    @Test
    void missingLogIsAFailureWithOneLine() {
        Result r = run("cat", "ghost");
        assertThat(r.code()).isEqualTo(1);
        // One line (a store in the metadata database may first report migrating a fresh install).
        assertThat(r.err().lines().filter(l -> !l.startsWith("migrated the metadata database")))
                .containsExactly("cinchlog: job ghost: no log stored");
        assertThat(r.err()).endsWith(System.lineSeparator());
        Result range = run("x".getBytes(StandardCharsets.UTF_8), Map.of(), "append", "small");
        assertThat(range.code()).isZero();
        Result beyond = run("cat", "small", "--offset", "5");
        assertThat(beyond.code()).isEqualTo(1);
        assertThat(beyond.err()).contains("small").contains("offset 5");
    }
}

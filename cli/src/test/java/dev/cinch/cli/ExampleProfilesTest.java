package dev.cinch.cli;

import dev.cinch.logs.testkit.CiLogGenerator;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every profile under {@code examples/} works as shipped: its keys are all known, and a log written through it is
 * stored, sealed, archived down its tiers and read back byte-exact. The test runs each file with its absolute paths
 * moved into a temp folder.
 */
class ExampleProfilesTest extends InProcessCli {
    private static final Path EXAMPLES = Path.of("..", "examples");

    /** The example with every absolute path ({@code /var/lib/cinch}, {@code /ssd/...}) moved under the test's folder. */
    private Path relocated(Path example) throws Exception {
        Path base = Files.createDirectories(dir.resolve(example.getFileName().toString().replace(".yml", "")));
        String text = Files.readString(example).replaceAll("(?m)(:\\s+)/", "$1" + base.toString().replace("\\", "/") + "/");
        Path file = base.resolve(example.getFileName());
        Files.writeString(file, text);
        return file;
    }

    @Test
    void everyShippedProfileStoresSealsArchivesAndReadsBack() throws Exception {
        List<Path> examples;
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            examples = files.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
        }
        assertThat(examples).extracting(p -> p.getFileName().toString()).contains("single-machine.yml", "ssd-then-hdd.yml");
        byte[] log = CiLogGenerator.generate(8, 200_000);
        for (Path example : examples) {
            Path config = relocated(example);
            String name = example.getFileName().toString();
            Map<String, String> env = Map.of(); // the file alone decides, data-dir included
            Result append = runWithEnv(log, env, "--config", config.toString(), "append", "job-1", "--chunk-size", "4096");
            assertThat(append.code()).as("%s: %s", name, append.err()).isZero();
            assertThat(runWithEnv(new byte[0], env, "--config", config.toString(), "seal", "job-1").code()).as(name).isZero();
            Result archive = runWithEnv(new byte[0], env, "--config", config.toString(), "archive", "--once");
            boolean tiered = Files.readString(config).contains("log-store: tiered");
            assertThat(archive.code()).as("%s: %s", name, archive.err()).isEqualTo(tiered ? 0 : 2);
            assertThat(runWithEnv(new byte[0], env, "--config", config.toString(), "cat", "job-1").out()).as(name).isEqualTo(log);
            assertThat(runWithEnv(new byte[0], env, "--config", config.toString(), "verify", "--all").code()).as(name).isZero();
        }
    }
}

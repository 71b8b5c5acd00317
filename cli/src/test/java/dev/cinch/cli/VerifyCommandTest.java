package dev.cinch.cli;

import dev.cinch.logs.testkit.CiLogGenerator;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code cinchlog verify} against a real fs store whose files are damaged the way disks damage them. */
class VerifyCommandTest extends InProcessCli {

    private Path onlyFile(String job, String name) throws Exception {
        try (Stream<Path> files = Files.walk(dir.resolve("data/logs"))) {
            return files.filter(p -> p.getFileName().toString().equals(name) && p.getParent().getFileName().toString().equals(job))
                    .findFirst().orElseThrow();
        }
    }

    private static void flipByteAt(Path file, long position) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        bytes[(int) position] ^= 0x40;
        Files.write(file, bytes);
    }

    @Test
    void healthyLogsPassOneByOneAndAll() {
        byte[] log = CiLogGenerator.generate(3, 300_000);
        assertThat(run(log, java.util.Map.of(), "append", "open-1", "--chunk-size", "4096").code()).isZero();
        assertThat(run(log, java.util.Map.of(), "append", "sealed-1", "--chunk-size", "4096").code()).isZero();
        assertThat(run("seal", "sealed-1").code()).isZero();

        Result one = run("verify", "sealed-1");
        assertThat(one.code()).as(one.err()).isZero();
        assertThat(one.outText()).isEqualTo("ok: job sealed-1 (tier fs, sealed, " + (log.length + 4095) / 4096 + " chunks, "
                + log.length + " bytes)\n");
        Result all = run("verify", "--all");
        assertThat(all.code()).as(all.err()).isZero();
        assertThat(all.outText()).isEqualTo("verified 2 logs, " + Progress.formatBytes(2L * log.length) + ": 0 with problems\n");
        assertThat(all.err()).as("plain progress lines, not a bar, when stderr is not a terminal")
                .startsWith("verify: 2/2 logs, ").doesNotContain("\r");
    }

    @Test
    void damagedOpenAndSealedLogsAreReportedWithJobTierAndPlaceAndExitOne() throws Exception {
        byte[] log = CiLogGenerator.generate(9, 200_000);
        assertThat(run(log, java.util.Map.of(), "append", "good", "--chunk-size", "4096").code()).isZero();
        assertThat(run(log, java.util.Map.of(), "append", "bad-open", "--chunk-size", "4096").code()).isZero();
        assertThat(run(log, java.util.Map.of(), "append", "bad-sealed", "--chunk-size", "4096").code()).isZero();
        assertThat(run("seal", "bad-sealed").code()).isZero();
        // Two damaged chunk bodies in the open log: both are reported, not just the first.
        Path openLog = onlyFile("bad-open", "open.log");
        long size = Files.size(openLog);
        flipByteAt(openLog, size / 4);
        flipByteAt(openLog, size * 3 / 4);
        Path archive = onlyFile("bad-sealed", "sealed.zst");
        flipByteAt(archive, Files.size(archive) / 3);

        Result all = run("verify", "--all");
        assertThat(all.code()).isEqualTo(1);
        String[] lines = all.outText().split("\n");
        assertThat(lines).filteredOn(l -> l.startsWith("problem: fs: job bad-open: ")).hasSize(2)
                .allSatisfy(l -> assertThat(l).contains("seq "));
        assertThat(lines).filteredOn(l -> l.startsWith("problem: fs: job bad-sealed: ")).singleElement()
                .asString().contains("archive byte");
        assertThat(all.outText()).doesNotContain("job good");
        assertThat(lines[lines.length - 1]).isEqualTo("verified 3 logs, " + Progress.formatBytes(3L * log.length)
                + ": 2 with problems");

        Result one = run("verify", "bad-open");
        assertThat(one.code()).isEqualTo(1);
        assertThat(one.outText().lines()).hasSize(2);
        assertThat(run("verify", "good").code()).isZero();
        // verify changed nothing: the damage is still there, the log still its full length
        assertThat(run("stat", "bad-open").outText()).contains("rawBytes:      " + log.length)
                .containsPattern("status: +damaged: .*bad-open.*seq");
        assertThat(run("stat", "--no-verify", "bad-open").outText()).contains("status:        open\n");
        assertThat(run("stat", "good").outText()).contains("status:        open\n");
        assertThat(run("stat", "bad-sealed").outText()).containsPattern("status: +damaged: .*archive byte");
        assertThat(run("stat", "--no-verify", "bad-sealed").outText()).contains("status:        complete\n");
        assertThat(run("verify", "bad-open").code()).isEqualTo(1);
    }

    @Test
    void usageMistakesExitTwo() {
        assertThat(run("verify").code()).isEqualTo(2);
        assertThat(run("verify", "a", "--all").code()).isEqualTo(2);
        assertThat(run("verify", "a", "--prefix", "x").code()).isEqualTo(2);
        Result missing = run("verify", "nope");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("nope");
        assertThat(new String(run("verify", "--help").out(), StandardCharsets.UTF_8)).contains("--all");
    }
}

package dev.cinch.logs.archive;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.Zstd;
import dev.cinch.logs.testkit.CiLogGenerator;
import dev.cinch.logs.testkit.ExternalTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Archives must be plain zstd to the stock command: {@code zstd -dc} prints the byte view, {@code zstd -t} passes. */
class ZstdCommandInteropTest {
    private static final int FRAME = ArchiveOptions.MIN_FRAME_RAW_BYTES;
    private static Path zstd;

    @TempDir
    Path dir;

    @BeforeAll
    static void needZstd() {
        zstd = ExternalTools.require("zstd", "apt-get install zstd");
    }

    static Stream<Arguments> logs() {
        Random random = new Random(99);
        byte[] junk = new byte[3 * FRAME + 123];
        random.nextBytes(junk);
        byte[] special = "NUL\0 bad utf8 \u00ff\u00fe \r progress\r \u001b[31mred\u001b[0m\r\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(special, 0, junk, 100, special.length);
        byte[] longLine = new byte[3 * 1024 * 1024];
        Arrays.fill(longLine, (byte) 'x');
        byte[] exactFrame = CiLogGenerator.generate(5, FRAME);
        exactFrame = Arrays.copyOf(exactFrame, FRAME);
        byte[] frameAndOne = Arrays.copyOf(CiLogGenerator.generate(6, FRAME + 1), FRAME + 1);
        List<byte[]> manySmall = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            manySmall.add(("line " + i + (i % 7 == 0 ? "\r\n" : "\n")).getBytes(StandardCharsets.US_ASCII));
        }
        return Stream.of(
                Arguments.of("empty", List.of()),
                Arguments.of("only empty chunks", List.of(new byte[0], new byte[0])),
                Arguments.of("one byte", List.of(new byte[] {'a'})),
                Arguments.of("exactly one frame", List.of(exactFrame)),
                Arguments.of("one frame plus one byte", CiLogGenerator.split(frameAndOne, 1, 5_000)),
                Arguments.of("binary junk", CiLogGenerator.split(junk, 2, 70_000)),
                Arguments.of("3 MiB single line without newline", List.of(longLine)),
                Arguments.of("many small chunks", manySmall),
                Arguments.of("CI-like log", CiLogGenerator.split(CiLogGenerator.generate(3, 700_000), 3, 8_192)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("logs")
    void zstdDecompressesToTheByteViewAndTestPasses(String name, List<byte[]> chunks) throws Exception {
        TestArchives.Built built = TestArchives.build(chunks, TestArchives.smallFrames());
        Path file = dir.resolve("log.zst");
        Files.write(file, built.archive());

        ExternalTools.Result decompressed = ExternalTools.run(List.of(zstd.toString(), "-dc", file.toString()));
        assertThat(decompressed.exitCode()).as(decompressed.describe()).isZero();
        assertThat(decompressed.stdout()).as("zstd -dc of %s", name).isEqualTo(built.log());

        ExternalTools.Result tested = ExternalTools.run(List.of(zstd.toString(), "-t", file.toString()));
        assertThat(tested.exitCode()).as(tested.describe()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("logs")
    void zstdRejectsAFlippedDataByte(String name, List<byte[]> chunks) throws Exception {
        TestArchives.Built built = TestArchives.build(chunks, TestArchives.smallFrames());
        if (built.summary().frameCount() == 0) {
            return; // nothing but skippable frames, whose content zstd does not look at
        }
        byte[] archive = built.archive().clone();
        // The last byte of the first frame's last block (just before its 4-byte content checksum).
        int frameLength = (int) Zstd.findFrameCompressedSize(archive, 0, archive.length);
        archive[frameLength - 5] ^= 0x40;
        Path file = dir.resolve("flipped.zst");
        Files.write(file, archive);
        ExternalTools.Result tested = ExternalTools.run(List.of(zstd.toString(), "-t", file.toString()));
        assertThat(tested.exitCode()).as("zstd -t of a damaged %s: %s", name, tested.describe()).isNotZero();
    }
}

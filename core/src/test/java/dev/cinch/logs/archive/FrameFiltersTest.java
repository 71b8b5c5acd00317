package dev.cinch.logs.archive;

import dev.cinch.logs.JobId;
import dev.cinch.logs.testkit.CiLogGenerator;
import org.junit.jupiter.api.Test;

import java.util.BitSet;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-frame trigram filters never leave out a frame an occurrence touches (property test over generated CI logs
 * and random bytes, literals cut at random places and near frame boundaries, with their case changed at random),
 * and do leave out most frames for strings that occur nowhere.
 */
class FrameFiltersTest {
    private static final JobId JOB = JobId.of("filters");

    private static byte fold(byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
    }

    /** Whether {@code literal} occurs at {@code at}, ASCII letters folded (what a case-insensitive search finds). */
    private static boolean occursAt(byte[] log, int at, byte[] literal) {
        for (int i = 0; i < literal.length; i++) {
            if (fold(log[at + i]) != fold(literal[i])) {
                return false;
            }
        }
        return true;
    }

    private static byte[] log(Random random, int kind) {
        byte[] text = CiLogGenerator.generate(random.nextLong(), 600_000 + random.nextInt(400_000));
        if (kind == 1) {
            // Random bytes spliced in: NUL, invalid UTF-8, ANSI sequences, digits.
            for (int i = 0; i < text.length / 50; i++) {
                text[random.nextInt(text.length)] = (byte) random.nextInt(256);
            }
        }
        return text;
    }

    @Test
    void noFrameHoldingAnOccurrenceIsEverLeftOut() {
        Random random = new Random(20261130);
        long literalsChecked = 0;
        long occurrencesChecked = 0;
        for (int round = 0; round < 6; round++) {
            byte[] log = log(random, round % 2);
            TestArchives.Built built = TestArchives.ofLog(log, 1 + random.nextInt(8192), random.nextLong(),
                    TestArchives.smallFrames());
            SeekableArchiveReader reader = SeekableArchiveReader.open(new ArrayByteSource(built.archive()), JOB);
            int frameBytes = (int) reader.frameRawOffset(1);
            for (int n = 0; n < 300; n++) {
                int length = 3 + random.nextInt(n % 10 == 0 ? 200 : 30);
                int at;
                if (n % 3 == 0) {
                    // Across or right at a frame boundary: start 0..length+2 bytes before one.
                    int boundary = frameBytes * (1 + random.nextInt(Math.max(1, reader.frameCount() - 1)));
                    at = Math.max(0, Math.min(log.length - length, boundary - random.nextInt(length + 3)));
                } else {
                    at = random.nextInt(log.length - length);
                }
                byte[] literal = java.util.Arrays.copyOfRange(log, at, at + length);
                for (int i = 0; i < literal.length; i++) {
                    if (random.nextInt(4) == 0 && Character.isLetter(literal[i])) {
                        literal[i] ^= 0x20; // another case: the filters serve case-insensitive searches too
                    }
                }
                BitSet may = reader.framesThatMayContain(literal).orElseThrow();
                literalsChecked++;
                // Every occurrence: the frame of its last byte and the frame of its first trigram's end are in.
                for (int q = 0; q + length <= log.length; q++) {
                    if (occursAt(log, q, literal)) {
                        occurrencesChecked++;
                        int last = reader.frameAt(q + length - 1);
                        int firstTrigramEnd = reader.frameAt(q + 2);
                        assertThat(may.get(last)).as("round %d: %s at %d, frame %d of its last byte", round,
                                new String(literal, java.nio.charset.StandardCharsets.ISO_8859_1), q, last).isTrue();
                        assertThat(may.get(firstTrigramEnd)).as("round %d: literal at %d, frame %d", round, q,
                                firstTrigramEnd).isTrue();
                    }
                }
            }
        }
        assertThat(literalsChecked).isEqualTo(6 * 300);
        assertThat(occurrencesChecked).isGreaterThanOrEqualTo(literalsChecked);
    }

    @Test
    void stringsThatOccurNowhereSkipMostFrames() {
        Random random = new Random(7);
        byte[] log = CiLogGenerator.generate(3, 4_000_000);
        TestArchives.Built built = TestArchives.ofLog(log, 4096, 3, ArchiveOptions.defaults());
        SeekableArchiveReader reader = SeekableArchiveReader.open(new ArrayByteSource(built.archive()), JOB);
        long candidates = 0;
        int probes = 200;
        for (int n = 0; n < probes; n++) {
            byte[] literal = ("zq" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36) + "xw")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            candidates += reader.framesThatMayContain(literal).orElseThrow().cardinality();
        }
        double share = (double) candidates / ((long) probes * reader.frameCount());
        assertThat(share).as("share of frames a missing 14-byte string still reads").isLessThan(0.05);
        assertThat(reader.filterFrameBytes()).as("filters within 5% of the archive")
                .isLessThanOrEqualTo(reader.archiveSize() * 5 / 100);
        // Too short to have a trigram: the archive cannot tell.
        assertThat(reader.framesThatMayContain(new byte[] {'o', 'k'})).isEmpty();
    }
}

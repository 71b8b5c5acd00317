package dev.cinch.logs.text;

import dev.cinch.logs.InvalidRangeException;
import dev.cinch.logs.JobId;
import dev.cinch.logs.LinesBeyondEndException;
import dev.cinch.logs.testkit.CiLogGenerator;
import dev.cinch.logs.testkit.LogReference;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link LineSlice} over a log cut into blocks of random sizes, with small byte limits. */
class LineSliceTest {
    private static final JobId JOB = JobId.of("lines-job");

    /** The log's blocks from the first one, with the offsets they start at; records how many were read. */
    private static final class Blocks implements LineSlice.ForwardBlocks {
        final List<LineSlice.Block> all = new ArrayList<>();
        int next;

        Blocks(byte[] log, long seed, int maxBlock) {
            Random rnd = new Random(seed);
            int at = 0;
            while (at < log.length) {
                int n = Math.min(log.length - at, rnd.nextInt(4) == 0 ? 0 : 1 + rnd.nextInt(maxBlock));
                all.add(new LineSlice.Block(at, Arrays.copyOfRange(log, at, at + n))); // empty blocks too
                at += n;
            }
        }

        @Override
        public LineSlice.Block next() {
            return next < all.size() ? all.get(next++) : null;
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void answersEqualTheReferenceOnRandomRanges() {
        byte[] log = CiLogGenerator.generate(3, 200_000);
        long lines = countLines(log);
        assertThat(LogReference.lines(log, 1, Integer.MAX_VALUE)).isEqualTo(log);
        Random rnd = new Random(4);
        for (int i = 0; i < 300; i++) {
            long from = 1 + rnd.nextInt((int) lines + 3);
            int count = rnd.nextInt(500);
            byte[] expected = LogReference.lines(log, from, count);
            Blocks blocks = new Blocks(log, i, 1 + rnd.nextInt(5_000));
            if (expected == null) {
                assertThatThrownBy(() -> LineSlice.read(JOB, from, count, 0, blocks))
                        .isInstanceOf(LinesBeyondEndException.class).hasMessageContaining("line " + from);
            } else {
                assertThat(LineSlice.read(JOB, from, count, 0, blocks)).as("lines %d+%d", from, count).isEqualTo(expected);
            }
        }
    }

    @Test
    void stopsBeforeTheLineThatWouldPassTheLimitAndReadsNoFurther() {
        byte[] log = bytes("aa\nbbbb\ncc\n" + "x".repeat(1000) + "\nend\n");
        Blocks blocks = new Blocks(log, 1, 7);
        assertThat(LineSlice.read(JOB, 1, 10, 0, blocks, 12)).isEqualTo(bytes("aa\nbbbb\ncc\n"));
        assertThat(blocks.next).as("blocks read").isLessThan(blocks.all.size() / 2);
        // exactly at the limit fits
        assertThat(LineSlice.read(JOB, 1, 10, 0, new Blocks(log, 2, 7), 11)).isEqualTo(bytes("aa\nbbbb\ncc\n"));
        assertThat(LineSlice.read(JOB, 2, 10, 0, new Blocks(log, 2, 7), 10)).isEqualTo(bytes("bbbb\ncc\n"));
    }

    @Test
    void aFirstLineLongerThanTheLimitIsRefusedNamingIt() {
        byte[] log = bytes("ok\n" + "x".repeat(1000) + "\nend");
        assertThatThrownBy(() -> LineSlice.read(JOB, 2, 1, 0, new Blocks(log, 3, 50), 100))
                .isInstanceOf(InvalidRangeException.class).hasMessageContaining("lines-job")
                .hasMessageContaining("line 2 at offset 3");
        // an unterminated last line too
        byte[] tail = bytes("ok\n" + "y".repeat(1000));
        assertThatThrownBy(() -> LineSlice.read(JOB, 2, 1, 0, new Blocks(tail, 3, 50), 100))
                .isInstanceOf(InvalidRangeException.class).hasMessageContaining("line 2");
        assertThat(LineSlice.read(JOB, 1, 5, 0, new Blocks(tail, 3, 50), 100)).isEqualTo(bytes("ok\n"));
    }

    @Test
    void startsFromALaterBlockWithTheNewlinesBeforeIt() {
        byte[] log = bytes("l1\nl2\nl3 long\nl4\nl5");
        Blocks all = new Blocks(log, 9, 4);
        // Skip the blocks before offset 4 (inside line 2): one newline lies before the block that holds it.
        int first = 0;
        while (all.all.get(first).start() + all.all.get(first).bytes().length <= 4) {
            first++;
        }
        all.next = first;
        long before = LogReference.lines(log, 1, 1).length <= all.all.get(first).start() ? 1 : 0;
        assertThat(LineSlice.read(JOB, 3, 2, before, all)).isEqualTo(bytes("l3 long\nl4\n"));
        assertThatThrownBy(() -> LineSlice.read(JOB, 1, 1, 2, new Blocks(log, 1, 4)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void badArgumentsAreRefusedBeforeAnythingIsRead() {
        Blocks blocks = new Blocks(bytes("a\n"), 1, 1);
        assertThatThrownBy(() -> LineSlice.read(JOB, 0, 1, 0, blocks)).isInstanceOf(InvalidRangeException.class)
                .hasMessageContaining("line 0");
        assertThatThrownBy(() -> LineSlice.read(JOB, 1, -1, 0, blocks)).isInstanceOf(InvalidRangeException.class)
                .hasMessageContaining("-1");
        assertThat(blocks.next).isZero();
        assertThat(LineSlice.read(JOB, 99, 0, 0, blocks)).as("count 0 reads nothing").isEmpty();
        assertThat(blocks.next).isZero();
    }

    private static long countLines(byte[] log) {
        long n = 0;
        for (byte b : log) {
            if (b == '\n') {
                n++;
            }
        }
        return n + (log.length > 0 && log[log.length - 1] != '\n' ? 1 : 0);
    }
}

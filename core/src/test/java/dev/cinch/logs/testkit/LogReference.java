package dev.cinch.logs.testkit;

import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogStream;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Plain in-memory reference answers the contract suite compares stores with. */
public final class LogReference {
    private LogReference() {
    }

    /** {@code tail -n lines}, written the obvious way (forward scan) so it shares no code with the stores. */
    public static byte[] tail(byte[] log, int lines) {
        if (lines == 0) {
            return new byte[0];
        }
        List<Integer> lineStarts = new ArrayList<>();
        lineStarts.add(0);
        for (int i = 0; i < log.length; i++) {
            if (log[i] == '\n' && i + 1 < log.length) {
                lineStarts.add(i + 1);
            }
        }
        if (log.length == 0) {
            return new byte[0];
        }
        int first = Math.max(0, lineStarts.size() - lines);
        return Arrays.copyOfRange(log, lineStarts.get(first), log.length);
    }

    /**
     * The log's lines as {@code [start, end)} offsets, {@code end} past the line's {@code \n} (or at the end of an
     * unterminated last line): the obvious split, which the references below build on.
     */
    public static List<int[]> lineSpans(byte[] log) {
        List<int[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < log.length; i++) {
            if (log[i] == '\n') {
                lines.add(new int[] {start, i + 1});
                start = i + 1;
            }
        }
        if (start < log.length) {
            lines.add(new int[] {start, log.length});
        }
        return lines;
    }

    /**
     * {@code sed -n 'from,(from+count-1)p'}, written the obvious way (split into lines first) so it shares no code with
     * the stores; {@code null} when {@code from} is more than one past the last line (and {@code count > 0}: asking
     * for no lines reads nothing).
     */
    public static byte[] lines(byte[] log, long from, int count) {
        if (count == 0) {
            return new byte[0];
        }
        List<int[]> lines = lineSpans(log);
        if (from > lines.size() + 1) {
            return null;
        }
        if (from == lines.size() + 1) {
            return new byte[0];
        }
        int first = (int) from - 1;
        int last = (int) Math.min(lines.size(), from - 1 + count) - 1;
        return Arrays.copyOfRange(log, lines.get(first)[0], lines.get(last)[1]);
    }

    /** Cuts {@code log} into chunks of seeded random sizes between 1 and {@code maxChunk} bytes. */
    public static List<LogChunk> chunk(byte[] log, Random rnd, int maxChunk) {
        List<LogChunk> chunks = new ArrayList<>();
        int pos = 0;
        long seq = 0;
        long ts = 1_795_000_000_000L;
        while (pos < log.length) {
            int size = switch (rnd.nextInt(4)) {
                case 0 -> 1 + rnd.nextInt(64);
                case 1 -> 1 + rnd.nextInt(4096);
                default -> 1 + rnd.nextInt(maxChunk);
            };
            size = Math.min(size, log.length - pos);
            LogStream stream = rnd.nextInt(8) == 0 ? LogStream.STDERR : LogStream.STDOUT;
            chunks.add(new LogChunk(seq++, stream, ts += rnd.nextInt(50), Arrays.copyOfRange(log, pos, pos + size)));
            pos += size;
        }
        return chunks;
    }

    public static byte[] concat(List<LogChunk> chunks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (LogChunk c : chunks) {
            byte[] d = c.data();
            out.write(d, 0, d.length);
        }
        return out.toByteArray();
    }
}

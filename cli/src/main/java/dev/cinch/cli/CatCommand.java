package dev.cinch.cli;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LinesBeyondEndException;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogStore;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "cat", description = {"Write JOB's log, or part of it, to stdout as raw bytes.",
        "With no option: the whole log. --tail-lines N prints what 'tail -n N' would; --lines A:B what"
                + " 'sed -n A,Bp' would."})
final class CatCommand implements Callable<Integer> {
    private static final int PIECE = 1 << 20;

    @ParentCommand
    Cinchlog cli;

    @Parameters(index = "0", paramLabel = "JOB", converter = JobIdConverter.class)
    JobId job;

    @ArgGroup(exclusive = true)
    Selection selection;

    static final class Selection {
        @ArgGroup(exclusive = false)
        Range range;

        @Option(names = "--tail-lines", paramLabel = "N", converter = NonNegativeIntConverter.class, description = "The last N lines.")
        Integer tailLines;

        @Option(names = "--lines", paramLabel = "A:B", converter = LineSpan.Converter.class,
                description = "Lines A to B, numbered from 1, as 'sed -n A,Bp' prints them; A: to the end, A alone"
                        + " line A. Lines end at \\n; \\r is an ordinary byte.")
        LineSpan lines;

        @Option(names = "--from-seq", paramLabel = "N", converter = NonNegativeLongConverter.class, description = "Chunks from seq N on.")
        Long fromSeq;
    }

    static final class Range {
        @Option(names = "--offset", required = true, paramLabel = "N", converter = NonNegativeLongConverter.class,
                description = "First byte to print.")
        long offset;

        @Option(names = "--length", paramLabel = "N", converter = NonNegativeLongConverter.class,
                description = "Bytes to print (default: to the end).")
        Long length;
    }

    /**
     * Prints the span one store answer at a time (each holds whole lines, at most {@link LogStore#MAX_READ_BYTES}),
     * going on from the first line an answer did not hold. A span starting beyond the log's end prints nothing, as
     * sed does.
     */
    private void printLines(LogStore store, OutputStream out, LineSpan span) throws IOException {
        long from = span.first();
        long remaining = span.last() - span.first() + 1; // first >= 1, so at most Long.MAX_VALUE: no overflow
        while (remaining > 0) {
            byte[] answer;
            try {
                answer = store.readLines(job, from, (int) Math.min(Integer.MAX_VALUE, remaining));
            } catch (LinesBeyondEndException e) {
                return;
            }
            if (answer.length == 0) {
                return;
            }
            out.write(answer);
            if (answer[answer.length - 1] != '\n') {
                return; // the log's last line, which has no newline
            }
            long got = 0;
            for (byte b : answer) {
                if (b == '\n') {
                    got++;
                }
            }
            from += got;
            remaining -= got;
        }
    }

    @Override
    public Integer call() throws IOException {
        LogStore store = cli.servedStore();
        OutputStream out = cli.out;
        if (selection != null && selection.tailLines != null) {
            out.write(store.readTailLines(job, selection.tailLines));
        } else if (selection != null && selection.lines != null) {
            printLines(store, out, selection.lines);
        } else if (selection != null && selection.fromSeq != null) {
            long seq = selection.fromSeq;
            while (true) {
                List<LogChunk> page = store.readChunks(job, seq, 1000);
                if (page.isEmpty()) {
                    break;
                }
                for (LogChunk c : page) {
                    out.write(c.data());
                }
                seq += page.size();
            }
        } else {
            long offset = selection == null ? 0 : selection.range.offset;
            long remaining = selection == null || selection.range.length == null ? Long.MAX_VALUE : selection.range.length;
            long size = store.stat(job).rawBytes();
            if (offset > size) {
                // let the store produce its typed error naming the job and offset
                store.readRange(job, offset, 0);
            }
            while (remaining > 0 && offset < size) {
                byte[] part = store.readRange(job, offset, (int) Math.min(PIECE, remaining));
                if (part.length == 0) {
                    break;
                }
                out.write(part);
                offset += part.length;
                remaining -= part.length;
            }
        }
        return 0;
    }
}

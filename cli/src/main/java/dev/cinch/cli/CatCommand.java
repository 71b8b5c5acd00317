package dev.cinch.cli;

import dev.cinch.logs.JobId;
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
        "With no option: the whole log. --tail-lines N prints what 'tail -n N' would."})
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

    @Override
    public Integer call() throws IOException {
        LogStore store = cli.store();
        OutputStream out = cli.out;
        if (selection != null && selection.tailLines != null) {
            out.write(store.readTailLines(job, selection.tailLines));
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

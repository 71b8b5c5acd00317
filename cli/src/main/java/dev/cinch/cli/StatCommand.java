package dev.cinch.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cinch.logs.JobId;
import dev.cinch.logs.LogStat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "stat", description = "Show what the store knows about JOB's log.")
final class StatCommand implements Callable<Integer> {
    @ParentCommand
    Cinchlog cli;

    @Parameters(index = "0", paramLabel = "JOB", converter = JobIdConverter.class)
    JobId job;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        LogStat s = cli.store().stat(job);
        String text;
        if (json) {
            text = new ObjectMapper().writeValueAsString(toJson(s)) + "\n";
        } else {
            text = String.format(Locale.ROOT,
                    "job:         %s%nsealed:      %s%nchunks:      %d%nrawBytes:    %d%nstoredBytes: %d%nratio:       %.2fx%nchecksum:    %s%ntier:        %s%n",
                    s.job(), s.sealed(), s.chunks(), s.rawBytes(), s.storedBytes(), s.compressionRatio(), s.checksum(), s.tier());
        }
        cli.out.write(text.getBytes(StandardCharsets.UTF_8));
        return 0;
    }

    static ObjectNode toJson(LogStat s) {
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("job", s.job().value());
        n.put("chunks", s.chunks());
        n.put("rawBytes", s.rawBytes());
        n.put("storedBytes", s.storedBytes());
        n.put("sealed", s.sealed());
        n.put("checksum", s.checksum());
        n.put("tier", s.tier());
        n.put("lastTimestampMillis", s.lastTimestampMillis());
        return n;
    }
}

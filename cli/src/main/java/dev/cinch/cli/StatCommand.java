package dev.cinch.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cinch.logs.JobId;
import dev.cinch.logs.ElidedRange;
import dev.cinch.logs.LogStat;
import dev.cinch.logs.LogStatus;
import dev.cinch.logs.LogStore;
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

    @Option(names = "--no-verify", description = {"Report the status as recorded, without reading the log back:",
            "faster on big logs, but damage is not seen."})
    boolean noVerify;

    @Override
    public Integer call() throws IOException {
        LogStore store = cli.store();
        LogStat s = store.stat(job);
        // Only a read of every stored check can tell complete from damaged; the recorded status cannot.
        LogStatus status = noVerify ? s.status() : LogStatus.check(store, job);
        String text;
        if (json) {
            text = new ObjectMapper().writeValueAsString(toJson(s, status)) + "\n";
        } else {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                    "job:           %s%nstatus:        %s%nsealed:        %s%nchunks:        %d%nrawBytes:      %d%n"
                            + "receivedBytes: %d%n",
                    s.job(), status, s.sealed(), s.chunks(), s.rawBytes(), s.receivedBytes()));
            s.elided().ifPresent(e -> b.append(String.format(Locale.ROOT,
                    "elided:        %d bytes (%d lines) at offset %d of the received stream%n", e.length(), e.lines(), e.offset())));
            b.append(String.format(Locale.ROOT, "storedBytes:   %d%nratio:         %.2fx%nchecksum:      %s%ntier:          %s%n",
                    s.storedBytes(), s.compressionRatio(), s.checksum(), s.tier()));
            text = b.toString();
        }
        cli.out.write(text.getBytes(StandardCharsets.UTF_8));
        return 0;
    }

    /** The stat with its recorded status, as {@code ls --json} lists it. */
    static ObjectNode toJson(LogStat s) {
        return toJson(s, s.status());
    }

    static ObjectNode toJson(LogStat s, LogStatus status) {
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("status", status.kind().wireName());
        if (!status.detail().isEmpty()) {
            n.put("statusDetail", status.detail());
        }
        n.put("job", s.job().value());
        n.put("chunks", s.chunks());
        n.put("rawBytes", s.rawBytes());
        n.put("storedBytes", s.storedBytes());
        n.put("sealed", s.sealed());
        n.put("checksum", s.checksum());
        n.put("tier", s.tier());
        n.put("lastTimestampMillis", s.lastTimestampMillis());
        n.put("receivedBytes", s.receivedBytes());
        if (s.elided().isPresent()) {
            ElidedRange e = s.elided().get();
            ObjectNode el = n.putObject("elided");
            el.put("offset", e.offset());
            el.put("length", e.length());
            el.put("lines", e.lines());
        } else {
            n.putNull("elided");
        }
        return n;
    }
}

package dev.cinch.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.cinch.logs.JobId;
import dev.cinch.logs.JobPage;
import dev.cinch.logs.LogNotFoundException;
import dev.cinch.logs.LogStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

@Command(name = "ls", description = "List stored logs in job id order.")
final class LsCommand implements Callable<Integer> {
    @ParentCommand
    Cinchlog cli;

    @Option(names = "--prefix", defaultValue = "", paramLabel = "PREFIX", converter = JobIdPrefixConverter.class,
            description = "Only job ids starting with PREFIX.")
    String prefix;

    @Option(names = "--json", description = "Print a JSON array with each log's stat.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        LogStore store = cli.store();
        ObjectMapper mapper = new ObjectMapper();
        ArrayNode array = mapper.createArrayNode();
        JobId after = null;
        do {
            JobPage page = store.list(prefix, after, 1000);
            for (JobId id : page.jobs()) {
                if (json) {
                    try {
                        array.add(StatCommand.toJson(store.stat(id)));
                    } catch (LogNotFoundException e) {
                        // deleted between list and stat
                    }
                } else {
                    cli.out.write((id.value() + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
            after = page.nextStartAfter().orElse(null);
        } while (after != null);
        if (json) {
            cli.out.write((mapper.writeValueAsString(array) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return 0;
    }
}

package dev.cinch.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cinch.logs.metrics.ArchiveMeters;
import dev.cinch.logs.metrics.MeterValue;
import dev.cinch.logs.metrics.MeteredLogStore;
import dev.cinch.logs.metrics.StorageMeasure;
import dev.cinch.logs.tiered.Archiver;
import dev.cinch.logs.tiered.TieredLogStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code cinchlog metrics}: a command lives too short to have traffic worth reporting, so it measures what only an
 * operator's explicit request should pay for (a listing and a stat of every log, up to a cap; the archiver's plan)
 * and prints every meter the store registered, those of its own calls included.
 */
@Command(name = "metrics", description = {"Measure the log store and print its meters (the names and tags a server exports):",
        "logs and bytes stored per tier (a list and a stat per log, up to --max-logs per tier), and for the tiered",
        "store the archival backlog from a dry-run plan. The calls this command makes show in the meters too."})
final class MetricsCommand implements Callable<Integer> {
    @ParentCommand
    Cinchlog cli;

    @Option(names = "--json", description = "Print JSON: {\"storage\": [...], \"meters\": [...]}.")
    boolean json;

    @Option(names = "--max-logs", defaultValue = "100000", paramLabel = "N", converter = NonNegativeIntConverter.class,
            description = "Count at most N logs per tier (default: ${DEFAULT-VALUE}); beyond, figures are lower bounds.")
    int maxLogs;

    @Override
    public Integer call() throws IOException {
        if (maxLogs < 1) {
            throw new Cinchlog.UsageException("--max-logs must be at least 1");
        }
        MeteredLogStore store = cli.meteredStore();
        List<StorageMeasure> storage = store.measureStorage(maxLogs);
        Optional<TieredLogStore> tiered = store.unwrap(TieredLogStore.class);
        ArchiveMeters archive = tiered.map(t -> new ArchiveMeters(t, cli.meters)).orElse(null);
        try {
            if (archive != null) {
                try (Archiver archiver = tiered.get().archiver(Archiver.processOwner())) {
                    archive.planned(archiver.plan());
                }
            }
            List<MeterValue> meters = MeterValue.snapshot(cli.meters);
            String text = json ? json(storage, meters) : text(storage, meters);
            cli.out.write(text.getBytes(StandardCharsets.UTF_8));
        } finally {
            if (archive != null) {
                archive.close();
            }
        }
        return 0;
    }

    private static String json(List<StorageMeasure> storage, List<MeterValue> meters) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        ArrayNode s = root.putArray("storage");
        for (StorageMeasure m : storage) {
            s.addObject().put("store", m.store()).put("tier", m.tier()).put("logs", m.logs()).put("rawBytes", m.rawBytes())
                    .put("storedBytes", m.storedBytes()).put("capped", m.capped());
        }
        ArrayNode list = root.putArray("meters");
        for (MeterValue v : meters) {
            ObjectNode node = list.addObject().put("name", v.name()).put("type", v.type());
            node.put("baseUnit", v.baseUnit());
            ObjectNode tags = node.putObject("tags");
            v.tags().forEach(tags::put);
            ObjectNode values = node.putObject("values");
            // NaN (a gauge with nothing measured yet) is not JSON: null says "no value" to any parser.
            v.values().forEach((k, d) -> {
                if (Double.isFinite(d)) {
                    values.put(k, d);
                } else {
                    values.putNull(k);
                }
            });
        }
        return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    }

    private static String text(List<StorageMeasure> storage, List<MeterValue> meters) {
        StringBuilder out = new StringBuilder();
        for (StorageMeasure m : storage) {
            out.append(String.format(Locale.ROOT, "tier %s (%s): %d logs%s, %s stored, %s of logs%n", m.tier(), m.store(),
                    m.logs(), m.capped() ? " or more" : "", Progress.formatBytes(m.storedBytes()),
                    Progress.formatBytes(m.rawBytes())));
        }
        out.append('\n');
        int nameWidth = meters.stream().mapToInt(v -> v.name().length()).max().orElse(0);
        List<String> tagTexts = meters.stream().map(v -> tags(v.tags())).toList();
        int tagWidth = tagTexts.stream().mapToInt(String::length).max().orElse(0);
        for (int i = 0; i < meters.size(); i++) {
            MeterValue v = meters.get(i);
            String values = v.values().entrySet().stream().map(e -> e.getKey() + "=" + number(e.getValue()))
                    .collect(Collectors.joining(" "));
            out.append(String.format(Locale.ROOT, "%-" + nameWidth + "s  %-" + tagWidth + "s  %-13s  %s%s%n", v.name(),
                    tagTexts.get(i), v.type(), values, v.baseUnit() == null ? "" : " (" + v.baseUnit() + ")"));
        }
        return out.toString();
    }

    private static String tags(Map<String, String> tags) {
        return tags.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }

    private static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : String.format(Locale.ROOT, "%.6g", d);
    }
}

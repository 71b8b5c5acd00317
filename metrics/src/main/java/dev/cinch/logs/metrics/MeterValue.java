package dev.cinch.logs.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Tag;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One meter as a plain value, for printing a snapshot of a registry (the CLI's {@code metrics} command): its name,
 * tags, type and measurements by statistic ({@code count}, {@code total_time} in seconds, {@code max}, {@code value}).
 */
public record MeterValue(String name, Map<String, String> tags, String type, String baseUnit, Map<String, Double> values) {

    public MeterValue {
        tags = java.util.Collections.unmodifiableMap(new TreeMap<>(tags));
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** Every meter of the registry, sorted by name and tags. Timers are in seconds, Prometheus's base unit. */
    public static List<MeterValue> snapshot(MeterRegistry registry) {
        return registry.getMeters().stream().map(MeterValue::of)
                .sorted(Comparator.comparing(MeterValue::name).thenComparing(v -> v.tags().toString()))
                .toList();
    }

    static MeterValue of(Meter meter) {
        Meter.Id id = meter.getId();
        Map<String, String> tags = new TreeMap<>();
        for (Tag t : id.getTagsAsIterable()) {
            tags.put(t.getKey(), t.getValue());
        }
        Map<String, Double> values = new LinkedHashMap<>();
        boolean timer = id.getType() == Meter.Type.TIMER || id.getType() == Meter.Type.LONG_TASK_TIMER;
        for (Measurement m : meter.measure()) {
            double v = m.getValue();
            String stat = m.getStatistic().getTagValueRepresentation();
            // A registry measures time in its own unit (SimpleMeterRegistry: seconds); convert to be sure.
            if (timer && (stat.equals("total") || stat.equals("max")) && meter instanceof io.micrometer.core.instrument.Timer t) {
                v = stat.equals("total") ? t.totalTime(java.util.concurrent.TimeUnit.SECONDS) : t.max(java.util.concurrent.TimeUnit.SECONDS);
            }
            values.put(stat, v);
        }
        String unit = timer ? "seconds" : id.getBaseUnit();
        return new MeterValue(id.getName(), tags, id.getType().name().toLowerCase(java.util.Locale.ROOT), unit, values);
    }
}

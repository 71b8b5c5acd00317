package dev.cinch.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One row of JMH's JSON output, reduced to what the report needs.
 *
 * @param benchmark simple name, {@code StoreAppendBench.job1}
 * @param mode thrpt, avgt or sample
 * @param threads JMH threads
 * @param params the {@code @Param} values
 * @param score primary score
 * @param error JMH's 99.9% confidence half-width (NaN with fewer than two iterations)
 * @param unit e.g. ops/s, us/op
 * @param percentiles for SampleTime: percentile (0..100) to score
 * @param samples number of samples or iterations behind the score
 */
public record JmhResult(String benchmark, String mode, int threads, Map<String, String> params, double score, double error,
                        String unit, Map<Double, Double> percentiles, long samples) {

    static JmhResult of(JsonNode node) {
        String full = node.get("benchmark").asText();
        String[] parts = full.split("\\.");
        String name = parts[parts.length - 2] + "." + parts[parts.length - 1];
        Map<String, String> params = new LinkedHashMap<>();
        JsonNode p = node.get("params");
        if (p != null) {
            p.properties().forEach(e -> params.put(e.getKey(), e.getValue().asText()));
        }
        JsonNode metric = node.get("primaryMetric");
        Map<Double, Double> percentiles = new TreeMap<>();
        JsonNode pct = metric.get("scorePercentiles");
        if (pct != null) {
            pct.properties().forEach(e -> percentiles.put(Double.parseDouble(e.getKey()), e.getValue().asDouble()));
        }
        return new JmhResult(name, node.get("mode").asText(), node.get("threads").asInt(), params,
                metric.get("score").asDouble(), parseError(metric.get("scoreError")), metric.get("scoreUnit").asText(),
                percentiles, countSamples(metric));
    }

    private static double parseError(JsonNode error) {
        if (error == null || error.isNull() || error.asText().equals("NaN")) {
            return Double.NaN;
        }
        return error.asDouble();
    }

    /** Samples for SampleTime (from the histogram), iterations otherwise. */
    private static long countSamples(JsonNode metric) {
        JsonNode hist = metric.get("rawDataHistogram");
        if (hist != null && hist.size() > 0) {
            long n = 0;
            for (JsonNode fork : hist) {
                for (JsonNode iteration : fork) {
                    for (JsonNode bucket : iteration) {
                        n += bucket.get(1).asLong();
                    }
                }
            }
            return n;
        }
        long n = 0;
        JsonNode raw = metric.get("rawData");
        if (raw != null) {
            for (JsonNode fork : raw) {
                n += fork.size();
            }
        }
        return n;
    }

    String param(String name) {
        return params.getOrDefault(name, "");
    }

    double percentile(double p) {
        return percentiles.getOrDefault(p, Double.NaN);
    }
}

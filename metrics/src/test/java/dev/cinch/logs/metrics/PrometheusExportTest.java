package dev.cinch.logs.metrics;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.LogStream;
import dev.cinch.logs.config.CinchConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's Prometheus snippet, run: a wrapped store's meters appear in the scrape with their tags. */
class PrometheusExportTest {
    @TempDir
    Path dir;

    @Test
    void theScrapeHasTheAppendTimerWithStoreAndTierTags() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        CinchConfig config = CinchConfig.of(Map.of("data-dir", dir.toString()));
        try (LogStore store = MeteredLogStore.wrap(LogStores.fromClassPath().open(config), registry)) {
            store.append(JobId.of("job-1"), new LogChunk(0, LogStream.STDOUT, 1, "hi\n".getBytes(StandardCharsets.UTF_8)));
        }
        String scrape = registry.scrape();
        assertThat(scrape.lines().filter(l -> l.startsWith("cinch_log_append_seconds_count{")))
                .anySatisfy(l -> assertThat(l).contains("op=\"append\"").contains("store=\"fs\"").contains("tier=\"fs\"")
                        .endsWith(" 1"));
        assertThat(scrape).contains("cinch_log_append_seconds_sum{").contains("cinch_log_append_seconds_max{")
                .contains("cinch_log_bytes_in_bytes_total{").doesNotContain("cinch_log_append_seconds_bucket");
    }
}

package dev.cinch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code cinchlog metrics} on a real fs store and on a real tiered store (two fs tiers, SQLite records). */
class MetricsCommandTest extends TwoFsTiersCli {

    private static JsonNode meter(JsonNode root, String name, Map<String, String> tags) {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode m : root.get("meters")) {
            boolean match = m.get("name").asText().equals(name);
            for (Map.Entry<String, String> t : tags.entrySet()) {
                match &= m.get("tags").has(t.getKey()) && m.get("tags").get(t.getKey()).asText().equals(t.getValue());
            }
            if (match) {
                found.add(m);
            }
        }
        assertThat(found).as(name + " " + tags).hasSize(1);
        return found.get(0);
    }

    @Test
    void jsonHasStorageAndEveryMeterWithItsTags() throws Exception {
        byte[] log = "one\ntwo\n".getBytes(StandardCharsets.UTF_8);
        assertThat(run(log, Map.of(), "append", "job-1").code()).isZero();
        assertThat(run(log, Map.of(), "append", "job-2").code()).isZero();
        assertThat(run("seal", "job-1").code()).isZero();

        Result r = run("metrics", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertThat(root.get("storage")).hasSize(1);
        assertThat(root.get("storage").get(0).get("logs").asLong()).isEqualTo(2);
        assertThat(root.get("storage").get(0).get("rawBytes").asLong()).isEqualTo(2L * log.length);
        assertThat(root.get("storage").get(0).get("capped").asBoolean()).isFalse();

        Map<String, String> fs = Map.of("store", "fs", "tier", "fs");
        assertThat(meter(root, "cinch.log.stored.logs", fs).get("values").get("value").asDouble()).isEqualTo(2);
        assertThat(meter(root, "cinch.log.stored.raw.bytes", fs).get("baseUnit").asText()).isEqualTo("bytes");
        JsonNode stat = meter(root, "cinch.log.read", Map.of("store", "fs", "tier", "fs", "op", "stat"));
        assertThat(stat.get("type").asText()).isEqualTo("timer");
        assertThat(stat.get("baseUnit").asText()).isEqualTo("seconds");
        assertThat(stat.get("values").get("count").asDouble()).isEqualTo(2);
        assertThat(stat.get("values").has("total")).isTrue();
        assertThat(stat.get("values").has("max")).isTrue();
        JsonNode appends = meter(root, "cinch.log.append", Map.of("store", "fs", "tier", "fs", "op", "append"));
        assertThat(appends.get("values").get("count").asDouble()).as("nothing appended by this process").isZero();
        for (JsonNode m : root.get("meters")) {
            assertThat(m.get("tags").has("store") && m.get("tags").has("tier")).as(m.toString()).isTrue();
        }

        Result text = run("metrics");
        assertThat(text.code()).as(text.err()).isZero();
        assertThat(text.outText()).startsWith("tier fs (fs): 2 logs, ")
                .containsPattern("(?m)^cinch\\.log\\.stored\\.logs +store=fs,tier=fs +gauge +value=2$");
    }

    @Test
    void aTieredStoreShowsEachTierAndTheArchivalBacklog() throws Exception {
        Path config = config("0s");
        byte[] log = "built\n".getBytes(StandardCharsets.UTF_8);
        String cfg = config.toString();
        assertThat(run(log, Map.of(), "--config", cfg, "append", "done-1").code()).isZero();
        assertThat(run("--config", cfg, "seal", "done-1").code()).isZero();
        assertThat(run(log, Map.of(), "--config", cfg, "append", "running").code()).isZero();

        Result r = run("--config", cfg, "metrics", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertThat(root.get("storage").findValuesAsText("tier")).containsExactly("ssd", "hdd");
        assertThat(meter(root, "cinch.log.stored.logs", Map.of("store", "fs", "tier", "ssd")).get("values").get("value")
                .asDouble()).isEqualTo(2);
        assertThat(meter(root, "cinch.log.stored.logs", Map.of("store", "fs", "tier", "hdd")).get("values").get("value")
                .asDouble()).isZero();
        assertThat(meter(root, "cinch.log.archive.backlog", Map.of("store", "tiered", "tier", "ssd")).get("values")
                .get("value").asDouble()).isEqualTo(1);
        meter(root, "cinch.log.append", Map.of("store", "tiered", "tier", "tiered", "op", "append"));

        // The archive command still finds the tiered store behind the meters.
        assertThat(run("--config", cfg, "archive").outText()).startsWith("moved 1 logs");
        JsonNode after = new ObjectMapper().readTree(run("--config", cfg, "metrics", "--json").out());
        assertThat(meter(after, "cinch.log.archive.backlog", Map.of("tier", "ssd")).get("values").get("value").asDouble())
                .isZero();
        assertThat(meter(after, "cinch.log.stored.logs", Map.of("tier", "hdd")).get("values").get("value").asDouble())
                .isEqualTo(1);
    }
}

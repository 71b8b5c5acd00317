package dev.cinch.cli;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.config.CinchConfig;
import dev.cinch.metadata.ChildJvm;
import dev.cinch.metadata.Job;
import dev.cinch.metadata.JobFilter;
import dev.cinch.metadata.Metadata;
import dev.cinch.metadata.TestPostgres;
import dev.cinch.metadata.Token;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sixteen {@code cinchlog} processes at once on a fresh metadata database — six {@code token create}, six
 * {@code append} and four {@code run}, as CI jobs do — must all succeed, and every token, job and log must be there
 * exactly once. The first commands of each process also race to migrate the empty database.
 *
 * <p>All of them share one data dir: the metadata database and the fs log folder, where the {@code run}s seal while
 * other processes open the store.
 */
class ConcurrentCliProcessesTest {
    @TempDir
    Path dir;

    private record Outcome(String name, int code, String out, String err) {
    }

    private Outcome run(String name, Map<String, String> env, String stdin, String... args) {
        try {
            ProcessBuilder pb = new ProcessBuilder(ChildJvm.command(Cinchlog.class, List.of(args)));
            pb.environment().putAll(env);
            Process p = pb.start();
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            try (OutputStream in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            if (!p.waitFor(240, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Outcome(name, -1, "", "timed out");
            }
            return new Outcome(name, p.exitValue(), new String(out.get(), StandardCharsets.UTF_8),
                    new String(err.get(), StandardCharsets.UTF_8));
        } catch (Exception e) {
            return new Outcome(name, -1, "", e.toString());
        }
    }

    private static LogStore logStore(Map<String, String> env) {
        return LogStores.fromClassPath().open(CinchConfig.load(Optional.empty(), env, Map.of()));
    }

    private static byte[] readAll(InputStream in) {
        try (in; ByteArrayOutputStream b = new ByteArrayOutputStream()) {
            in.transferTo(b);
            return b.toByteArray();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    @Timeout(600)
    void sixteenProcessesOnOneSqliteFile() throws Exception {
        runSixteen(Map.of());
    }

    @Test
    @Timeout(600)
    void sixteenProcessesOnPostgres() throws Exception {
        TestPostgres.requireReachable();
        try (TestPostgres.Schema schema = TestPostgres.freshSchema()) {
            runSixteen(Map.of("DATABASE_URL", schema.databaseUrl()));
        }
    }

    private void runSixteen(Map<String, String> databaseEnv) throws Exception {
        Map<String, String> env = new HashMap<>(databaseEnv);
        env.put("CINCH_DATA_DIR", dir.resolve("data").toString());
        env.put("CINCH_TOKENS_BCRYPT_COST", "4");
        List<CompletableFuture<Outcome>> all = new ArrayList<>();
        // Sixteen threads, so the sixteen processes really run at once (the common pool has one thread on 2 cores).
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        List<Outcome> outcomes = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                int n = i;
                all.add(CompletableFuture.supplyAsync(() -> run("token create t" + n, env, "",
                        "token", "create", "--name", "t" + n, "--type", "admin"), pool));
                all.add(CompletableFuture.supplyAsync(() -> run("append a" + n, env, "appended by a" + n + "\n", "append", "a" + n), pool));
            }
            for (int i = 0; i < 4; i++) {
                int n = i;
                all.add(CompletableFuture.supplyAsync(() -> run("run r" + n, env, "", "run", "--job", "r" + n, "--",
                        "sh", "-c", "echo out of r" + n + "; echo err of r" + n + " >&2"), pool));
            }
            for (CompletableFuture<Outcome> f : all) {
                outcomes.add(f.get(300, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        for (Outcome o : outcomes) {
            assertThat(o.code()).as("%s failed: %s", o.name(), o.err()).isZero();
            assertThat(o.err()).as(o.name()).doesNotContain("cinchlog:");
        }

        CinchConfig config = CinchConfig.load(Optional.empty(), env, Map.of());
        try (Metadata md = Metadata.open(config)) {
            List<Token> tokens = md.listTokens();
            assertThat(tokens).extracting(Token::name).containsExactlyInAnyOrder("t0", "t1", "t2", "t3", "t4", "t5");
            for (Outcome o : outcomes) {
                if (o.name().startsWith("token")) {
                    assertThat(md.validateToken(o.out().strip()).isValid()).as(o.name()).isTrue();
                }
            }
            List<Job> jobs = md.store().listJobs(JobFilter.all(), null, 100).items();
            assertThat(jobs).extracting(j -> j.id().value())
                    .containsExactlyInAnyOrder("a0", "a1", "a2", "a3", "a4", "a5", "r0", "r1", "r2", "r3");
            for (int i = 0; i < 6; i++) {
                try (LogStore logs = logStore(env)) {
                    assertThat(new String(logs.readRange(JobId.of("a" + i), 0, 1 << 20), StandardCharsets.UTF_8))
                            .isEqualTo("appended by a" + i + "\n");
                }
            }
            for (int i = 0; i < 4; i++) {
                try (LogStore logs = logStore(env)) {
                    String log = new String(logs.readRange(JobId.of("r" + i), 0, 1 << 20), StandardCharsets.UTF_8);
                    assertThat(log).contains("out of r" + i + "\n").contains("err of r" + i + "\n")
                            .hasSize(("out of r" + i + "\nerr of r" + i + "\n").length());
                    assertThat(logs.stat(JobId.of("r" + i)).sealed()).isTrue();
                }
            }
            assertThat(md.status().currentVersion()).isEqualTo(md.status().latestVersion());
        }
    }
}

package dev.cinch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cinch.logs.JobId;
import dev.cinch.logs.config.CinchConfig;
import dev.cinch.metadata.Job;
import dev.cinch.metadata.JobStatus;
import dev.cinch.metadata.JobStatusUpdate;
import dev.cinch.metadata.Metadata;
import dev.cinch.metadata.NewRepo;
import dev.cinch.metadata.Repo;
import dev.cinch.metadata.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The metadata commands run through the real CLI in-process, logs in an fs store in a temp data dir, metadata in
 * the database {@link #databaseEnv()} selects (SQLite in the data dir, or a fresh Postgres schema).
 */
abstract class AbstractMetadataCommandsTest {
    static final String TOKEN_PATTERN = "cinch_tok_[a-z0-9]{16}_[A-Za-z0-9_-]{43}";

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    /** Extra environment selecting the database under test (empty: SQLite in the data dir). */
    abstract Map<String, String> databaseEnv();

    abstract String dialect();

    Map<String, String> env(Map<String, String> extra) {
        Map<String, String> e = new HashMap<>(databaseEnv());
        e.put("CINCH_DATA_DIR", dir.resolve("data").toString());
        e.putAll(extra);
        return e;
    }

    Result runAt(Clock clock, String stdin, Map<String, String> extraEnv, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (Cinchlog cli = new Cinchlog(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), out,
                new PrintStream(err, true, StandardCharsets.UTF_8), env(extraEnv), clock)) {
            int code = cli.execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    Result pipe(String stdin, String... args) {
        return runAt(Clock.systemUTC(), stdin, Map.of(), args);
    }

    Result run(String... args) {
        return pipe("", args);
    }

    /** The metadata API on the same database, with its clock at {@code now}. */
    Metadata metadataAt(Instant now, Map<String, String> extraEnv) {
        return Metadata.open(CinchConfig.load(Optional.empty(), env(extraEnv), Map.of()), Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void migrateIsIdempotentAndDbStatusShowsTheVersion() {
        Result before = run("db", "status");
        assertThat(before.code()).isZero();
        assertThat(before.out()).contains("dialect:  " + dialect()).contains("version:  0").contains("pending:  001, 002, 003, 004, 005, 006, 007, 008, 009\n");
        if (dialect().equals("sqlite")) {
            assertThat(before.out()).contains(dir.resolve("data").resolve("cinch.db").toString());
        }
        assertThat(before.out()).doesNotContainIgnoringCase("password");

        Result first = run("migrate");
        assertThat(first.code()).isZero();
        assertThat(first.out()).isEqualTo("schema version 9 (applied 001, 002, 003, 004, 005, 006, 007, 008, 009)\n");
        Result again = run("migrate");
        assertThat(again.code()).isZero();
        assertThat(again.out()).isEqualTo("schema version 9 (up to date, nothing applied)\n");

        Result after = run("db", "status");
        assertThat(after.out()).contains("version:  9").contains("latest:   9").contains("pending:  none");
        assertThat(run("db").code()).isEqualTo(2);
    }

    @Test
    void tokenCreateVerifyRevokeVerify() throws Exception {
        Result created = run("token", "create", "--name", "deploy", "--type", "admin", "--scope", "jobs:read", "--scope", "logs:read");
        assertThat(created.code()).isZero();
        assertThat(created.out()).matches(TOKEN_PATTERN + "\n");
        String raw = created.out().strip();
        String id = raw.substring("cinch_".length(), "cinch_tok_".length() + 16);
        // the first command on a fresh database migrated it, and said so on stderr
        assertThat(created.err()).contains("migrated the metadata database to schema version 9")
                .contains("created token " + id).doesNotContain(raw);

        Result valid = pipe(raw + "\n", "token", "verify");
        assertThat(valid.code()).isZero();
        assertThat(valid.out()).contains("valid").contains("id:      " + id).contains("name:    deploy")
                .contains("type:    admin").contains("scopes:  jobs:read, logs:read").doesNotContain(raw);

        assertThat(run("token", "ls").out()).contains(id).contains("active").contains("deploy");
        Result revoked = run("token", "revoke", id);
        assertThat(revoked.code()).isZero();
        assertThat(revoked.out()).isEqualTo("revoked " + id + "\n");
        assertThat(run("token", "revoke", id).out()).isEqualTo(id + " was already revoked\n");

        Result refused = pipe(raw, "token", "verify");
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.out()).isEmpty();
        assertThat(refused.err()).isEqualTo("cinchlog: token invalid: revoked" + System.lineSeparator());

        Result unknown = run("token", "revoke", "tok_doesnotexist0000");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("tok_doesnotexist0000").contains("does not exist");

        JsonNode ls = new ObjectMapper().readTree(run("token", "ls", "--json").out());
        assertThat(ls).hasSize(1);
        assertThat(ls.get(0).get("id").asText()).isEqualTo(id);
        assertThat(ls.get(0).get("status").asText()).isEqualTo("revoked");
        assertThat(ls.get(0).get("scopes").toString()).isEqualTo("[\"jobs:read\",\"logs:read\"]");
        String lsText = ls.toString();
        assertThat(lsText).doesNotContain(raw).doesNotContain(raw.substring(raw.length() - 43)).doesNotContain("$2a$")
                .doesNotContainIgnoringCase("hash");
    }

    @Test
    void wrongSecretsAndGarbageAreRefusedWithoutEchoingThem() {
        String raw = run("token", "create", "--name", "n", "--type", "readonly").out().strip();
        char last = raw.charAt(raw.length() - 1);
        String wrong = raw.substring(0, raw.length() - 1) + (last == 'A' ? 'B' : 'A');
        Result r = pipe(wrong, "token", "verify");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("cinchlog: token invalid: wrong secret" + System.lineSeparator());
        Result unknown = pipe("cinch_tok_0000000000000000_" + raw.substring(raw.length() - 43), "token", "verify");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).isEqualTo("cinchlog: token invalid: unknown token" + System.lineSeparator());
        Result garbage = pipe("not-a-token-s3cr3t", "token", "verify");
        assertThat(garbage.code()).isEqualTo(1);
        assertThat(garbage.err()).contains("not a Cinch token").doesNotContain("s3cr3t");
        Result empty = pipe("", "token", "verify");
        assertThat(empty.code()).isEqualTo(2);
        assertThat(empty.err()).contains("stdin");
    }

    @Test
    void expiredTokensAreRefused() {
        Instant now = Instant.now();
        Result created = runAt(Clock.fixed(now, ZoneOffset.UTC), "", Map.of(), "token", "create", "--name", "short",
                "--type", "readonly", "--expires-in", "1h", "--json");
        assertThat(created.code()).isZero();
        String raw = createdToken(created.out());
        assertThat(runAt(Clock.fixed(now.plus(Duration.ofMinutes(59)), ZoneOffset.UTC), raw, Map.of(), "token", "verify").code()).isZero();
        Result later = runAt(Clock.fixed(now.plus(Duration.ofHours(2)), ZoneOffset.UTC), raw, Map.of(), "token", "verify");
        assertThat(later.code()).isEqualTo(1);
        assertThat(later.err()).contains("expired").doesNotContain(raw);
        assertThat(runAt(Clock.fixed(now.plus(Duration.ofHours(2)), ZoneOffset.UTC), "", Map.of(), "token", "ls").out())
                .contains("expired");
    }

    private static String createdToken(String json) {
        try {
            JsonNode n = new ObjectMapper().readTree(json);
            assertThat(n.get("id").asText()).startsWith("tok_");
            assertThat(n.get("type").asText()).isEqualTo("readonly");
            assertThat(n.has("hash")).isFalse();
            return n.get("token").asText();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void badTokenOptionsAreUsageErrorsNamingTheOption() {
        Result type = run("token", "create", "--name", "x", "--type", "superuser");
        assertThat(type.code()).isEqualTo(2);
        assertThat(type.err()).contains("--type").contains("superuser").contains("worker, admin, readonly")
                .contains("Try 'cinchlog token create --help'.");
        Result expires = run("token", "create", "--name", "x", "--type", "admin", "--expires-in", "soon");
        assertThat(expires.code()).isEqualTo(2);
        assertThat(expires.err()).contains("--expires-in").contains("soon");
        Result zero = run("token", "create", "--name", "x", "--type", "admin", "--expires-in", "0s");
        assertThat(zero.code()).isEqualTo(2);
        assertThat(zero.err()).contains("--expires-in");
        Result workerless = run("token", "create", "--name", "x", "--type", "worker");
        assertThat(workerless.code()).isEqualTo(2);
        assertThat(workerless.err()).contains("worker").contains("required");
        Result retention = run("cleanup", "--retention", "forever");
        assertThat(retention.code()).isEqualTo(2);
        assertThat(retention.err()).contains("--retention");
        for (Result r : new Result[] {type, expires, zero, workerless, retention}) {
            assertThat(r.out()).isEmpty();
        }
        assertThat(run("token", "ls", "--json").out()).isEqualTo("[]\n");
    }

    @Test
    void cleanupDryRunDeletesNothingThenCleanupDeletesOldJobsAndTheirLogs() {
        Instant now = Instant.now();
        JobId oldWithLog = JobId.of("old-with-log");
        JobId oldWithoutLog = JobId.of("old-without-log");
        JobId recent = JobId.of("recent");
        JobId oldRunning = JobId.of("old-running");
        try (Metadata md = metadataAt(now.minus(Duration.ofDays(40)), Map.of())) {
            md.migrate();
            for (JobId id : new JobId[] {oldWithLog, oldWithoutLog, oldRunning}) {
                md.ensureJob(id, "make");
                md.store().updateJobStatus(id, JobStatusUpdate.running(null));
            }
            md.store().updateJobStatus(oldWithLog, JobStatusUpdate.finished(JobStatus.SUCCESS, 0, null));
            md.store().updateJobStatus(oldWithoutLog, JobStatusUpdate.finished(JobStatus.FAILURE, 2, null));
        }
        try (Metadata md = metadataAt(now.minus(Duration.ofDays(1)), Map.of())) {
            md.ensureJob(recent, "make");
            md.store().updateJobStatus(recent, JobStatusUpdate.running(null));
            md.store().updateJobStatus(recent, JobStatusUpdate.finished(JobStatus.SUCCESS, 0, null));
        }
        for (JobId id : new JobId[] {oldWithLog, recent, oldRunning}) {
            assertThat(pipe("log of " + id.value() + "\n", "append", id.value()).code()).isZero();
        }

        Result dry = run("cleanup", "--dry-run");
        assertThat(dry.code()).isZero();
        assertThat(dry.out()).contains("dry run: nothing was deleted").contains("jobs would be deleted: 2")
                .contains("would delete old-with-log").contains("would delete old-without-log")
                .doesNotContain("recent").doesNotContain("old-running");
        assertThat(run("stat", "old-with-log").code()).isZero();
        try (Metadata md = metadataAt(now, Map.of())) {
            assertThat(md.store().findJob(oldWithLog)).isPresent();
        }

        // Failures kept 60 days: only the successful old job would go.
        Result keepFailures = run("cleanup", "--dry-run", "--failed-retention", "60d");
        assertThat(keepFailures.out()).contains("jobs would be deleted: 1").contains("would delete old-with-log")
                .doesNotContain("would delete old-without-log");
        // The newest two jobs of the branch stay whatever their age: recent and old-without-log (the three old jobs
        // were created in the same instant; ids order them).
        assertThat(run("cleanup", "--dry-run", "--keep-last", "2").out()).contains("jobs would be deleted: 1")
                .contains("would delete old-with-log");

        Result real = run("cleanup", "--retention", "30d");
        assertThat(real.code()).isZero();
        assertThat(real.out()).contains("jobs deleted: 2").contains("logs deleted: 1").contains("batches:      1");
        Result gone = run("stat", "old-with-log");
        assertThat(gone.code()).isEqualTo(1);
        assertThat(gone.err()).contains("old-with-log").contains("no log stored");
        assertThat(run("cat", "recent").out()).isEqualTo("log of recent\n");
        assertThat(run("cat", "old-running").out()).isEqualTo("log of old-running\n");
        try (Metadata md = metadataAt(now, Map.of())) {
            assertThat(md.store().findJob(oldWithLog)).isEmpty();
            assertThat(md.store().findJob(oldWithoutLog)).isEmpty();
            assertThat(md.store().findJob(recent)).isPresent();
            assertThat(md.store().findJob(oldRunning)).isPresent();
        }
        assertThat(run("cleanup").out()).contains("jobs deleted: 0");
        // a shorter retention reaches the day-old job
        assertThat(run("cleanup", "--retention", "12h").out()).contains("jobs deleted: 1").contains("logs deleted: 1");
        assertThat(run("stat", "recent").code()).isEqualTo(1);
    }

    @Test
    void searchFindsTheJobsWhoseLogsHoldAPatternNewestFirstPickedByTheDatabase() throws Exception {
        Instant now = Instant.now();
        String repoId;
        try (Metadata md = metadataAt(now.minus(Duration.ofDays(10)), Map.of())) {
            md.migrate();
            repoId = md.store().createRepo(new NewRepo("github", "acme", "search", "https://x/acme/search.git",
                    "https://x/acme/search", false, null, null)).id();
            md.store().createJob(dev.cinch.metadata.NewJob.of(repoId, "a1", "main", "make").withId(JobId.of("old-fail")));
        }
        try (Metadata md = metadataAt(now.minus(Duration.ofDays(1)), Map.of())) {
            md.store().createJob(dev.cinch.metadata.NewJob.of(repoId, "b2", "main", "make").withId(JobId.of("new-fail")));
            md.store().createJob(dev.cinch.metadata.NewJob.of(repoId, "c3", "main", "make").withId(JobId.of("new-ok")));
            md.store().createJob(dev.cinch.metadata.NewJob.of(repoId, "d4", "dev", "make").withId(JobId.of("dev-fail")));
            md.store().createJob(dev.cinch.metadata.NewJob.of(repoId, "e5", "main", "make").withId(JobId.of("no-log")));
        }
        try (Metadata md = metadataAt(now.minus(Duration.ofHours(1)), Map.of())) {
            for (String id : new String[] {"old-fail", "new-fail", "new-ok", "dev-fail"}) {
                md.store().updateJobStatus(JobId.of(id), JobStatusUpdate.running(null));
                md.store().updateJobStatus(JobId.of(id), JobStatusUpdate.finished(
                        id.endsWith("ok") ? JobStatus.SUCCESS : JobStatus.FAILURE, id.endsWith("ok") ? 0 : 1, null));
            }
        }
        String filler = "[INFO] compiling module 42 of 97\n".repeat(20_000);
        for (String id : new String[] {"old-fail", "new-fail", "new-ok", "dev-fail"}) {
            String log = filler + "Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space (" + id + ")\n"
                    + filler + "BUILD FAILED\n";
            assertThat(pipe(log, "append", id, "--chunk-size", "65536").code()).isZero();
            assertThat(run("seal", id).code()).isZero();
        }
        int oomLine = 20_001;

        Result failures = run("search", "OutOfMemoryError", "--status", "failure", "--since", "7d", "--branch", "main");
        assertThat(failures.code()).as(failures.err()).isZero();
        assertThat(failures.out()).isEqualTo("new-fail:" + oomLine
                + ":Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space (new-fail)\n");
        assertThat(failures.err()).contains("searched 1 logs, 1 jobs matched");

        Result all = run("search", "outofmemoryerror", "-i", "--repo", repoId, "--matches", "1");
        assertThat(all.code()).isZero();
        // Newest first (created at the same instant: by id, descending), the oldest last; the job without a log skipped.
        assertThat(all.out().lines().map(l -> l.substring(0, l.indexOf(':'))))
                .containsExactly("new-ok", "new-fail", "dev-fail", "old-fail");
        assertThat(run("search", "OutOfMemoryError", "--max-jobs", "2").out().lines()).hasSize(2);

        JsonNode json = new ObjectMapper().readTree(run("search", "-F", "BUILD FAILED", "--json", "--status", "failure",
                "--since", "7d").out());
        assertThat(json.get("matchedJobs").asInt()).isEqualTo(2);
        assertThat(json.get("jobs").get(0).get("matches").get(0).get("line").asLong()).isEqualTo(2L * 20_000 + 2);
        assertThat(json.get("jobs").get(0).get("status").asText()).isEqualTo("failure");

        Result none = run("search", "StackOverflowError");
        assertThat(none.code()).as("nothing matched, as grep's 1").isEqualTo(1);
        assertThat(none.out()).isEmpty();
        assertThat(run("search", "x", "--status", "exploded").code()).isEqualTo(2);
        assertThat(run("search", "(unclosed").code()).isEqualTo(2);
    }

    @Test
    void keysRotateMovesSecretsToTheNewKey() {
        String oldKey = newKey();
        String newKey = newKey();
        Repo repo;
        try (Metadata md = metadataAt(Instant.now(), Map.of("CINCH_ENCRYPTION_KEY", oldKey))) {
            md.migrate();
            repo = md.store().createRepo(new NewRepo("github", "acme", "app", "https://x/acme/app.git", "https://x/acme/app",
                    true, Secret.of("whsec-cli-rotation"), Secret.of("forge-token-cli-rotation")));
            md.ensureJob(JobId.of("rotated-job"), "make");
        }
        assertThat(runAt(Clock.systemUTC(), "job-secret-cli-rotation", Map.of("CINCH_ENCRYPTION_KEY", oldKey),
                "secret", "add", "rotated-job").code()).isZero();
        Map<String, String> rotating = Map.of("CINCH_ENCRYPTION_KEY", newKey, "CINCH_ENCRYPTION_OLD_KEYS", oldKey);
        Result r = runAt(Clock.systemUTC(), "", rotating, "keys", "rotate");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("re-encrypted:     3").contains("already current:  0").contains("newly encrypted:  0");
        assertThat(r.out() + r.err()).doesNotContain(newKey).doesNotContain(oldKey).doesNotContain("whsec-cli-rotation")
                .doesNotContain("job-secret-cli-rotation");
        assertThat(runAt(Clock.systemUTC(), "", rotating, "keys", "rotate").out())
                .contains("re-encrypted:     0").contains("already current:  3");
        try (Metadata md = metadataAt(Instant.now(), Map.of("CINCH_ENCRYPTION_KEY", newKey))) {
            Repo back = md.store().getRepo(repo.id());
            assertThat(back.webhookSecret().reveal()).isEqualTo("whsec-cli-rotation");
            assertThat(back.forgeToken().reveal()).isEqualTo("forge-token-cli-rotation");
            assertThat(md.store().jobSecretsToMask(JobId.of("rotated-job")))
                    .containsExactly("job-secret-cli-rotation".getBytes(StandardCharsets.UTF_8));
        }

        Result missing = run("keys", "rotate");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("encryption.key").contains("CINCH_ENCRYPTION_KEY");
        Result bad = runAt(Clock.systemUTC(), "", Map.of("CINCH_ENCRYPTION_KEY", "c2hvcnQ="), "keys", "rotate");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("encryption.key").doesNotContain("c2hvcnQ=");
    }

    private static String newKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return Base64.getEncoder().encodeToString(k);
    }

    @Test
    void sealNeedsALogOrAJobRow() throws Exception {
        Result unknown = run("seal", "typo-job");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err().lines().filter(l -> l.startsWith("cinchlog: ")).toList())
                .containsExactly("cinchlog: job typo-job: no log stored and no job row in the metadata database; nothing to seal");
        assertThat(run("stat", "typo-job").code()).as("no empty log was left behind").isEqualTo(1);

        // A job that ran and printed nothing has a row but no log: its complete log is empty.
        try (Metadata md = metadataAt(Instant.now(), Map.of())) {
            md.ensureJob(JobId.of("quiet-job"), "true");
        }
        assertThat(run("seal", "quiet-job").code()).isZero();
        JsonNode stat = new ObjectMapper().readTree(run("stat", "--json", "quiet-job").out());
        assertThat(stat.get("sealed").asBoolean()).isTrue();
        assertThat(stat.get("chunks").asLong()).isZero();
        assertThat(run("cat", "quiet-job").out()).isEmpty();
        assertThat(run("seal", "quiet-job").code()).as("idempotent").isZero();
    }

    @Test
    void runAndAppendRegisterTheirJobs() {
        Result ran = run("run", "--job", "r1", "--", "echo", "it's here", "-n");
        assertThat(ran.code()).isZero();
        assertThat(ran.out()).isEqualTo("it's here -n\n");
        assertThat(run("append", "a1").code()).isZero();
        assertThat(pipe("more", "append", "a1").code()).isZero();
        try (Metadata md = metadataAt(Instant.now(), Map.of())) {
            Job r1 = md.store().getJob(JobId.of("r1"));
            assertThat(r1.command()).isEqualTo("echo 'it'\\''s here' -n");
            assertThat(r1.status()).isEqualTo(JobStatus.PENDING);
            assertThat(r1.triggeredBy()).isEqualTo("cli");
            assertThat(md.store().getJob(JobId.of("a1")).command()).isEqualTo("append");
        }
        assertThat(run("cat", "a1").out()).isEqualTo("more");
    }

    // ------------------------------------------------------------------ secret add

    private static final String ADDED = "s3cr3t-added-with-secret-add";

    @Test
    void secretAddReadsOneValueFromStdinAndNeverPrintsIt() {
        Map<String, String> key = Map.of("CINCH_ENCRYPTION_KEY", newKey());
        Result unknown = runAt(Clock.systemUTC(), ADDED + "\n", key, "secret", "add", "no-such-job");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err().lines().filter(l -> l.startsWith("cinchlog: ")).toList()).containsExactly(
                "cinchlog: job no-such-job: no job row in the metadata database; a secret is added to a job that run, "
                        + "append or the server registered");
        assertThat(pipe("x", "append", "sa").code()).isZero();

        Result added = runAt(Clock.systemUTC(), ADDED + "\r\n", key, "secret", "add", "sa");
        assertThat(added.code()).as(added.err()).isZero();
        assertThat(added.out()).isEqualTo("added a secret to job sa (" + ADDED.length() + " bytes)\n");
        assertThat(added.out() + added.err()).doesNotContain(ADDED);
        // Only one trailing newline goes: the rest of stdin, inner newlines and a second one included, is the value.
        assertThat(runAt(Clock.systemUTC(), "two\nlines\n\n", key, "secret", "add", "sa").out())
                .isEqualTo("added a secret to job sa (10 bytes)\n");
        Result shortOne = runAt(Clock.systemUTC(), "abc\n", key, "secret", "add", "sa");
        assertThat(shortOne.code()).isZero();
        assertThat(shortOne.err()).contains("shorter than 6 bytes, so it is not masked").doesNotContain("abc");
        try (Metadata md = metadataAt(Instant.now(), key)) {
            assertThat(md.store().jobSecretsToMask(JobId.of("sa"))).extracting(b -> new String(b, StandardCharsets.UTF_8))
                    .containsExactlyInAnyOrder(ADDED, "two\nlines\n", "abc");
        }

        for (String empty : new String[] {"", "\n", "\r\n"}) {
            Result r = runAt(Clock.systemUTC(), empty, key, "secret", "add", "sa");
            assertThat(r.code()).as("stdin %s", empty.replace("\r", "\\r").replace("\n", "\\n")).isEqualTo(2);
            assertThat(r.err()).contains("stdin").contains("empty");
        }
        Result tooLong = runAt(Clock.systemUTC(), "x".repeat(16 * 1024 + 1), key, "secret", "add", "sa");
        assertThat(tooLong.code()).isEqualTo(2);
        assertThat(tooLong.err()).contains("longer than 16384 bytes").doesNotContain("xxxxxxxx");
        Result noKey = pipe(ADDED, "secret", "add", "sa");
        assertThat(noKey.code()).isEqualTo(2);
        assertThat(noKey.err()).contains("encryption.key").contains("CINCH_ENCRYPTION_KEY").doesNotContain(ADDED);
        Result missingSub = run("secret");
        assertThat(missingSub.code()).isEqualTo(2);
        assertThat(missingSub.err()).contains("missing subcommand: one of add");
    }

    @Test
    void appendMasksAValueAddedWithSecretAddOnEveryReadPath() throws Exception {
        Map<String, String> key = Map.of("CINCH_ENCRYPTION_KEY", newKey());
        assertThat(runAt(Clock.systemUTC(), "", key, "append", "masked-append").code()).isZero();
        assertThat(runAt(Clock.systemUTC(), ADDED + "\n", key, "secret", "add", "masked-append").code()).isZero();
        String b64 = Base64.getEncoder().encodeToString(("user:" + ADDED).getBytes(StandardCharsets.UTF_8));
        String output = "token " + ADDED + " in clear\nAuthorization: Basic " + b64 + "\ndone\n";
        Result appended = runAt(Clock.systemUTC(), output, key, "append", "masked-append");
        assertThat(appended.code()).as(appended.err()).isZero();
        assertThat(appended.out() + appended.err()).doesNotContain(ADDED);

        for (boolean sealed : new boolean[] {false, true}) {
            if (sealed) {
                assertThat(runAt(Clock.systemUTC(), "", key, "seal", "masked-append").code()).isZero();
            }
            String stored = runAt(Clock.systemUTC(), "", key, "cat", "masked-append").out();
            assertThat(stored).as("sealed %s", sealed).hasSameSizeAs(output).doesNotContain(ADDED)
                    .doesNotContain(b64.substring(12, 30))
                    .startsWith("token " + "*".repeat(ADDED.length()) + " in clear\n").endsWith("done\n");
            assertThat(runAt(Clock.systemUTC(), "", key, "cat", "--tail-lines", "4", "masked-append").out()).isEqualTo(stored);
            assertThat(runAt(Clock.systemUTC(), "", key, "cat", "--from-seq", "0", "masked-append").out()).isEqualTo(stored);
            assertThat(runAt(Clock.systemUTC(), "", key, "cat", "--offset", "3", "masked-append").out()).isEqualTo(stored.substring(3));
            assertThat(runAt(Clock.systemUTC(), "", key, "grep", "-F", "masked-append", "s3cr3t").code()).isEqualTo(1);
            assertThat(runAt(Clock.systemUTC(), "", key, "grep", "-F", "masked-append", "in clear").out())
                    .isEqualTo("1:token " + "*".repeat(ADDED.length()) + " in clear\n");
            if (sealed) {
                assertThat(runAt(Clock.systemUTC(), "", key, "follow", "masked-append").out()).isEqualTo(stored);
            }
        }
    }

    @Test
    void appendAndRunMaskTheForgeTokenOfTheJobsRepositoryAndItsSecretEnvValuesFromTheDatabase() {
        Map<String, String> key = Map.of("CINCH_ENCRYPTION_KEY", newKey());
        JobId job;
        try (Metadata md = metadataAt(Instant.now(), key)) {
            md.migrate();
            Repo repo = md.store().createRepo(new NewRepo("github", "acme", "masked", "https://x/acme/masked.git",
                    "https://x/acme/masked", true, null, Secret.of("ghp_forgeTokenOfTheRepo")));
            job = md.store().createJob(dev.cinch.metadata.NewJob.of(repo.id(), "abc", "main", "make")
                    .withEnv(Map.of("NPM_TOKEN", "npm_envSecretValue", "REGION", "eu-west-1-region"))
                    .withSecretEnv(java.util.Set.of("NPM_TOKEN"))).id();
        }
        assertThat(runAt(Clock.systemUTC(), "cloning with ghp_forgeTokenOfTheRepo\n", key, "append", job.value()).code())
                .isZero();
        Result ran = runAt(Clock.systemUTC(), "", key, "run", "--job", job.value(), "--", "echo",
                "again ghp_forgeTokenOfTheRepo npm_envSecretValue in eu-west-1-region");
        assertThat(ran.code()).as(ran.err()).isZero();
        assertThat(runAt(Clock.systemUTC(), "", key, "cat", job.value()).out()).isEqualTo("cloning with "
                + "*".repeat(23) + "\nagain " + "*".repeat(23) + " " + "*".repeat(18) + " in eu-west-1-region\n");
        // Without the key the token cannot be read, so nothing is stored unmasked: run refuses before CMD starts.
        Result noKey = run("run", "--job", job.value(), "--", "echo", "not run");
        assertThat(noKey.code()).isEqualTo(1);
        assertThat(noKey.out()).doesNotContain("not run");
        assertThat(noKey.err()).containsAnyOf("forge_token", "env_json[").doesNotContain("ghp_")
                .doesNotContain("npm_envSecretValue");
    }

    @Test
    void aValueAddedWhileRunWritesIsMaskedInLaterOutputAndOnEveryReadOfEarlierOutput() throws Exception {
        Map<String, String> key = Map.of("CINCH_ENCRYPTION_KEY", newKey());
        // The first line is stored before the value exists, so it stays; the second comes after more than one
        // refresh interval, so the job's secrets are read again before it is masked.
        long wait = Cinchlog.SECRETS_REFRESH.toMillis() * 2;
        String script = "echo 'before " + ADDED + "'; sleep " + (wait / 1000.0) + "; echo 'after " + ADDED + "'";
        java.util.concurrent.CompletableFuture<Result> ran = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> runAt(Clock.systemUTC(), "", key, "run", "--job", "late", "--", "sh", "-c", script));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!runAt(Clock.systemUTC(), "", key, "cat", "late").out().contains("before")) {
            assertThat(System.nanoTime()).as("the first line was stored").isLessThan(deadline);
            Thread.sleep(50);
        }
        assertThat(runAt(Clock.systemUTC(), ADDED, key, "secret", "add", "late").code()).isZero();
        Result r = ran.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("before " + ADDED + "\nafter " + ADDED + "\n");
        // The first line was stored before the value existed and keeps it at rest, but it is never served: every
        // read masks the job's secrets as they are now.
        String masked = "before " + "*".repeat(ADDED.length()) + "\nafter " + "*".repeat(ADDED.length()) + "\n";
        assertThat(runAt(Clock.systemUTC(), "", key, "cat", "late").out()).isEqualTo(masked);
        assertThat(runAt(Clock.systemUTC(), "", key, "cat", "--lines", "1:1", "late").out())
                .isEqualTo("before " + "*".repeat(ADDED.length()) + "\n");
        assertThat(runAt(Clock.systemUTC(), "", key, "grep", "-F", "late", "s3cr3t").code()).isEqualTo(1);
        assertThat(runAt(Clock.systemUTC(), "", key, "grep", "-F", "late", "before").out())
                .isEqualTo("1:before " + "*".repeat(ADDED.length()) + "\n");
        assertThat(runAt(Clock.systemUTC(), "", key, "seal", "late").code()).isZero();
        assertThat(runAt(Clock.systemUTC(), "", key, "follow", "late").out()).isEqualTo(masked);
        Path archive = dir.resolve("late.zst");
        Result exported = runAt(Clock.systemUTC(), "", key, "export", "late", "-o", archive.toString());
        assertThat(exported.code()).as(exported.err()).isZero();
        try (var in = new com.github.luben.zstd.ZstdInputStream(java.nio.file.Files.newInputStream(archive))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(masked);
        }
        // Without the key the job's secrets cannot be read, so its log is not served at all.
        Result noKey = run("cat", "late");
        assertThat(noKey.code()).isEqualTo(1);
        assertThat(noKey.out()).isEmpty();
        assertThat(noKey.err()).doesNotContain(ADDED);
    }
}

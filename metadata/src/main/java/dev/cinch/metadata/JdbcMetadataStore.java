package dev.cinch.metadata;

import dev.cinch.sql.Dialect;
import dev.cinch.sql.Database;

import dev.cinch.logs.JobId;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@link MetadataStore} over JDBC, for both dialects. Dialect differences live in the migrations, in {@link Columns}
 * and in the few statements that must differ (claims, label matching); every value is a bound parameter.
 *
 * <p>Work that is slow or loads classes for the first time (bcrypt, JSON, encryption) is done before a write
 * transaction starts, so a transaction holds SQLite's write lock only for its statements.
 */
public final class JdbcMetadataStore implements MetadataStore {
    static final String LOCAL_FORGE = "local";
    static final String LOCAL_OWNER = "local";
    static final String LOCAL_REPO = "cli";
    /** The placeholder repo of jobs the CLI registers; the queue never hands those out. */
    static final String LOCAL_REPO_ID = "r_local_cli";
    private static final String TERMINAL_IN = "('success', 'failure', 'error', 'cancelled')";
    private static final String ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";

    private final Database db;
    private final Dialect dialect;
    private final Columns cols;
    private final SecretCipher cipher;
    private final JobEnv env;
    private final JobRows jobs;
    private final WorkerRows workers;
    private final JdbcTokens tokens;
    private final JdbcJobQueue queue;
    private final KeyRotation rotation;
    private final JdbcJobSecrets jobSecrets;
    private final Clock clock;
    private final SecureRandom random;

    /** With default settings and the given bcrypt cost; see {@link #JdbcMetadataStore(Database, EncryptionKeys, StoreSettings, Clock)}. */
    public JdbcMetadataStore(Database db, EncryptionKeys keys, int bcryptCost, Clock clock) {
        this(db, keys, StoreSettings.withBcryptCost(bcryptCost), clock);
    }

    /**
     * @param db the database; the store owns it from now on and closes it in {@link #close()}
     * @param keys encryption keys for secret columns
     * @param settings bcrypt cost, token cache, queue policy
     * @param clock time source (tests move it to exercise expiry, leases and retention)
     */
    public JdbcMetadataStore(Database db, EncryptionKeys keys, StoreSettings settings, Clock clock) {
        this.db = db.withErrors(SqlErrors.METADATA);
        this.dialect = db.dialect();
        this.random = new SecureRandom();
        this.cipher = new SecretCipher(keys, random);
        this.cols = new Columns(dialect, cipher);
        this.env = new JobEnv(cipher);
        this.jobs = new JobRows(cols, env);
        this.workers = new WorkerRows(cols);
        this.tokens = new JdbcTokens(this.db, cols, new TokenHasher(settings.bcryptCost(), random), settings.tokenCacheTtl(), clock, random);
        this.queue = new JdbcJobQueue(this.db, cols, jobs, settings.queue(), clock);
        this.rotation = new KeyRotation(this.db, cols, cipher, env);
        this.jobSecrets = new JdbcJobSecrets(this.db, cols, cipher, env);
        this.clock = clock;
        // Jackson initialises itself on first use (tens of milliseconds in a cold process): here, not inside the
        // first write transaction.
        Labels.toJson(List.of());
        env.encode(Map.of(), "j_warmup", "r_warmup", 0);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    private String randomId(String prefix) {
        StringBuilder sb = new StringBuilder(prefix);
        for (int i = 0; i < 16; i++) {
            sb.append(ID_CHARS.charAt(random.nextInt(ID_CHARS.length())));
        }
        return sb.toString();
    }

    /** Job ids sort by creation time: {@code j_} + 11 hex digits of epoch ms + 8 random hex digits. */
    private JobId newJobId() {
        byte[] r = new byte[4];
        random.nextBytes(r);
        return JobId.of(String.format("j_%011x%s", clock.millis(), HexFormat.of().formatHex(r)));
    }

    // ------------------------------------------------------------------ jobs

    /** A job row ready to insert: id decided, environment encoded (and encrypted), labels as JSON. */
    private record PreparedJob(JobId id, NewJob job, String envJson, String labelsJson, String secretEnvJson) {
        @Override
        public String toString() {
            return "PreparedJob[" + id + "]";
        }
    }

    private PreparedJob prepareJob(NewJob job) {
        JobId id = checkNewJob(job);
        return new PreparedJob(id, job, env.encode(job.env(), id.value(), job.repoId(), 1), Labels.toJson(job.labels()),
                Labels.toJson(new java.util.ArrayList<>(new java.util.TreeSet<>(job.secretEnv()))));
    }

    @Override
    public Job createJob(NewJob job) {
        PreparedJob p = prepareJob(job);
        return db.inTransaction("create job " + p.id(), c -> {
            insertJob(c, p, now(), false);
            return jobs.load(c, p.id()).orElseThrow();
        });
    }

    private JobId checkNewJob(NewJob job) {
        Strings.required("repo", job.repoId());
        Strings.required("commit", job.commitSha());
        Strings.required("branch", job.branch());
        Strings.text("command", job.command());
        if (job.command() == null) {
            throw new InvalidInputException("command", "is required");
        }
        Strings.text("triggered by", job.triggeredBy());
        Strings.text("trigger user", job.triggerUser());
        Strings.textMap("env", job.env());
        Strings.textList("labels", job.labels());
        for (String name : job.secretEnv()) {
            if (!job.env().containsKey(name)) {
                throw new InvalidInputException("secret env", "names " + name + ", which is not among the job's env variables");
            }
        }
        if (!job.secretEnv().isEmpty() && !cipher.canEncrypt()) {
            throw new EncryptionException("the job marks env variables " + new java.util.TreeSet<>(job.secretEnv())
                    + " secret, and secrets are never stored in plaintext: set the encryption key (CINCH_ENCRYPTION_KEY)");
        }
        if (job.timeoutSec() != null && (job.timeoutSec() < 1 || job.timeoutSec() > 7 * 24 * 3600)) {
            throw new InvalidInputException("timeout", "must be between 1 second and 7 days, got " + job.timeoutSec());
        }
        if (job.maxAttempts() != null && (job.maxAttempts() < 1 || job.maxAttempts() > 100)) {
            throw new InvalidInputException("max attempts", "must be between 1 and 100, got " + job.maxAttempts());
        }
        if (job.prNumber() != null && !job.isPr()) {
            throw new InvalidInputException("pr number", "is set on a job that is not a pull request");
        }
        return job.id() == null ? newJobId() : job.id();
    }

    /** Inserts a job; with {@code ifAbsent}, an existing id is left alone and false returned. */
    private boolean insertJob(Connection c, PreparedJob p, Instant now, boolean ifAbsent) throws SQLException {
        NewJob job = p.job();
        String sql = "INSERT INTO jobs (id, repo_id, worker_id, commit_sha, branch, is_pr, pr_number, command, timeout_sec, "
                + "env_json, status, created_at, triggered_by, trigger_user, labels, max_attempts, secret_version, secret_env) "
                + "VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, " + cols.json() + ", 'pending', ?, ?, ?, " + cols.json() + ", ?, 1, ?)"
                + (ifAbsent ? " ON CONFLICT (id) DO NOTHING" : "");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, p.id().value());
            ps.setString(2, job.repoId());
            ps.setString(3, job.commitSha());
            ps.setString(4, job.branch());
            cols.setBoolean(ps, 5, job.isPr());
            cols.setNullableInt(ps, 6, job.prNumber());
            ps.setString(7, job.command());
            ps.setInt(8, job.timeoutSec() == null ? NewJob.DEFAULT_TIMEOUT_SEC : job.timeoutSec());
            ps.setString(9, p.envJson());
            cols.setInstant(ps, 10, now);
            ps.setString(11, job.triggeredBy());
            ps.setString(12, job.triggerUser());
            ps.setString(13, p.labelsJson());
            ps.setInt(14, job.maxAttempts() == null ? NewJob.DEFAULT_MAX_ATTEMPTS : job.maxAttempts());
            ps.setString(15, p.secretEnvJson());
            return ps.executeUpdate() == 1;
        }
    }

    @Override
    public Optional<Job> findJob(JobId id) {
        return db.read("get job " + id, c -> jobs.load(c, id));
    }

    @Override
    public Job getJob(JobId id) {
        return findJob(id).orElseThrow(() -> new NotFoundException("job", id.value()));
    }

    @Override
    public Job updateJobStatus(JobId id, JobStatusUpdate update) {
        Strings.text("error message", update.errorMsg());
        Strings.text("worker", update.workerId());
        JobStatus to = update.status();
        return db.inTransaction("update status of job " + id, c -> {
            // Lock the row first (SQLite: the transaction already holds the write lock), so the check and the
            // update see the same status and two finishers cannot both win.
            JobStatus from;
            try (PreparedStatement ps = c.prepareStatement("SELECT status FROM jobs WHERE id = ?"
                    + (dialect == Dialect.POSTGRES ? " FOR UPDATE" : ""))) {
                ps.setString(1, id.value());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new NotFoundException("job", id.value());
                    }
                    from = JobStatus.parse(rs.getString(1));
                }
            }
            if (!from.canMoveTo(to)) {
                throw new InvalidTransitionException(id, from, to);
            }
            Instant now = now();
            String sql = to == JobStatus.RUNNING
                    ? "UPDATE jobs SET status = ?, started_at = ?, worker_id = COALESCE(?, worker_id) WHERE id = ? AND status = ?"
                    : "UPDATE jobs SET status = ?, finished_at = ?, exit_code = ?, error_msg = ?, lease_expires_at = NULL "
                    + "WHERE id = ? AND status = ?";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                ps.setString(i++, to.wireName());
                cols.setInstant(ps, i++, now);
                if (to == JobStatus.RUNNING) {
                    ps.setString(i++, update.workerId());
                } else {
                    cols.setNullableInt(ps, i++, update.exitCode());
                    ps.setString(i++, update.errorMsg());
                }
                ps.setString(i++, id.value());
                ps.setString(i, from.wireName());
                if (ps.executeUpdate() != 1) {
                    throw new MetadataException("job " + id + ": status changed concurrently; retry");
                }
            }
            return jobs.load(c, id).orElseThrow();
        });
    }

    @Override
    public Page<Job> listJobs(JobFilter filter, String cursor, int limit) {
        JobQuery q = JobQuery.build(filter, cursor, limit);
        return db.read("list jobs", c -> {
            try (PreparedStatement ps = prepare(c, q)) {
                List<Job> page = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        page.add(jobs.map(rs));
                    }
                }
                String next = null;
                if (page.size() > limit) {
                    page = page.subList(0, limit);
                    Job last = page.get(limit - 1);
                    next = new JobQuery.Cursor(last.createdAt(), last.id()).format();
                }
                return new Page<>(page, next);
            }
        });
    }

    /** Prepares a {@link JobQuery} with its parameters bound (also used by the query-plan tests). */
    PreparedStatement prepare(Connection c, JobQuery q) throws SQLException {
        PreparedStatement ps = c.prepareStatement(q.sql);
        try {
            int i = 1;
            for (JobQuery.Param p : q.params) {
                Object v = p.value();
                if (v instanceof String s) {
                    ps.setString(i, s);
                } else if (v instanceof Integer n) {
                    ps.setInt(i, n);
                } else if (v instanceof Boolean b) {
                    cols.setBoolean(ps, i, b);
                } else if (v instanceof Instant t) {
                    cols.setInstant(ps, i, t);
                } else {
                    throw new IllegalStateException("unexpected parameter type " + v.getClass());
                }
                i++;
            }
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }

    Columns columns() {
        return cols;
    }

    /** The database this store works on (the migrator and tests share it). */
    Database database() {
        return db;
    }

    @Override
    public EnsuredJob ensureJob(JobId id, String command) {
        Strings.text("command", command);
        // The common case for `append` (the job exists) is a read: no write lock.
        Optional<Job> known = findJob(id);
        if (known.isPresent()) {
            return new EnsuredJob(known.get(), false);
        }
        NewJob placeholder = new NewJob(id, LOCAL_REPO_ID, "unknown", "local", false, null, command == null ? "" : command,
                null, Map.of(), "cli", null);
        PreparedJob p = prepareJob(placeholder);
        return db.inTransaction("ensure job " + id, c -> {
            Optional<Job> existing = jobs.load(c, id);
            if (existing.isPresent()) {
                return new EnsuredJob(existing.get(), false);
            }
            Instant now = now();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO repos (id, forge_type, owner, name, clone_url, "
                    + "html_url, private, created_at, updated_at) VALUES (?, ?, ?, ?, '', '', ?, ?, ?) ON CONFLICT DO NOTHING")) {
                ps.setString(1, LOCAL_REPO_ID);
                ps.setString(2, LOCAL_FORGE);
                ps.setString(3, LOCAL_OWNER);
                ps.setString(4, LOCAL_REPO);
                cols.setBoolean(ps, 5, false);
                cols.setInstant(ps, 6, now);
                cols.setInstant(ps, 7, now);
                ps.executeUpdate();
            }
            boolean created = insertJob(c, p, now, true);
            return new EnsuredJob(jobs.load(c, id).orElseThrow(), created);
        });
    }

    // ------------------------------------------------------------------ job secrets

    @Override
    public AddedJobSecret addJobSecret(JobId job, byte[] value) {
        return jobSecrets.add(job, randomId("s_"), value, now());
    }

    @Override
    public List<byte[]> jobSecretsToMask(JobId job) {
        return jobSecrets.toMask(job);
    }

    // ------------------------------------------------------------------ workers

    @Override
    public CreatedWorker createWorker(NewWorker worker) {
        Strings.required("worker name", worker.name());
        String labels = Labels.toJson(Strings.textList("labels", worker.labels()));
        String id = randomId("w_");
        JdbcTokens.Prepared token = tokens.prepare(new NewToken("worker " + worker.name(), TokenType.WORKER, id, List.of(), null));
        Instant now = now();
        return db.inTransaction("create worker " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO workers (id, name, labels, status, created_at, "
                    + "updated_at) VALUES (?, ?, " + cols.json() + ", 'offline', ?, ?)")) {
                ps.setString(1, id);
                ps.setString(2, worker.name());
                ps.setString(3, labels);
                cols.setInstant(ps, 4, now);
                cols.setInstant(ps, 5, now);
                ps.executeUpdate();
            }
            tokens.insert(c, token, now);
            return new CreatedWorker(workers.load(c, id).orElseThrow(), token.id(), JdbcTokens.rawToken(token.id(), token.secret()));
        });
    }

    @Override
    public Optional<Worker> findWorker(String id) {
        Strings.text("worker", id);
        return db.read("get worker " + id, c -> workers.load(c, id));
    }

    @Override
    public Worker getWorker(String id) {
        return findWorker(id).orElseThrow(() -> new NotFoundException("worker", id));
    }

    @Override
    public Worker updateWorkerStatus(String id, WorkerStatus status) {
        Strings.text("worker", id);
        if (status == null) {
            throw new InvalidInputException("worker status", "is required");
        }
        return db.inTransaction("update status of worker " + id, c -> {
            Instant now = now();
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE workers SET status = ?, last_seen = ?, updated_at = ? WHERE id = ?")) {
                ps.setString(1, status.wireName());
                cols.setInstant(ps, 2, now);
                cols.setInstant(ps, 3, now);
                ps.setString(4, id);
                if (ps.executeUpdate() == 0) {
                    throw new NotFoundException("worker", id);
                }
            }
            return workers.load(c, id).orElseThrow();
        });
    }

    @Override
    public List<Worker> listWorkers() {
        return db.read("list workers", c -> queryWorkers(c, "SELECT " + WorkerRows.COLUMNS + " FROM workers ORDER BY name, id", null));
    }

    @Override
    public List<Worker> listWorkersWithLabel(String label) {
        Strings.required("label", label);
        // SQLite: json_each walks the array; Postgres: JSONB containment, served by the GIN index.
        String sql = dialect == Dialect.POSTGRES
                ? "SELECT " + WorkerRows.COLUMNS + " FROM workers WHERE labels @> CAST(? AS jsonb) ORDER BY name, id"
                : "SELECT " + WorkerRows.COLUMNS + " FROM workers WHERE EXISTS "
                + "(SELECT 1 FROM json_each(workers.labels) WHERE json_each.value = ?) ORDER BY name, id";
        String param = dialect == Dialect.POSTGRES ? Labels.toJson(List.of(label)) : label;
        return db.read("list workers with label", c -> queryWorkers(c, sql, param));
    }

    private List<Worker> queryWorkers(Connection c, String sql, String param) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (param != null) {
                ps.setString(1, param);
            }
            List<Worker> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(workers.map(rs));
                }
            }
            return out;
        }
    }

    // ------------------------------------------------------------------ job queue

    @Override
    public Optional<ClaimedJob> claimNextJob(String workerId, List<String> labels) {
        return queue.claimNext(workerId, labels);
    }

    @Override
    public Lease heartbeat(Lease lease) {
        return queue.heartbeat(lease);
    }

    @Override
    public Job completeJob(Lease lease, JobStatusUpdate update) {
        return queue.complete(lease, update);
    }

    @Override
    public Worker workerHeartbeat(String workerId) {
        return queue.workerHeartbeat(workerId, workers);
    }

    @Override
    public SweepReport sweep() {
        return queue.sweep();
    }

    // ------------------------------------------------------------------ repos

    private static final String REPO_COLUMNS = "id, forge_type, owner, name, clone_url, html_url, private, webhook_secret, "
            + "forge_token, created_at, updated_at, secret_version";

    @Override
    public Repo createRepo(NewRepo repo) {
        Strings.required("forge type", repo.forgeType());
        Strings.required("owner", repo.owner());
        Strings.required("name", repo.name());
        Strings.required("clone url", repo.cloneUrl());
        Strings.text("html url", repo.htmlUrl());
        checkSecret("webhook secret", repo.webhookSecret());
        checkSecret("forge token", repo.forgeToken());
        String id = randomId("r_");
        Instant now = now();
        return db.inTransaction("create repo " + repo.forgeType() + "/" + repo.owner() + "/" + repo.name(), c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO repos (" + REPO_COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)")) {
                ps.setString(1, id);
                ps.setString(2, repo.forgeType());
                ps.setString(3, repo.owner());
                ps.setString(4, repo.name());
                ps.setString(5, repo.cloneUrl());
                ps.setString(6, repo.htmlUrl() == null ? "" : repo.htmlUrl());
                cols.setBoolean(ps, 7, repo.isPrivate());
                cols.setSecret(ps, 8, repoBinding("webhook_secret", id, 1, repo), repo.webhookSecret());
                cols.setSecret(ps, 9, repoBinding("forge_token", id, 1, repo), repo.forgeToken());
                cols.setInstant(ps, 10, now);
                cols.setInstant(ps, 11, now);
                ps.executeUpdate();
            }
            return loadRepo(c, "id = ?", id).orElseThrow();
        });
    }

    private static SecretBinding repoBinding(String column, String id, long version, NewRepo repo) {
        return SecretColumns.repo(column, id, version, repo.forgeType(), repo.owner(), repo.name(), repo.cloneUrl());
    }

    private static void checkSecret(String field, Secret secret) {
        if (secret != null) {
            Strings.text(field, secret.reveal());
        }
    }

    private Optional<Repo> loadRepo(Connection c, String where, String... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + REPO_COLUMNS + " FROM repos WHERE " + where)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Repo(rs.getString("id"), rs.getString("forge_type"), rs.getString("owner"),
                        rs.getString("name"), rs.getString("clone_url"), rs.getString("html_url"), rs.getBoolean("private"),
                        cols.getSecret(rs, "webhook_secret", SecretColumns.repo("webhook_secret", rs)),
                        cols.getSecret(rs, "forge_token", SecretColumns.repo("forge_token", rs)),
                        cols.getInstant(rs, "created_at"), cols.getInstant(rs, "updated_at")));
            }
        }
    }

    @Override
    public Optional<Repo> findRepo(String id) {
        Strings.text("repo", id);
        return db.read("get repo " + id, c -> loadRepo(c, "id = ?", id));
    }

    @Override
    public Repo getRepo(String id) {
        return findRepo(id).orElseThrow(() -> new NotFoundException("repo", id));
    }

    @Override
    public Optional<Repo> getRepoByName(String forgeType, String owner, String name) {
        Strings.text("forge type", forgeType);
        Strings.text("owner", owner);
        Strings.text("name", name);
        return db.read("get repo by name", c -> loadRepo(c, "forge_type = ? AND owner = ? AND name = ?", forgeType, owner, name));
    }

    @Override
    public Repo updateRepoSecrets(String id, Secret webhookSecret, Secret forgeToken) {
        Strings.text("repo", id);
        checkSecret("webhook secret", webhookSecret);
        checkSecret("forge token", forgeToken);
        return db.inTransaction("update secrets of repo " + id, c -> {
            // The new values are bound to the row as it is now, at the next secret version.
            SecretBinding webhook;
            SecretBinding token;
            long version;
            try (PreparedStatement ps = c.prepareStatement("SELECT " + SecretColumns.REPO_SCOPE_COLUMNS + " FROM repos WHERE id = ?"
                    + (dialect == Dialect.POSTGRES ? " FOR UPDATE" : ""))) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new NotFoundException("repo", id);
                    }
                    version = rs.getLong("secret_version");
                    webhook = SecretColumns.repo("webhook_secret", rs).atVersion(version + 1);
                    token = SecretColumns.repo("forge_token", rs).atVersion(version + 1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE repos SET webhook_secret = ?, forge_token = ?, "
                    + "secret_version = ?, updated_at = ? WHERE id = ? AND secret_version = ?")) {
                cols.setSecret(ps, 1, webhook, webhookSecret);
                cols.setSecret(ps, 2, token, forgeToken);
                ps.setLong(3, version + 1);
                cols.setInstant(ps, 4, now());
                ps.setString(5, id);
                ps.setLong(6, version);
                if (ps.executeUpdate() != 1) {
                    throw new MetadataException("repo " + id + ": its secrets changed concurrently; retry");
                }
            }
            return loadRepo(c, "id = ?", id).orElseThrow();
        });
    }

    // ------------------------------------------------------------------ forge credentials

    private static final String CRED_COLUMNS = "id, forge_type, cred_type, app_id, private_key, access_token, refresh_token, "
            + "expires_at, owner, created_at, updated_at, secret_version";

    private static void checkCredential(NewForgeCredential cred) {
        Strings.required("forge type", cred.forgeType());
        if (cred.credType() == null) {
            throw new InvalidInputException("credential type", "is required");
        }
        Strings.text("app id", cred.appId());
        Strings.text("owner", cred.owner());
        checkSecret("private key", cred.privateKey());
        checkSecret("access token", cred.accessToken());
        checkSecret("refresh token", cred.refreshToken());
    }

    @Override
    public ForgeCredential createForgeCredential(NewForgeCredential cred) {
        checkCredential(cred);
        String id = randomId("fc_");
        Instant now = now();
        return db.inTransaction("create forge credential", c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO forge_credentials (" + CRED_COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)")) {
                ps.setString(1, id);
                bindCredential(ps, 2, id, 1, cred);
                cols.setInstant(ps, 10, now);
                cols.setInstant(ps, 11, now);
                ps.executeUpdate();
            }
            return loadCredentials(c, "id = ?", id).get(0);
        });
    }

    /** Binds forge_type .. owner (8 parameters) from {@code first}, secrets bound to {@code version}. */
    private void bindCredential(PreparedStatement ps, int first, String id, long version, NewForgeCredential cred)
            throws SQLException {
        ps.setString(first, cred.forgeType());
        ps.setString(first + 1, cred.credType().wireName());
        ps.setString(first + 2, cred.appId());
        cols.setSecret(ps, first + 3, SecretColumns.credential("private_key", id, version, cred), cred.privateKey());
        cols.setSecret(ps, first + 4, SecretColumns.credential("access_token", id, version, cred), cred.accessToken());
        cols.setSecret(ps, first + 5, SecretColumns.credential("refresh_token", id, version, cred), cred.refreshToken());
        cols.setInstant(ps, first + 6, cred.expiresAt());
        ps.setString(first + 7, cred.owner());
    }

    private List<ForgeCredential> loadCredentials(Connection c, String where, String... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + CRED_COLUMNS + " FROM forge_credentials WHERE " + where
                + " ORDER BY forge_type, owner, id")) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            List<ForgeCredential> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ForgeCredential(rs.getString("id"), rs.getString("forge_type"),
                            ForgeCredentialType.parse(rs.getString("cred_type")), rs.getString("app_id"),
                            cols.getSecret(rs, "private_key", SecretColumns.credential("private_key", rs)),
                            cols.getSecret(rs, "access_token", SecretColumns.credential("access_token", rs)),
                            cols.getSecret(rs, "refresh_token", SecretColumns.credential("refresh_token", rs)),
                            cols.getInstant(rs, "expires_at"), rs.getString("owner"),
                            cols.getInstant(rs, "created_at"), cols.getInstant(rs, "updated_at")));
                }
            }
            return out;
        }
    }

    @Override
    public Optional<ForgeCredential> findForgeCredential(String id) {
        Strings.text("forge credential", id);
        return db.read("get forge credential " + id, c -> loadCredentials(c, "id = ?", id).stream().findFirst());
    }

    @Override
    public List<ForgeCredential> listForgeCredentials(String forgeType, String owner) {
        Strings.required("forge type", forgeType);
        Strings.text("owner", owner);
        return db.read("list forge credentials", c -> owner == null
                ? loadCredentials(c, "forge_type = ?", forgeType)
                : loadCredentials(c, "forge_type = ? AND owner = ?", forgeType, owner));
    }

    @Override
    public ForgeCredential updateForgeCredential(String id, NewForgeCredential cred) {
        Strings.text("forge credential", id);
        checkCredential(cred);
        return db.inTransaction("update forge credential " + id, c -> {
            long version;
            try (PreparedStatement ps = c.prepareStatement("SELECT secret_version FROM forge_credentials WHERE id = ?"
                    + (dialect == Dialect.POSTGRES ? " FOR UPDATE" : ""))) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new NotFoundException("forge credential", id);
                    }
                    version = rs.getLong(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE forge_credentials SET forge_type = ?, cred_type = ?, "
                    + "app_id = ?, private_key = ?, access_token = ?, refresh_token = ?, expires_at = ?, owner = ?, "
                    + "updated_at = ?, secret_version = ? WHERE id = ? AND secret_version = ?")) {
                bindCredential(ps, 1, id, version + 1, cred);
                cols.setInstant(ps, 9, now());
                ps.setLong(10, version + 1);
                ps.setString(11, id);
                ps.setLong(12, version);
                if (ps.executeUpdate() != 1) {
                    throw new MetadataException("forge credential " + id + ": changed concurrently; retry");
                }
            }
            return loadCredentials(c, "id = ?", id).get(0);
        });
    }

    @Override
    public boolean deleteForgeCredential(String id) {
        Strings.text("forge credential", id);
        return db.inTransaction("delete forge credential " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM forge_credentials WHERE id = ?")) {
                ps.setString(1, id);
                return ps.executeUpdate() == 1;
            }
        });
    }

    // ------------------------------------------------------------------ tokens

    @Override
    public CreatedToken createToken(NewToken token) {
        return tokens.create(token);
    }

    @Override
    public TokenValidation validateToken(String raw) {
        return tokens.validate(raw);
    }

    @Override
    public boolean revokeToken(String id) {
        return tokens.revoke(id);
    }

    @Override
    public List<Token> listTokens() {
        return tokens.list();
    }

    /** Waits for the background writes of {@code last_used} handed off so far (tests). */
    void awaitTokenUseWrites() {
        tokens.awaitLastUsedWrites();
    }

    /** bcrypt verifications run so far: what refusing tokens cost (tests). */
    long bcryptVerifications() {
        return tokens.bcryptVerifications();
    }

    // ------------------------------------------------------------------ retention

    @Override
    public CleanupReport cleanup(RetentionPolicy policy, JobLogDeleter logs, boolean dryRun) {
        Instant cutoff = now().minus(policy.maxAge());
        Instant failureCutoff = now().minus(policy.failureMaxAge());
        // Rows are deleted only if still older than the later of the two cutoffs (the exact rule was applied when
        // they were selected; this guards against a clock or row that changed in between).
        Instant latest = cutoff.isAfter(failureCutoff) ? cutoff : failureCutoff;
        List<JobId> listed = new ArrayList<>();
        Map<JobId, String> failures = new LinkedHashMap<>();
        long deleted = 0;
        long matched = 0;
        int batches = 0;
        // First the batches an earlier run recorded and did not finish (it crashed, or a job's logs could not be
        // deleted): their jobs were chosen then, and some of their logs may be gone already, so they are finished
        // whatever this run's policy says.
        for (Map.Entry<String, List<JobId>> recorded : recordedBatches().entrySet()) {
            batches++;
            matched += recorded.getValue().size();
            listAll(listed, recorded.getValue());
            if (!dryRun) {
                deleted += finishBatch(recorded.getKey(), recorded.getValue(), logs, null, failures);
            }
        }
        Instant afterFinished = null;
        String afterId = null;
        while (true) {
            List<Expired> page = selectExpired(cutoff, failureCutoff, policy.keepLastPerBranch(), afterFinished, afterId,
                    policy.batchSize());
            if (page.isEmpty()) {
                break;
            }
            batches++;
            matched += page.size();
            Expired last = page.get(page.size() - 1);
            afterFinished = last.finishedAt();
            afterId = last.id().value();
            List<JobId> ids = page.stream().map(Expired::id).toList();
            listAll(listed, ids);
            if (!dryRun) {
                deleted += finishBatch(recordBatch(ids), ids, logs, latest, failures);
            }
            if (page.size() < policy.batchSize()) {
                break;
            }
        }
        return new CleanupReport(dryRun, cutoff, deleted, matched, listed, matched > listed.size(), batches, failures);
    }

    private static void listAll(List<JobId> listed, List<JobId> ids) {
        for (JobId id : ids) {
            if (listed.size() < CleanupReport.MAX_LISTED_IDS) {
                listed.add(id);
            }
        }
    }

    /** Records a batch of chosen jobs before anything of them is deleted; returns the batch's id. */
    private String recordBatch(List<JobId> ids) {
        String batch = java.util.UUID.randomUUID().toString();
        return db.inTransaction("record a retention batch of " + ids.size() + " jobs", c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO retention_batches (id, started_at) VALUES (?, ?)")) {
                ps.setString(1, batch);
                ps.setLong(2, now().toEpochMilli());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO retention_batch_jobs (batch_id, job_id) VALUES (?, ?)")) {
                for (JobId id : ids) {
                    ps.setString(1, batch);
                    ps.setString(2, id.value());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return batch;
        });
    }

    /** Recorded batches not yet finished, oldest first: batch id → its jobs still to delete. */
    private Map<String, List<JobId>> recordedBatches() {
        return db.read("read recorded retention batches", c -> {
            Map<String, List<JobId>> batches = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT b.id, j.job_id FROM retention_batches b "
                    + "JOIN retention_batch_jobs j ON j.batch_id = b.id ORDER BY b.started_at, b.id, j.job_id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    batches.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(JobId.of(rs.getString(2)));
                }
            }
            return batches;
        });
    }

    /**
     * Deletes the logs of a recorded batch's jobs, then, in one transaction, the rows of those whose logs are gone
     * and their place in the record (the batch's record goes with its last job). A job whose logs could not be
     * deleted keeps its row and its place, so the next run tries it first.
     *
     * @param cutoff a new batch's rows must still be finished before it; null for a batch resumed from its record
     */
    private long finishBatch(String batch, List<JobId> ids, JobLogDeleter logs, Instant cutoff, Map<JobId, String> failures) {
        List<JobId> logsGone = new ArrayList<>();
        for (JobId id : ids) {
            try {
                logs.deleteLogs(id);
                logsGone.add(id);
            } catch (RuntimeException e) {
                failures.put(id, e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
        if (logsGone.isEmpty()) {
            return 0;
        }
        String in = logsGone.stream().map(x -> "?").collect(Collectors.joining(", "));
        return db.inTransaction("delete " + logsGone.size() + " expired jobs", c -> {
            int rows;
            // Conditions repeated: a row is deleted only if it is still finished (and, when chosen now, still old).
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM jobs WHERE id IN (" + in + ") AND status IN "
                    + TERMINAL_IN + (cutoff == null ? "" : " AND finished_at < ?"))) {
                int i = 1;
                for (JobId id : logsGone) {
                    ps.setString(i++, id.value());
                }
                if (cutoff != null) {
                    cols.setInstant(ps, i, cutoff);
                }
                rows = ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM retention_batch_jobs WHERE batch_id = ? AND job_id IN (" + in + ")")) {
                int i = 1;
                ps.setString(i++, batch);
                for (JobId id : logsGone) {
                    ps.setString(i++, id.value());
                }
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM retention_batches WHERE id = ? AND NOT EXISTS "
                    + "(SELECT 1 FROM retention_batch_jobs j WHERE j.batch_id = ?)")) {
                ps.setString(1, batch);
                ps.setString(2, batch);
                ps.executeUpdate();
            }
            return (long) rows;
        });
    }

    private record Expired(JobId id, Instant finishedAt) {
    }

    /**
     * A page of expired jobs in {@code (finished_at, id)} order. Failed jobs have their own cutoff. With a per-branch
     * minimum, a job goes only when at least that many jobs of its repo and branch were created after it: a bounded
     * count over {@code idx_jobs_repo_branch_created}, at most {@code keepLast} index steps per candidate.
     */
    private List<Expired> selectExpired(Instant cutoff, Instant failureCutoff, int keepLast, Instant afterFinished,
                                        String afterId, int limit) {
        String sql = "SELECT id, finished_at FROM jobs j WHERE status IN " + TERMINAL_IN
                + " AND finished_at < (CASE WHEN status IN ('failure', 'error') THEN ? ELSE ? END)"
                + (keepLast == 0 ? "" : " AND (SELECT COUNT(*) FROM (SELECT 1 FROM jobs n WHERE n.repo_id = j.repo_id"
                        + " AND n.branch = j.branch AND (n.created_at > j.created_at OR (n.created_at = j.created_at"
                        + " AND n.id > j.id)) LIMIT ?) newer) >= ?")
                // A job in a recorded batch is finished from that record, not chosen twice.
                + " AND NOT EXISTS (SELECT 1 FROM retention_batch_jobs rb WHERE rb.job_id = j.id)"
                + (afterId == null ? "" : " AND (finished_at, id) > (?, ?)") + " ORDER BY finished_at, id LIMIT ?";
        return db.read("select expired jobs", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                cols.setInstant(ps, i++, failureCutoff);
                cols.setInstant(ps, i++, cutoff);
                if (keepLast > 0) {
                    ps.setInt(i++, keepLast);
                    ps.setInt(i++, keepLast);
                }
                if (afterId != null) {
                    cols.setInstant(ps, i++, afterFinished);
                    ps.setString(i++, afterId);
                }
                ps.setInt(i, limit);
                List<Expired> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Expired(JobId.of(rs.getString("id")), cols.getInstant(rs, "finished_at")));
                    }
                }
                return out;
            }
        });
    }

    // ------------------------------------------------------------------ key rotation

    @Override
    public KeyRotationReport rotateKeys() {
        return rotation.rotate();
    }

    /** Writes pending token uses, then closes the database pool this store owns. Idempotent. */
    @Override
    public void close() {
        try {
            tokens.close();
        } finally {
            db.close();
        }
    }
}

package dev.cinch.metadata;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogChunk;
import dev.cinch.logs.LogStream;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@link MetadataStore} over JDBC, for both dialects. Dialect differences live in the migrations and in
 * {@link Columns}; the statements here are shared, with bound parameters only.
 */
public final class JdbcMetadataStore implements MetadataStore {
    /** Raw token form: {@code cinch_} + id ({@code tok_} + 16 of [a-z0-9]) + {@code _} + 43 base64url chars (32 bytes). */
    static final Pattern RAW_TOKEN = Pattern.compile("cinch_(tok_[a-z0-9]{16})_([A-Za-z0-9_-]{43})");
    static final String LOCAL_FORGE = "local";
    static final String LOCAL_OWNER = "local";
    static final String LOCAL_REPO = "cli";
    private static final String TERMINAL_IN = "('success', 'failure', 'error', 'cancelled')";
    private static final String ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final int MAX_LOG_ROWS = 10_000;

    private final Database db;
    private final Dialect dialect;
    private final Columns cols;
    private final SecretCipher cipher;
    private final TokenHasher hasher;
    private final Clock clock;
    private final SecureRandom random;

    /**
     * @param db the database; the store owns it from now on and closes it in {@link #close()}
     * @param keys encryption keys for secret columns
     * @param bcryptCost cost of token hashes
     * @param clock time source (tests move it to exercise expiry and retention)
     */
    public JdbcMetadataStore(Database db, EncryptionKeys keys, int bcryptCost, Clock clock) {
        this.db = db;
        this.dialect = db.dialect();
        this.random = new SecureRandom();
        this.cipher = new SecretCipher(keys, random);
        this.cols = new Columns(dialect, cipher);
        this.hasher = new TokenHasher(bcryptCost, random);
        this.clock = clock;
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

    @Override
    public Job createJob(NewJob job) {
        JobId id = checkNewJob(job);
        return db.inTransaction("create job " + id, c -> {
            insertJob(c, id, job, now(), false);
            return loadJob(c, id).orElseThrow();
        });
    }

    @Override
    public Job createJobWithLogs(NewJob job, List<LogChunk> chunks) {
        JobId id = checkNewJob(job);
        // Every seq at most its position, plus the table's UNIQUE(job_id, chunk_seq), leaves exactly 0..n-1:
        // a gap fails here before anything is written, a duplicate fails in the database and rolls the job back.
        for (int i = 0; i < chunks.size(); i++) {
            if (chunks.get(i).seq() > i) {
                throw new InvalidInputException("chunks", "must have seq 0, 1, 2, ... without gaps; position " + i
                        + " has seq " + chunks.get(i).seq());
            }
        }
        return db.inTransaction("create job " + id + " with " + chunks.size() + " log chunks", c -> {
            insertJob(c, id, job, now(), false);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO job_logs (job_id, chunk_seq, stream, data, timestamp) VALUES (?, ?, ?, ?, ?)")) {
                for (LogChunk chunk : chunks) {
                    ps.setString(1, id.value());
                    ps.setLong(2, chunk.seq());
                    ps.setString(3, chunk.stream().wireName());
                    ps.setBytes(4, chunk.data());
                    cols.setMillis(ps, 5, chunk.timestampMillis());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return loadJob(c, id).orElseThrow();
        });
    }

    @Override
    public List<StoredLogChunk> getLogs(JobId job, long sinceSeq) {
        return db.read("read logs of job " + job, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, chunk_seq, stream, data, timestamp FROM job_logs "
                    + "WHERE job_id = ? AND chunk_seq >= ? ORDER BY chunk_seq LIMIT ?")) {
                ps.setString(1, job.value());
                ps.setLong(2, sinceSeq);
                ps.setInt(3, MAX_LOG_ROWS);
                List<StoredLogChunk> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new StoredLogChunk(rs.getLong("id"), new LogChunk(rs.getLong("chunk_seq"),
                                LogStream.parse(rs.getString("stream")), cols.getMillis(rs, "timestamp"), rs.getBytes("data"))));
                    }
                }
                return out;
            }
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
        if (job.timeoutSec() != null && (job.timeoutSec() < 1 || job.timeoutSec() > 7 * 24 * 3600)) {
            throw new InvalidInputException("timeout", "must be between 1 second and 7 days, got " + job.timeoutSec());
        }
        if (job.prNumber() != null && !job.isPr()) {
            throw new InvalidInputException("pr number", "is set on a job that is not a pull request");
        }
        return job.id() == null ? newJobId() : job.id();
    }

    /** Inserts a job; with {@code ifAbsent}, an existing id is left alone and false returned. */
    private boolean insertJob(Connection c, JobId id, NewJob job, Instant now, boolean ifAbsent) throws SQLException {
        String sql = "INSERT INTO jobs (id, repo_id, worker_id, commit_sha, branch, is_pr, pr_number, command, timeout_sec, "
                + "env_json, status, created_at, triggered_by, trigger_user) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, "
                + cols.json() + ", 'pending', ?, ?, ?)" + (ifAbsent ? " ON CONFLICT (id) DO NOTHING" : "");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id.value());
            ps.setString(2, job.repoId());
            ps.setString(3, job.commitSha());
            ps.setString(4, job.branch());
            cols.setBoolean(ps, 5, job.isPr());
            cols.setNullableInt(ps, 6, job.prNumber());
            ps.setString(7, job.command());
            ps.setInt(8, job.timeoutSec() == null ? NewJob.DEFAULT_TIMEOUT_SEC : job.timeoutSec());
            ps.setString(9, Labels.mapToJson(job.env()));
            cols.setInstant(ps, 10, now);
            ps.setString(11, job.triggeredBy());
            ps.setString(12, job.triggerUser());
            return ps.executeUpdate() == 1;
        }
    }

    private Optional<Job> loadJob(Connection c, JobId id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + JobQuery.COLUMNS + " FROM jobs WHERE id = ?")) {
            ps.setString(1, id.value());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(job(rs)) : Optional.empty();
            }
        }
    }

    private Job job(ResultSet rs) throws SQLException {
        return new Job(JobId.of(rs.getString("id")), rs.getString("repo_id"), rs.getString("worker_id"),
                rs.getString("commit_sha"), rs.getString("branch"), rs.getBoolean("is_pr"),
                Columns.getNullableInt(rs, "pr_number"), rs.getString("command"), rs.getInt("timeout_sec"),
                Labels.mapFromJson("jobs.env_json", rs.getString("env_json")), JobStatus.parse(rs.getString("status")),
                Columns.getNullableInt(rs, "exit_code"), rs.getString("error_msg"), cols.getInstant(rs, "created_at"),
                cols.getInstant(rs, "started_at"), cols.getInstant(rs, "finished_at"), rs.getString("triggered_by"),
                rs.getString("trigger_user"));
    }

    @Override
    public Optional<Job> findJob(JobId id) {
        return db.read("get job " + id, c -> loadJob(c, id));
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
                    : "UPDATE jobs SET status = ?, finished_at = ?, exit_code = ?, error_msg = ? WHERE id = ? AND status = ?";
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
            return loadJob(c, id).orElseThrow();
        });
    }

    @Override
    public Page<Job> listJobs(JobFilter filter, String cursor, int limit) {
        JobQuery q = JobQuery.build(filter, cursor, limit);
        return db.read("list jobs", c -> {
            try (PreparedStatement ps = prepare(c, q)) {
                List<Job> jobs = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        jobs.add(job(rs));
                    }
                }
                String next = null;
                if (jobs.size() > limit) {
                    jobs = jobs.subList(0, limit);
                    Job last = jobs.get(limit - 1);
                    next = new JobQuery.Cursor(last.createdAt(), last.id()).format();
                }
                return new Page<>(jobs, next);
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
        return db.inTransaction("ensure job " + id, c -> {
            Optional<Job> existing = loadJob(c, id);
            if (existing.isPresent()) {
                return new EnsuredJob(existing.get(), false);
            }
            Instant now = now();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO repos (id, forge_type, owner, name, clone_url, "
                    + "html_url, private, created_at, updated_at) VALUES (?, ?, ?, ?, '', '', ?, ?, ?) ON CONFLICT DO NOTHING")) {
                ps.setString(1, "r_local_cli");
                ps.setString(2, LOCAL_FORGE);
                ps.setString(3, LOCAL_OWNER);
                ps.setString(4, LOCAL_REPO);
                cols.setBoolean(ps, 5, false);
                cols.setInstant(ps, 6, now);
                cols.setInstant(ps, 7, now);
                ps.executeUpdate();
            }
            String repoId;
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM repos WHERE forge_type = ? AND owner = ? AND name = ?")) {
                ps.setString(1, LOCAL_FORGE);
                ps.setString(2, LOCAL_OWNER);
                ps.setString(3, LOCAL_REPO);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    repoId = rs.getString(1);
                }
            }
            NewJob job = new NewJob(id, repoId, "unknown", "local", false, null, command == null ? "" : command,
                    null, Map.of(), "cli", null);
            boolean created = insertJob(c, id, job, now, true);
            return new EnsuredJob(loadJob(c, id).orElseThrow(), created);
        });
    }

    // ------------------------------------------------------------------ workers

    @Override
    public CreatedWorker createWorker(NewWorker worker) {
        Strings.required("worker name", worker.name());
        List<String> labels = Strings.textList("labels", worker.labels());
        String id = randomId("w_");
        String tokenId = randomId("tok_");
        String secret = newSecret();
        String hash = hasher.hash(secret);
        Instant now = now();
        return db.inTransaction("create worker " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO workers (id, name, token_hash, labels, status, "
                    + "created_at, updated_at) VALUES (?, ?, ?, " + cols.json() + ", 'offline', ?, ?)")) {
                ps.setString(1, id);
                ps.setString(2, worker.name());
                ps.setString(3, hash);
                ps.setString(4, Labels.toJson(labels));
                cols.setInstant(ps, 5, now);
                cols.setInstant(ps, 6, now);
                ps.executeUpdate();
            }
            insertToken(c, tokenId, hash, new NewToken("worker " + worker.name(), TokenType.WORKER, id, List.of(), null), now);
            return new CreatedWorker(loadWorker(c, id).orElseThrow(), tokenId, rawToken(tokenId, secret));
        });
    }

    private static final String WORKER_COLUMNS = "id, name, labels, last_seen, status, created_at, updated_at";

    private Optional<Worker> loadWorker(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + WORKER_COLUMNS + " FROM workers WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(worker(rs)) : Optional.empty();
            }
        }
    }

    private Worker worker(ResultSet rs) throws SQLException {
        return new Worker(rs.getString("id"), rs.getString("name"), Labels.listFromJson("workers.labels", rs.getString("labels")),
                cols.getInstant(rs, "last_seen"), WorkerStatus.parse(rs.getString("status")),
                cols.getInstant(rs, "created_at"), cols.getInstant(rs, "updated_at"));
    }

    @Override
    public Optional<Worker> findWorker(String id) {
        Strings.text("worker", id);
        return db.read("get worker " + id, c -> loadWorker(c, id));
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
            return loadWorker(c, id).orElseThrow();
        });
    }

    @Override
    public List<Worker> listWorkers() {
        return db.read("list workers", c -> queryWorkers(c, "SELECT " + WORKER_COLUMNS + " FROM workers ORDER BY name, id", null));
    }

    @Override
    public List<Worker> listWorkersWithLabel(String label) {
        Strings.required("label", label);
        // SQLite: json_each walks the array; Postgres: JSONB containment, served by the GIN index.
        String sql = dialect == Dialect.POSTGRES
                ? "SELECT " + WORKER_COLUMNS + " FROM workers WHERE labels @> CAST(? AS jsonb) ORDER BY name, id"
                : "SELECT " + WORKER_COLUMNS + " FROM workers WHERE EXISTS "
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
                    out.add(worker(rs));
                }
            }
            return out;
        }
    }

    // ------------------------------------------------------------------ repos

    private static final String REPO_COLUMNS = "id, forge_type, owner, name, clone_url, html_url, private, webhook_secret, "
            + "forge_token, created_at, updated_at";

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
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, id);
                ps.setString(2, repo.forgeType());
                ps.setString(3, repo.owner());
                ps.setString(4, repo.name());
                ps.setString(5, repo.cloneUrl());
                ps.setString(6, repo.htmlUrl() == null ? "" : repo.htmlUrl());
                cols.setBoolean(ps, 7, repo.isPrivate());
                cols.setSecret(ps, 8, "repos.webhook_secret", id, repo.webhookSecret());
                cols.setSecret(ps, 9, "repos.forge_token", id, repo.forgeToken());
                cols.setInstant(ps, 10, now);
                cols.setInstant(ps, 11, now);
                ps.executeUpdate();
            }
            return loadRepo(c, "id = ?", id).orElseThrow();
        });
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
                String id = rs.getString("id");
                return Optional.of(new Repo(id, rs.getString("forge_type"), rs.getString("owner"), rs.getString("name"),
                        rs.getString("clone_url"), rs.getString("html_url"), rs.getBoolean("private"),
                        cols.getSecret(rs, "webhook_secret", "repos.webhook_secret", id),
                        cols.getSecret(rs, "forge_token", "repos.forge_token", id),
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
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE repos SET webhook_secret = ?, forge_token = ?, updated_at = ? WHERE id = ?")) {
                cols.setSecret(ps, 1, "repos.webhook_secret", id, webhookSecret);
                cols.setSecret(ps, 2, "repos.forge_token", id, forgeToken);
                cols.setInstant(ps, 3, now());
                ps.setString(4, id);
                if (ps.executeUpdate() == 0) {
                    throw new NotFoundException("repo", id);
                }
            }
            return loadRepo(c, "id = ?", id).orElseThrow();
        });
    }

    // ------------------------------------------------------------------ forge credentials

    private static final String CRED_COLUMNS = "id, forge_type, cred_type, app_id, private_key, access_token, refresh_token, "
            + "expires_at, owner, created_at, updated_at";

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
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, id);
                bindCredential(ps, 2, id, cred);
                cols.setInstant(ps, 10, now);
                cols.setInstant(ps, 11, now);
                ps.executeUpdate();
            }
            return loadCredentials(c, "id = ?", id).get(0);
        });
    }

    /** Binds forge_type .. owner (8 parameters) from {@code first}. */
    private void bindCredential(PreparedStatement ps, int first, String id, NewForgeCredential cred) throws SQLException {
        ps.setString(first, cred.forgeType());
        ps.setString(first + 1, cred.credType().wireName());
        ps.setString(first + 2, cred.appId());
        cols.setSecret(ps, first + 3, "forge_credentials.private_key", id, cred.privateKey());
        cols.setSecret(ps, first + 4, "forge_credentials.access_token", id, cred.accessToken());
        cols.setSecret(ps, first + 5, "forge_credentials.refresh_token", id, cred.refreshToken());
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
                    String id = rs.getString("id");
                    out.add(new ForgeCredential(id, rs.getString("forge_type"),
                            ForgeCredentialType.parse(rs.getString("cred_type")), rs.getString("app_id"),
                            cols.getSecret(rs, "private_key", "forge_credentials.private_key", id),
                            cols.getSecret(rs, "access_token", "forge_credentials.access_token", id),
                            cols.getSecret(rs, "refresh_token", "forge_credentials.refresh_token", id),
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
            try (PreparedStatement ps = c.prepareStatement("UPDATE forge_credentials SET forge_type = ?, cred_type = ?, "
                    + "app_id = ?, private_key = ?, access_token = ?, refresh_token = ?, expires_at = ?, owner = ?, "
                    + "updated_at = ? WHERE id = ?")) {
                bindCredential(ps, 1, id, cred);
                cols.setInstant(ps, 9, now());
                ps.setString(10, id);
                if (ps.executeUpdate() == 0) {
                    throw new NotFoundException("forge credential", id);
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

    private String newSecret() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String rawToken(String id, String secret) {
        return "cinch_" + id + "_" + secret;
    }

    @Override
    public CreatedToken createToken(NewToken token) {
        Strings.required("token name", token.name());
        if (token.type() == null) {
            throw new InvalidInputException("token type", "is required");
        }
        Strings.textList("scopes", token.scopes());
        Strings.text("worker", token.workerId());
        if ((token.type() == TokenType.WORKER) != (token.workerId() != null)) {
            throw new InvalidInputException("worker", token.type() == TokenType.WORKER
                    ? "is required for a worker token" : "may only be set on a worker token");
        }
        String id = randomId("tok_");
        String secret = newSecret();
        String hash = hasher.hash(secret);
        Instant now = now();
        return db.inTransaction("create token " + id, c -> {
            insertToken(c, id, hash, token, now);
            return new CreatedToken(loadToken(c, id).orElseThrow().token(), rawToken(id, secret));
        });
    }

    private void insertToken(Connection c, String id, String hash, NewToken token, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO tokens (id, name, token_hash, type, worker_id, scopes, "
                + "expires_at, created_at) VALUES (?, ?, ?, ?, ?, " + cols.json() + ", ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, token.name());
            ps.setString(3, hash);
            ps.setString(4, token.type().wireName());
            ps.setString(5, token.workerId());
            ps.setString(6, Labels.toJson(token.scopes()));
            cols.setInstant(ps, 7, token.expiresAt() == null ? null : token.expiresAt().truncatedTo(ChronoUnit.SECONDS));
            cols.setInstant(ps, 8, now);
            ps.executeUpdate();
        }
    }

    private record TokenRow(Token token, String hash) {
        @Override
        public String toString() {
            return "TokenRow[" + token + "]";
        }
    }

    private static final String TOKEN_COLUMNS = "id, name, token_hash, type, worker_id, scopes, last_used, expires_at, "
            + "created_at, revoked_at";

    private Optional<TokenRow> loadToken(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + TOKEN_COLUMNS + " FROM tokens WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new TokenRow(token(rs), rs.getString("token_hash"))) : Optional.empty();
            }
        }
    }

    private Token token(ResultSet rs) throws SQLException {
        return new Token(rs.getString("id"), rs.getString("name"), TokenType.parse(rs.getString("type")),
                rs.getString("worker_id"), Labels.listFromJson("tokens.scopes", rs.getString("scopes")),
                cols.getInstant(rs, "last_used"), cols.getInstant(rs, "expires_at"), cols.getInstant(rs, "created_at"),
                cols.getInstant(rs, "revoked_at"));
    }

    @Override
    public TokenValidation validateToken(String raw) {
        Matcher m = raw == null ? null : RAW_TOKEN.matcher(raw.strip());
        if (m == null || !m.matches()) {
            hasher.verifyDummy(raw == null ? "" : raw.substring(0, Math.min(raw.length(), 64)));
            return new TokenValidation(TokenValidation.Outcome.MALFORMED, null);
        }
        String id = m.group(1);
        String secret = m.group(2);
        Optional<TokenRow> row = db.read("validate token", c -> loadToken(c, id));
        if (row.isEmpty()) {
            hasher.verifyDummy(secret);
            return new TokenValidation(TokenValidation.Outcome.UNKNOWN_OR_WRONG_SECRET, null);
        }
        if (!hasher.verify(secret, row.get().hash())) {
            return new TokenValidation(TokenValidation.Outcome.UNKNOWN_OR_WRONG_SECRET, null);
        }
        Token t = row.get().token();
        Instant now = now();
        if (t.revokedAt() != null) {
            return new TokenValidation(TokenValidation.Outcome.REVOKED, null);
        }
        if (t.expiresAt() != null && !now.isBefore(t.expiresAt())) {
            return new TokenValidation(TokenValidation.Outcome.EXPIRED, null);
        }
        db.inTransaction("record use of token " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE tokens SET last_used = ? WHERE id = ?")) {
                cols.setInstant(ps, 1, now);
                ps.setString(2, id);
                return ps.executeUpdate();
            }
        });
        return new TokenValidation(TokenValidation.Outcome.VALID, new Token(t.id(), t.name(), t.type(), t.workerId(),
                t.scopes(), now, t.expiresAt(), t.createdAt(), t.revokedAt()));
    }

    @Override
    public boolean revokeToken(String id) {
        Strings.text("token", id);
        return db.inTransaction("revoke token " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
                cols.setInstant(ps, 1, now());
                ps.setString(2, id);
                if (ps.executeUpdate() == 1) {
                    return true;
                }
            }
            if (loadToken(c, id).isEmpty()) {
                throw new NotFoundException("token", id);
            }
            return false;
        });
    }

    @Override
    public List<Token> listTokens() {
        return db.read("list tokens", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + TOKEN_COLUMNS + " FROM tokens ORDER BY created_at DESC, id");
                 ResultSet rs = ps.executeQuery()) {
                List<Token> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(token(rs));
                }
                return out;
            }
        });
    }

    // ------------------------------------------------------------------ retention

    @Override
    public CleanupReport cleanup(RetentionPolicy policy, JobLogDeleter logs, boolean dryRun) {
        Instant cutoff = now().minus(policy.maxAge());
        List<JobId> listed = new ArrayList<>();
        Map<JobId, String> failures = new LinkedHashMap<>();
        long deleted = 0;
        long matched = 0;
        int batches = 0;
        Instant afterFinished = null;
        String afterId = null;
        while (true) {
            List<Expired> page = selectExpired(cutoff, afterFinished, afterId, policy.batchSize());
            if (page.isEmpty()) {
                break;
            }
            batches++;
            matched += page.size();
            Expired last = page.get(page.size() - 1);
            afterFinished = last.finishedAt();
            afterId = last.id().value();
            List<JobId> logsGone = new ArrayList<>();
            for (Expired row : page) {
                JobId id = row.id();
                if (listed.size() < CleanupReport.MAX_LISTED_IDS) {
                    listed.add(id);
                }
                if (dryRun) {
                    continue;
                }
                try {
                    logs.deleteLogs(id);
                    logsGone.add(id);
                } catch (RuntimeException e) {
                    // Keep the row: the next run retries this job's logs before deleting it.
                    failures.put(id, e.getClass().getSimpleName() + ": " + e.getMessage());
                }
            }
            if (!logsGone.isEmpty()) {
                deleted += deleteJobs(logsGone, cutoff);
            }
            if (page.size() < policy.batchSize()) {
                break;
            }
        }
        return new CleanupReport(dryRun, cutoff, deleted, matched, listed, matched > listed.size(), batches, failures);
    }

    private record Expired(JobId id, Instant finishedAt) {
    }

    private List<Expired> selectExpired(Instant cutoff, Instant afterFinished, String afterId, int limit) {
        String sql = "SELECT id, finished_at FROM jobs WHERE finished_at < ? AND status IN " + TERMINAL_IN
                + (afterId == null ? "" : " AND (finished_at, id) > (?, ?)") + " ORDER BY finished_at, id LIMIT ?";
        return db.read("select expired jobs", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                cols.setInstant(ps, i++, cutoff);
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

    private int deleteJobs(List<JobId> ids, Instant cutoff) {
        String in = ids.stream().map(x -> "?").collect(Collectors.joining(", "));
        return db.inTransaction("delete " + ids.size() + " expired jobs", c -> {
            // Conditions repeated: a row is deleted only if it is still finished and old.
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM jobs WHERE id IN (" + in + ") AND finished_at < ? "
                    + "AND status IN " + TERMINAL_IN)) {
                int i = 1;
                for (JobId id : ids) {
                    ps.setString(i++, id.value());
                }
                cols.setInstant(ps, i, cutoff);
                return ps.executeUpdate();
            }
        });
    }

    // ------------------------------------------------------------------ key rotation

    private record SecretTable(String table, List<String> columns) {
    }

    private static final List<SecretTable> SECRET_TABLES = List.of(
            new SecretTable("repos", List.of("webhook_secret", "forge_token")),
            new SecretTable("forge_credentials", List.of("private_key", "access_token", "refresh_token")));

    @Override
    public KeyRotationReport rotateKeys() {
        String current = cipher.keys().currentKeyId().orElseThrow(() -> new EncryptionException(
                "cannot rotate keys: no encryption key is configured (set CINCH_ENCRYPTION_KEY to the new key and "
                        + "CINCH_ENCRYPTION_OLD_KEYS to the previous ones)"));
        int reencrypted = 0;
        int alreadyCurrent = 0;
        for (SecretTable t : SECRET_TABLES) {
            String after = "";
            while (true) {
                String from = after;
                RotationBatch batch = db.inTransaction("rotate keys of " + t.table(), c -> rotateBatch(c, t, from, current));
                reencrypted += batch.reencrypted();
                alreadyCurrent += batch.alreadyCurrent();
                if (batch.rows() < ROTATION_BATCH) {
                    break;
                }
                after = batch.lastId();
            }
        }
        return new KeyRotationReport(current, reencrypted, alreadyCurrent);
    }

    private static final int ROTATION_BATCH = 200;

    private record RotationBatch(int rows, String lastId, int reencrypted, int alreadyCurrent) {
    }

    private record StoredSecret(String id, String column, byte[] envelope) {
    }

    /** Re-encrypts one page of rows (ids after {@code after}) under the current key, in the caller's transaction. */
    private RotationBatch rotateBatch(Connection c, SecretTable t, String after, String currentKeyId) throws SQLException {
        String select = "SELECT id, " + String.join(", ", t.columns()) + " FROM " + t.table()
                + " WHERE id > ? ORDER BY id LIMIT " + ROTATION_BATCH + (dialect == Dialect.POSTGRES ? " FOR UPDATE" : "");
        // Read the page first, then update: no statement runs while a cursor is open on the table.
        List<StoredSecret> values = new ArrayList<>();
        int rows = 0;
        String lastId = after;
        try (PreparedStatement ps = c.prepareStatement(select)) {
            ps.setString(1, after);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows++;
                    lastId = rs.getString("id");
                    for (String col : t.columns()) {
                        byte[] env = cols.getEnvelope(rs, col, t.table() + "." + col, lastId);
                        if (env != null) {
                            values.add(new StoredSecret(lastId, col, env));
                        }
                    }
                }
            }
        }
        int reencrypted = 0;
        int alreadyCurrent = 0;
        for (StoredSecret v : values) {
            if (SecretCipher.keyIdOf(v.envelope()).equals(currentKeyId)) {
                alreadyCurrent++;
                continue;
            }
            String qualified = t.table() + "." + v.column();
            Secret plain = cipher.decrypt(qualified, v.id(), v.envelope());
            try (PreparedStatement up = c.prepareStatement("UPDATE " + t.table() + " SET " + v.column() + " = ? WHERE id = ?")) {
                cols.setSecret(up, 1, qualified, v.id(), plain);
                up.setString(2, v.id());
                up.executeUpdate();
            }
            reencrypted++;
        }
        return new RotationBatch(rows, lastId, reencrypted, alreadyCurrent);
    }

    /** Closes the database pool this store owns. Idempotent. */
    @Override
    public void close() {
        db.close();
    }
}

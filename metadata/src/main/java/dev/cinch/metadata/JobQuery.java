package dev.cinch.metadata;

import dev.cinch.logs.JobId;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL of one {@link MetadataStore#listJobs} page: a WHERE of bound parameters only, then keyset pagination on
 * {@code (created_at, id)} descending. Package-private so tests can EXPLAIN exactly what the store runs.
 */
final class JobQuery {
    static final String COLUMNS = JobRows.COLUMNS;

    /** A parameter to bind: strings, integers, booleans, instants. */
    record Param(Object value) {
    }

    final String sql;
    final List<Param> params;

    private JobQuery(String sql, List<Param> params) {
        this.sql = sql;
        this.params = List.copyOf(params);
    }

    /** The same parameters with other SQL around them (tests prefix EXPLAIN). */
    JobQuery withSql(String otherSql) {
        return new JobQuery(otherSql, params);
    }

    /** Cursor format: {@code <created_at epoch seconds>:<job id>} of the last row of the previous page. */
    record Cursor(Instant createdAt, JobId id) {
        static Cursor parse(String text) {
            int colon = text.indexOf(':');
            try {
                if (colon <= 0) {
                    throw new IllegalArgumentException();
                }
                return new Cursor(Instant.ofEpochSecond(Long.parseLong(text.substring(0, colon))),
                        JobId.of(text.substring(colon + 1)));
            } catch (RuntimeException e) {
                throw new InvalidInputException("cursor", "is not a cursor returned by listJobs: '" + Strings.printable(text) + "'");
            }
        }

        String format() {
            return createdAt.getEpochSecond() + ":" + id.value();
        }
    }

    static JobQuery build(JobFilter f, String cursor, int limit) {
        if (limit < 1 || limit > 1000) {
            throw new InvalidInputException("limit", "must be between 1 and 1000, got " + limit);
        }
        List<String> where = new ArrayList<>();
        List<Param> params = new ArrayList<>();
        if (f.repoId() != null) {
            where.add("repo_id = ?");
            params.add(new Param(Strings.text("repo", f.repoId())));
        }
        if (f.branch() != null) {
            where.add("branch = ?");
            params.add(new Param(Strings.text("branch", f.branch())));
        }
        if (f.status() != null) {
            where.add("status = ?");
            params.add(new Param(f.status().wireName()));
        }
        if (f.commitSha() != null) {
            where.add("commit_sha = ?");
            params.add(new Param(Strings.text("commit", f.commitSha())));
        }
        if (f.isPr() != null) {
            where.add("is_pr = ?");
            params.add(new Param(f.isPr()));
        }
        if (f.prNumber() != null) {
            where.add("pr_number = ?");
            params.add(new Param(f.prNumber()));
        }
        if (f.createdAfter() != null) {
            where.add("created_at >= ?");
            params.add(new Param(f.createdAfter()));
        }
        if (f.createdBefore() != null) {
            where.add("created_at < ?");
            params.add(new Param(f.createdBefore()));
        }
        if (cursor != null) {
            Cursor c = Cursor.parse(cursor);
            // Row-value comparison: both SQLite and Postgres turn it into one index range.
            where.add("(created_at, id) < (?, ?)");
            params.add(new Param(c.createdAt()));
            params.add(new Param(c.id().value()));
        }
        String sql = "SELECT " + COLUMNS + " FROM jobs"
                + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                + " ORDER BY created_at DESC, id DESC LIMIT ?";
        params.add(new Param(limit + 1));
        return new JobQuery(sql, params);
    }
}

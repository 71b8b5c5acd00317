package dev.cinch.metadata;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which columns hold secrets, and what each is bound to ({@link SecretBinding}). The scoping columns are the values
 * that decide what a secret is used for:
 * <ul>
 *   <li>{@code repos.webhook_secret}, {@code repos.forge_token}: {@code forge_type}, {@code owner}, {@code name},
 *       {@code clone_url} (the token is sent to that forge for that repo, and used to clone from that URL);</li>
 *   <li>{@code forge_credentials.private_key}, {@code access_token}, {@code refresh_token}: {@code forge_type},
 *       {@code cred_type}, {@code app_id}, {@code owner} (whose installation or account they act for);</li>
 *   <li>{@code jobs.env_json} values: {@code repo_id}, and the variable's name;</li>
 *   <li>{@code job_secrets.value}: {@code job_id} (the job whose log it is masked in).</li>
 * </ul>
 * and all of them to the row's id and {@code secret_version}.
 */
final class SecretColumns {
    static final String REPOS = "repos";
    static final String CREDENTIALS = "forge_credentials";
    static final String JOBS = "jobs";
    static final String JOB_SECRETS = "job_secrets";
    static final List<String> REPO_SECRETS = List.of("webhook_secret", "forge_token");
    static final List<String> CREDENTIAL_SECRETS = List.of("private_key", "access_token", "refresh_token");
    static final List<String> JOB_SECRET_VALUES = List.of("value");
    /** Selected with every repo or credential row whose secrets are read. */
    static final String REPO_SCOPE_COLUMNS = "id, forge_type, owner, name, clone_url, secret_version";
    static final String CREDENTIAL_SCOPE_COLUMNS = "id, forge_type, cred_type, app_id, owner, secret_version";
    static final String JOB_SECRET_SCOPE_COLUMNS = "id, job_id, secret_version";

    private SecretColumns() {
    }

    static SecretBinding repo(String column, String id, long version, String forgeType, String owner, String name,
                              String cloneUrl) {
        Map<String, String> scope = new LinkedHashMap<>();
        scope.put("forge_type", forgeType);
        scope.put("owner", owner);
        scope.put("name", name);
        scope.put("clone_url", cloneUrl);
        return new SecretBinding(REPOS, column, id, version, scope);
    }

    static SecretBinding repo(String column, ResultSet rs) throws SQLException {
        return repo(column, rs.getString("id"), rs.getLong("secret_version"), rs.getString("forge_type"),
                rs.getString("owner"), rs.getString("name"), rs.getString("clone_url"));
    }

    static SecretBinding credential(String column, String id, long version, String forgeType, String credType,
                                    String appId, String owner) {
        Map<String, String> scope = new LinkedHashMap<>();
        scope.put("forge_type", forgeType);
        scope.put("cred_type", credType);
        scope.put("app_id", appId);
        scope.put("owner", owner);
        return new SecretBinding(CREDENTIALS, column, id, version, scope);
    }

    static SecretBinding credential(String column, String id, long version, NewForgeCredential c) {
        return credential(column, id, version, c.forgeType(), c.credType().wireName(), c.appId(), c.owner());
    }

    static SecretBinding credential(String column, ResultSet rs) throws SQLException {
        return credential(column, rs.getString("id"), rs.getLong("secret_version"), rs.getString("forge_type"),
                rs.getString("cred_type"), rs.getString("app_id"), rs.getString("owner"));
    }

    /** {@code job_secrets.value} of a row: bound to its job. */
    static SecretBinding jobSecret(String id, long version, String jobId) {
        return new SecretBinding(JOB_SECRETS, "value", id, version, Map.of("job_id", jobId));
    }

    /** The binding of secret {@code column} of a row of {@code table} read with that table's scope columns. */
    static SecretBinding of(String table, String column, ResultSet rs) throws SQLException {
        return switch (table) {
            case REPOS -> repo(column, rs);
            case CREDENTIALS -> credential(column, rs);
            case JOB_SECRETS -> jobSecret(rs.getString("id"), rs.getLong("secret_version"), rs.getString("job_id"));
            default -> throw new IllegalArgumentException("no secret columns in table " + table);
        };
    }

    /** One value of {@code jobs.env_json}: bound to the job, its repo and the variable's name. */
    static SecretBinding env(String key, String jobId, long version, String repoId) {
        return new SecretBinding(JOBS, "env_json[" + key + "]", jobId, version, Map.of("repo_id", repoId));
    }
}

package dev.cinch.sql;

import dev.cinch.logs.config.ConfigException;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A parsed Postgres connection URL, split so that the password never travels inside a JDBC URL (where drivers
 * and pools might print it).
 *
 * <p>Accepted forms: {@code postgres://user:pass@host:port/db?sslmode=require},
 * {@code postgresql://...} (the libpq / Heroku / Fly form) and {@code jdbc:postgresql://host:port/db?user=..&password=..}.
 * User and password may come from the authority or from the {@code user} / {@code password} query parameters;
 * other query parameters ({@code sslmode}, {@code ApplicationName}, ...) pass to the driver unchanged.
 *
 * @param host host name or address (IPv6 in brackets)
 * @param port port, 5432 when absent
 * @param database database name, {@code postgres} when absent
 * @param user user, or empty for the driver's default
 * @param password password, or empty; never shown by {@link #toString()}
 * @param parameters other driver parameters, in URL order
 */
public record PostgresUrl(String host, int port, String database, String user, String password,
                          Map<String, String> parameters) {
    public static final int DEFAULT_PORT = 5432;

    public PostgresUrl {
        parameters = Map.copyOf(parameters);
    }

    /** True when {@code url} looks like a Postgres URL in one of the accepted forms. */
    public static boolean looksLikePostgres(String url) {
        String u = url.trim().toLowerCase(Locale.ROOT);
        return u.startsWith("postgres://") || u.startsWith("postgresql://") || u.startsWith("jdbc:postgresql://");
    }

    /**
     * Parses {@code url}; errors name {@code key} and never repeat the URL (it may hold a password).
     *
     * @throws ConfigException when the URL is not an accepted Postgres URL
     */
    public static PostgresUrl parse(String key, String url) {
        if (url == null || url.isBlank()) {
            throw new ConfigException(key, "is empty");
        }
        String trimmed = url.trim();
        if (!looksLikePostgres(trimmed)) {
            throw new ConfigException(key, "must start with postgres://, postgresql:// or jdbc:postgresql:// (value hidden)");
        }
        String plain = trimmed.regionMatches(true, 0, "jdbc:", 0, 5) ? trimmed.substring(5) : trimmed;
        URI uri;
        try {
            uri = new URI(plain);
        } catch (URISyntaxException e) {
            // The exception text repeats the input; say only where it failed.
            throw new ConfigException(key, "is not a valid URL (syntax error at character " + e.getIndex() + ", value hidden)");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new ConfigException(key, "has no host (value hidden)");
        }
        int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String database = path.startsWith("/") ? decode(path.substring(1)) : decode(path);
        if (database.isEmpty()) {
            database = "postgres";
        }
        if (database.contains("/")) {
            throw new ConfigException(key, "has a path that is not a database name (value hidden)");
        }
        String user = "";
        String password = "";
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
        }
        Map<String, String> params = new LinkedHashMap<>();
        String query = uri.getRawQuery();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                switch (name) {
                    case "user" -> user = value;
                    case "password" -> password = value;
                    default -> params.put(name, value);
                }
            }
        }
        return new PostgresUrl(host, port, database, user, password, params);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** The JDBC URL without user or password: safe to log. */
    public String jdbcUrl() {
        String query = parameters.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        return "jdbc:postgresql://" + host + ":" + port + "/" + encode(database) + (query.isEmpty() ? "" : "?" + query);
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Where the server is, for messages: {@code host:port/database}. */
    public String location() {
        return host + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
        return "PostgresUrl[" + location() + ", user=" + user + ", password=" + (password.isEmpty() ? "(none)" : "****")
                + ", parameters=" + parameters + "]";
    }
}

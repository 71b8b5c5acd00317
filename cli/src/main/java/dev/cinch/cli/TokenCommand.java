package dev.cinch.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cinch.metadata.CreatedToken;
import dev.cinch.metadata.NewToken;
import dev.cinch.metadata.Token;
import dev.cinch.metadata.TokenType;
import dev.cinch.metadata.TokenValidation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code cinchlog token ...}: API tokens in the metadata database. */
@Command(name = "token", description = "Create, verify, revoke and list API tokens.",
        footer = {"", "The metadata database is migrated automatically on first use."},
        subcommands = {TokenCommand.Create.class, TokenCommand.Verify.class, TokenCommand.Revoke.class,
            TokenCommand.Ls.class, CommandLine.HelpCommand.class})
final class TokenCommand extends CommandGroup {
    /** Longer than any raw token; more on stdin is not a token and is not read further. */
    private static final int MAX_TOKEN_CHARS = 512;

    @ParentCommand
    Cinchlog cli;

    private void write(String text) throws IOException {
        cli.out.write(text.getBytes(StandardCharsets.UTF_8));
    }

    @Command(name = "create", description = {"Create a token and print it on stdout, once.",
            "It cannot be shown again (only a hash is stored). Its id and details go to stderr, or with --json",
            "into one JSON object with the token."})
    static final class Create implements Callable<Integer> {
        @ParentCommand
        TokenCommand parent;

        @Option(names = "--name", required = true, paramLabel = "NAME", converter = NonEmptyConverter.class,
                description = "What the token is for.")
        String name;

        @Option(names = "--type", required = true, paramLabel = "worker|admin|readonly", converter = TokenTypeConverter.class,
                description = "worker (bound to --worker), admin (full access) or readonly.")
        TokenType type;

        @Option(names = "--scope", paramLabel = "SCOPE", converter = NonEmptyConverter.class,
                description = "A scope; repeat for several.")
        List<String> scopes = new ArrayList<>();

        @Option(names = "--expires-in", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "Lifetime such as 30d or 12h (default: never expires).")
        Duration expiresIn;

        @Option(names = "--worker", paramLabel = "ID", converter = NonEmptyConverter.class,
                description = "The worker a worker token belongs to (required for --type worker).")
        String worker;

        @Option(names = "--json", description = "Print one JSON object with the token and its details instead.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            if (expiresIn != null && (expiresIn.isZero() || expiresIn.isNegative())) {
                throw new Cinchlog.UsageException("--expires-in must be longer than zero");
            }
            Cinchlog cli = parent.cli;
            Instant expiresAt = expiresIn == null ? null : cli.clock.instant().plus(expiresIn);
            CreatedToken created = cli.metadata().createToken(new NewToken(name, type, worker, scopes, expiresAt));
            Token t = created.token();
            if (json) {
                ObjectNode n = toJson(t, cli.clock.instant());
                n.put("token", created.rawToken());
                parent.write(new ObjectMapper().writeValueAsString(n) + "\n");
            } else {
                parent.write(created.rawToken() + "\n");
                cli.err.println("created token " + t.id() + " (" + describe(t) + "); it is shown only this once");
            }
            return 0;
        }
    }

    @Command(name = "verify", description = {"Check a token read from stdin.",
            "Exit 0 and print its id, name, type and scopes when valid; exit 1 with the reason when not:",
            "malformed, unknown token, wrong secret, expired or revoked (the token itself is never printed)."})
    static final class Verify implements Callable<Integer> {
        @ParentCommand
        TokenCommand parent;

        @Override
        public Integer call() throws IOException {
            Cinchlog cli = parent.cli;
            byte[] input = cli.in.readNBytes(MAX_TOKEN_CHARS + 1);
            String raw = new String(input, StandardCharsets.UTF_8).strip();
            if (raw.isEmpty()) {
                throw new Cinchlog.UsageException("token verify reads the token from stdin, and stdin was empty");
            }
            // Too long to be a token: checked like any malformed input, so the answer costs the same.
            TokenValidation v = cli.metadata().validateToken(input.length > MAX_TOKEN_CHARS ? "" : raw);
            if (!v.isValid()) {
                cli.err.println("cinchlog: token invalid: " + reason(v.outcome()));
                return Cinchlog.EXIT_FAILURE;
            }
            Token t = v.token();
            parent.write("valid\nid:      " + t.id() + "\nname:    " + t.name() + "\ntype:    " + t.type().wireName()
                    + "\nscopes:  " + (t.scopes().isEmpty() ? "(none)" : String.join(", ", t.scopes()))
                    + "\nexpires: " + (t.expiresAt() == null ? "never" : t.expiresAt()) + "\n");
            return 0;
        }

        private static String reason(TokenValidation.Outcome outcome) {
            return switch (outcome) {
                case MALFORMED -> "not a Cinch token (expected cinch_tok_<id>_<secret>)";
                case UNKNOWN -> "unknown token";
                case WRONG_SECRET -> "wrong secret";
                case EXPIRED -> "expired";
                case REVOKED -> "revoked";
                case VALID -> throw new IllegalArgumentException("valid is not a reason");
            };
        }
    }

    @Command(name = "revoke", description = "Revoke token ID: it stops working at once. Revoking twice is not an error.")
    static final class Revoke implements Callable<Integer> {
        @ParentCommand
        TokenCommand parent;

        @Parameters(index = "0", paramLabel = "ID", converter = TokenIdConverter.class,
                description = "The token's id (tok_...), as 'token ls' shows.")
        String id;

        @Override
        public Integer call() throws IOException {
            // An unknown id is a NotFoundException: exit 1, "token <id> does not exist".
            boolean revokedNow = parent.cli.metadata().revokeToken(id);
            parent.write(revokedNow ? "revoked " + id + "\n" : id + " was already revoked\n");
            return 0;
        }
    }

    @Command(name = "ls", description = "List tokens (ids and details; never the tokens or their hashes).")
    static final class Ls implements Callable<Integer> {
        @ParentCommand
        TokenCommand parent;

        @Option(names = "--json", description = "Print a JSON array.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            Instant now = parent.cli.clock.instant();
            List<Token> tokens = parent.cli.metadata().listTokens();
            if (json) {
                ObjectMapper mapper = new ObjectMapper();
                ArrayNode array = mapper.createArrayNode();
                tokens.forEach(t -> array.add(toJson(t, now)));
                parent.write(mapper.writeValueAsString(array) + "\n");
                return 0;
            }
            StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%-20s  %-8s  %-7s  %-20s  %-20s  %s%n",
                    "ID", "TYPE", "STATUS", "EXPIRES", "LAST USED", "NAME"));
            for (Token t : tokens) {
                text.append(String.format(Locale.ROOT, "%-20s  %-8s  %-7s  %-20s  %-20s  %s%n", t.id(), t.type().wireName(),
                        status(t, now), t.expiresAt() == null ? "never" : t.expiresAt(),
                        t.lastUsed() == null ? "never" : t.lastUsed(), t.name()));
            }
            parent.write(text.toString());
            return 0;
        }
    }

    static String status(Token t, Instant now) {
        if (t.revokedAt() != null) {
            return "revoked";
        }
        return t.isActive(now) ? "active" : "expired";
    }

    static String describe(Token t) {
        return "name '" + t.name() + "', type " + t.type().wireName()
                + (t.workerId() == null ? "" : ", worker " + t.workerId())
                + ", scopes " + (t.scopes().isEmpty() ? "(none)" : String.join(",", t.scopes()))
                + ", expires " + (t.expiresAt() == null ? "never" : t.expiresAt().toString());
    }

    /** Token metadata only: the record never holds the hash, and the raw token is added by {@code create} alone. */
    static ObjectNode toJson(Token t, Instant now) {
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("id", t.id());
        n.put("name", t.name());
        n.put("type", t.type().wireName());
        n.put("workerId", t.workerId());
        ArrayNode scopes = n.putArray("scopes");
        t.scopes().forEach(scopes::add);
        n.put("status", status(t, now));
        n.put("createdAt", text(t.createdAt()));
        n.put("expiresAt", text(t.expiresAt()));
        n.put("lastUsed", text(t.lastUsed()));
        n.put("revokedAt", text(t.revokedAt()));
        return n;
    }

    private static String text(Instant i) {
        return i == null ? null : i.toString();
    }
}

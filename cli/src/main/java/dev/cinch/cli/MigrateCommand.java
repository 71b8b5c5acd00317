package dev.cinch.cli;

import dev.cinch.metadata.Metadata;
import dev.cinch.sql.MigrationResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "migrate", description = {"Apply pending schema migrations to the metadata database and print its version.",
        "Safe to run again (nothing to do) and from several processes at once (they take turns).",
        "Other commands do this automatically on first use; this is the explicit step for deployments."})
final class MigrateCommand implements Callable<Integer> {
    @ParentCommand
    Cinchlog cli;

    @Override
    public Integer call() throws IOException {
        Metadata md = cli.metadataAsIs();
        MigrationResult result = md.migrate();
        String text = result.applied().isEmpty()
                ? "schema version " + result.currentVersion() + " (up to date, nothing applied)\n"
                : "schema version " + result.currentVersion() + " (applied " + versions(result.applied()) + ")\n";
        cli.out.write(text.getBytes(StandardCharsets.UTF_8));
        return 0;
    }

    /** {@code 1, 2, 3} as {@code 001, 002, 003}, the numbering of the migration files. */
    static String versions(List<Integer> versions) {
        return versions.isEmpty() ? "none" : versions.stream().map(v -> String.format("%03d", v)).collect(Collectors.joining(", "));
    }
}

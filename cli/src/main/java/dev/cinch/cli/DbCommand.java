package dev.cinch.cli;

import dev.cinch.sql.SchemaStatus;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code cinchlog db ...}: looking at the metadata database itself. */
@Command(name = "db", description = "Inspect the metadata database.",
        subcommands = {DbCommand.Status.class, CommandLine.HelpCommand.class})
final class DbCommand extends CommandGroup {
    @ParentCommand
    Cinchlog cli;

    @Command(name = "status", description = {"Show the metadata database's schema status; changes nothing.",
            "Dialect, location (never a password), schema version, the latest version this build knows, and",
            "pending migrations."})
    static final class Status implements Callable<Integer> {
        @ParentCommand
        DbCommand db;

        @Override
        public Integer call() throws IOException {
            SchemaStatus s = db.cli.metadataAsIs().status();
            StringBuilder text = new StringBuilder();
            text.append("dialect:  ").append(s.dialect().name().toLowerCase(Locale.ROOT)).append('\n');
            text.append("location: ").append(s.location()).append('\n');
            text.append("version:  ").append(s.currentVersion()).append('\n');
            text.append("latest:   ").append(s.latestVersion()).append('\n');
            text.append("pending:  ").append(MigrateCommand.versions(s.pending())).append('\n');
            if (s.databaseIsNewer()) {
                text.append("note:     the database was migrated by a newer Cinch; this build cannot use it\n");
            } else if (!s.pending().isEmpty()) {
                text.append("note:     run 'cinchlog migrate' (other commands migrate automatically on first use)\n");
            }
            db.cli.out.write(text.toString().getBytes(StandardCharsets.UTF_8));
            return 0;
        }
    }
}

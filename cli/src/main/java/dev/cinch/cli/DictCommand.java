package dev.cinch.cli;

import dev.cinch.logs.db.DictionaryTrainer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code cinchlog --store db dict ...}: the db store's zstd dictionaries for chunk bodies. */
@Command(name = "dict", description = "Chunk dictionaries of the db store (--store db).",
        subcommands = {DictCommand.Train.class, CommandLine.HelpCommand.class})
final class DictCommand extends CommandGroup {
    @ParentCommand
    Cinchlog cli;

    @Command(name = "train", description = {"Train a zstd dictionary for chunk bodies from this deployment's sealed logs",
            "(the newest, up to db.dictionary-min-logs or 100) and store it in the database under the next id.",
            "New chunks use it (running servers within 30 s); older chunks keep the dictionary they were written with."})
    static final class Train implements Callable<Integer> {
        @ParentCommand
        DictCommand dict;

        @Override
        public Integer call() throws IOException {
            Cinchlog cli = dict.cli;
            if (!Cinchlog.DB_STORE.equals(cli.config().logStore())) {
                throw new Cinchlog.UsageException("dictionaries belong to the db store; use --store db (the store is '"
                        + cli.config().logStore() + "')");
            }
            cli.store(); // creates the store's tables on a fresh database
            Optional<DictionaryTrainer.Trained> t = DictionaryTrainer.train(cli.metadata().database(), cli.config());
            String text = t.map(x -> "trained dictionary " + x.dictionary().id() + " (" + x.dictionary().bytes().length
                    + " bytes) from " + x.samples() + " chunks of " + x.logs() + " sealed logs\n")
                    .orElse("no dictionary trained: too few sealed logs yet (seal more logs, then try again)\n");
            cli.out.write(text.getBytes(StandardCharsets.UTF_8));
            return 0;
        }
    }
}

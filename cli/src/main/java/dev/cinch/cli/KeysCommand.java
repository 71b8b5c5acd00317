package dev.cinch.cli;

import dev.cinch.logs.config.ConfigException;
import dev.cinch.metadata.EncryptionKeys;
import dev.cinch.metadata.KeyRotationReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/** {@code cinchlog keys ...}: the encryption keys of secret columns. */
@Command(name = "keys", description = "Manage the encryption keys of stored secrets.",
        subcommands = {KeysCommand.Rotate.class, CommandLine.HelpCommand.class})
final class KeysCommand extends CommandGroup {
    @ParentCommand
    Cinchlog cli;

    @Command(name = "rotate", description = {"Re-encrypt every stored secret with the current key.",
            "The current key is CINCH_ENCRYPTION_KEY; older values are read with the keys in",
            "CINCH_ENCRYPTION_OLD_KEYS (comma separated). Afterwards the old keys can be dropped.",
            "Also rewrites secrets stored before they were bound to their rows (format v1), which",
            "are not readable otherwise, and encrypts job environment values stored without a key.",
            "Prints the current key's id (not the key) and counts.",
            "The metadata database is migrated automatically on first use."})
    static final class Rotate implements Callable<Integer> {
        @ParentCommand
        KeysCommand keys;

        @Override
        public Integer call() throws IOException {
            Cinchlog cli = keys.cli;
            // Checked before opening anything: a missing key is a configuration mistake (exit 2), like a bad key.
            if (cli.config().get(EncryptionKeys.KEY).map(String::isBlank).orElse(true)) {
                throw new ConfigException(EncryptionKeys.KEY, "is not set: keys rotate re-encrypts with the current key; "
                        + "set CINCH_ENCRYPTION_KEY to the new key and CINCH_ENCRYPTION_OLD_KEYS to the previous ones");
            }
            KeyRotationReport r = cli.metadata().rotateKeys();
            String text = "current key id:   " + r.keyId() + "\nre-encrypted:     " + r.valuesReencrypted()
                    + "\nalready current:  " + r.valuesAlreadyCurrent()
                    + "\nnewly encrypted:  " + r.plaintextValuesEncrypted() + " (job env values stored without a key)\n";
            cli.out.write(text.getBytes(StandardCharsets.UTF_8));
            return 0;
        }
    }
}

package dev.cinch.cli;

import dev.cinch.logs.JobId;
import dev.cinch.logs.config.ConfigException;
import dev.cinch.logs.policy.MaskingLogStore;
import dev.cinch.metadata.AddedJobSecret;
import dev.cinch.metadata.EncryptionKeys;
import dev.cinch.metadata.MetadataStore;
import dev.cinch.metadata.NotFoundException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;

/** {@code cinchlog secret ...}: values masked in a job's log, stored encrypted in the metadata database. */
@Command(name = "secret", description = "Register values to mask in a job's log.",
        subcommands = {SecretCommand.Add.class, CommandLine.HelpCommand.class})
final class SecretCommand extends CommandGroup {
    @ParentCommand
    Cinchlog cli;

    @Command(name = "add", description = {"Read one value from stdin and mask it in JOB's stored log.",
            "The value is all of stdin but one trailing newline (\\n or \\r\\n). It is",
            "stored encrypted (CINCH_ENCRYPTION_KEY must be set) and never printed.",
            "What run and append store for JOB from about 2 seconds later on is masked",
            "(raw, base64 and URL-encoded); output stored before is not rewritten.",
            "Values shorter than 6 bytes are stored but not masked. JOB must have a row",
            "in the metadata database, which is migrated automatically on first use."})
    static final class Add implements Callable<Integer> {
        @ParentCommand
        SecretCommand parent;

        @Parameters(index = "0", paramLabel = "JOB", converter = JobIdConverter.class, description = "Job id ([A-Za-z0-9_-]{1,128}).")
        JobId job;

        @Override
        public Integer call() throws IOException {
            Cinchlog cli = parent.cli;
            // Checked before reading anything: without a key the value could not be stored (exit 2, as keys rotate).
            if (cli.config().get(EncryptionKeys.KEY).map(String::isBlank).orElse(true)) {
                throw new ConfigException(EncryptionKeys.KEY, "is not set: job secrets are stored encrypted; set "
                        + "CINCH_ENCRYPTION_KEY to base64 of 32 random bytes");
            }
            MetadataStore md = cli.metadata().store();
            if (md.findJob(job).isEmpty()) {
                throw unknown();
            }
            byte[] value = readValue(cli);
            try {
                if (value.length == 0) {
                    throw new Cinchlog.UsageException("secret add reads the value from stdin, and it was empty");
                }
                if (value.length > MetadataStore.MAX_JOB_SECRET_BYTES) {
                    throw new Cinchlog.UsageException("secret add: the value on stdin is longer than "
                            + MetadataStore.MAX_JOB_SECRET_BYTES + " bytes");
                }
                if (value.length < MaskingLogStore.MIN_SECRET_BYTES) {
                    cli.err.println("cinchlog: secret add: shorter than " + MaskingLogStore.MIN_SECRET_BYTES
                            + " bytes, so it is not masked");
                }
                AddedJobSecret added;
                try {
                    added = md.addJobSecret(job, value);
                } catch (NotFoundException e) {
                    throw unknown(); // the job was deleted in between
                }
                cli.out.write(("added a secret to job " + job.value() + " (" + added.bytes() + " bytes)\n")
                        .getBytes(StandardCharsets.UTF_8));
                return 0;
            } finally {
                Arrays.fill(value, (byte) 0);
            }
        }

        private UnknownJobException unknown() {
            return new UnknownJobException(job, "no job row in the metadata database; a secret is added to a job that "
                    + "run, append or the server registered");
        }

        /**
         * All of stdin up to one byte past the limit, without one trailing newline. From a terminal it is read
         * without echo, so the value does not stay on the screen.
         */
        private static byte[] readValue(Cinchlog cli) throws IOException {
            Console console = System.console();
            byte[] raw;
            if (console != null && cli.in == System.in) {
                char[] typed = console.readPassword("secret: ");
                raw = typed == null ? new byte[0] : new String(typed).getBytes(StandardCharsets.UTF_8);
                if (typed != null) {
                    Arrays.fill(typed, '\0');
                }
                return raw;
            }
            raw = cli.in.readNBytes(MetadataStore.MAX_JOB_SECRET_BYTES + 3);
            int end = raw.length;
            if (end > 0 && raw[end - 1] == '\n') {
                end--;
                if (end > 0 && raw[end - 1] == '\r') {
                    end--;
                }
            }
            if (end == raw.length) {
                return raw;
            }
            byte[] value = Arrays.copyOf(raw, end);
            Arrays.fill(raw, (byte) 0);
            return value;
        }
    }
}

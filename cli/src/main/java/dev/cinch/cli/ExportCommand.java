package dev.cinch.cli;

import dev.cinch.logs.JobId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;

@Command(name = "export", description = {"Write JOB's sealed log in the archive form (seekable zstd) to FILE.",
        "'zstd -dc FILE' prints the log."})
final class ExportCommand implements Callable<Integer> {
    @ParentCommand
    Cinchlog cli;

    @Parameters(index = "0", paramLabel = "JOB", converter = JobIdConverter.class)
    JobId job;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "Output file, or - for stdout.")
    String output;

    @Override
    public Integer call() throws IOException {
        if (output.equals("-")) {
            cli.servedStore().exportArchive(job, cli.out);
            return 0;
        }
        // Checked before the store is opened: these are mistakes in the command line, not storage failures.
        if (output.isBlank()) {
            throw new Cinchlog.UsageException("-o/--output must name a file, or - for stdout");
        }
        Path target = Path.of(output).toAbsolutePath();
        if (Files.isDirectory(target)) {
            throw new Cinchlog.UsageException("-o/--output " + Cinchlog.quoted(output) + " is a directory; name the archive file to write");
        }
        Path tmp;
        try {
            tmp = Files.createTempFile(target.getParent(), ".cinchlog-export-", ".tmp");
        } catch (NoSuchFileException e) {
            throw new IOException("cannot write " + target + ": folder " + target.getParent() + " does not exist", e);
        } catch (AccessDeniedException e) {
            throw new IOException("cannot write " + target + ": permission denied in " + target.getParent(), e);
        }
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                cli.servedStore().exportArchive(job, out);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return 0;
    }
}

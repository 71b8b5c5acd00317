package dev.cinch.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The CLI in-process on a tiered store of two fs tiers (ssd, then hdd) with location records in the data dir. */
abstract class TwoFsTiersCli extends InProcessCli {

    /** Writes the config file; the hdd tier takes sealed logs {@code archiveAfter} after their seal. */
    Path config(String archiveAfter) throws Exception {
        Path file = dir.resolve("cinch.yml");
        Files.writeString(file, """
                log-store: tiered
                tiered:
                  tiers: ssd, hdd
                  ssd:
                    store: fs
                    fs:
                      root: %s
                  hdd:
                    store: fs
                    archive-after: %s
                    fs:
                      root: %s
                      archive-level: 15
                """.formatted(dir.resolve("ssd"), archiveAfter, dir.resolve("hdd")));
        return file;
    }

    Result cli(byte[] stdin, Path config, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--config";
        all[1] = config.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return run(stdin, Map.of(), all);
    }
}

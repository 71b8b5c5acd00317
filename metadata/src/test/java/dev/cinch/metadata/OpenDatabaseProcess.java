package dev.cinch.metadata;

import dev.cinch.logs.config.CinchConfig;

import java.util.List;
import java.util.Map;

/**
 * Child JVM for {@link PrivateFilesTest}: opens the SQLite database in the data dir given as argument, writes a row,
 * prints {@code READY} and keeps the database open (so its -wal and -shm files exist) until stdin closes.
 */
public final class OpenDatabaseProcess {
    private OpenDatabaseProcess() {
    }

    public static void main(String[] args) throws Exception {
        try (Metadata md = Metadata.open(CinchConfig.of(Map.of("data-dir", args[0], "tokens.bcrypt-cost", "4")))) {
            md.migrate();
            md.createToken(new NewToken("child", TokenType.ADMIN, null, List.of(), null));
            System.out.println("READY");
            System.out.flush();
            System.in.read();
        }
    }
}

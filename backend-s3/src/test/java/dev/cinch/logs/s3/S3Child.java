package dev.cinch.logs.s3;

import dev.cinch.logs.JobId;
import dev.cinch.logs.LogStore;
import dev.cinch.logs.LogStores;
import dev.cinch.logs.config.CinchConfig;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Child JVM of the seal tests: opens the s3 store with the settings given as {@code key=value} arguments, seals one
 * job, prints {@code SEALED} and exits. The parent kills it part way (crash test) or gives it a small heap (memory
 * test).
 */
public final class S3Child {
    public static void main(String[] args) {
        JobId job = JobId.of(args[0]);
        Map<String, String> settings = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            settings.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.US_ASCII);
        try (LogStore store = LogStores.fromClassPath().open(CinchConfig.of(settings))) {
            out.println("OPEN");
            store.seal(job);
            out.println("SEALED " + Runtime.getRuntime().maxMemory());
        }
    }

    /** The settings of {@link TestS3#config} as child arguments (the secret travels on the command line of a test). */
    static String[] args(JobId job, CinchConfig config) {
        java.util.List<String> a = new java.util.ArrayList<>();
        a.add(job.value());
        for (String k : config.keys()) {
            a.add(k + "=" + config.get(k).orElseThrow());
        }
        return a.toArray(String[]::new);
    }
}

package dev.cinch.metadata;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts a class of the test class path in a child JVM, as a separate process would run it (multi-process tests).
 * Public so that the CLI's tests share it through this module's test-jar.
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    public static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    /**
     * The command line for {@code mainClass} with {@code args}: a small heap and quick start-up flags, since tests
     * start many of these on a small machine.
     */
    public static List<String> command(Class<?> mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", classPath(), mainClass.getName()));
        cmd.addAll(args);
        return cmd;
    }

    /** Starts the child with extra environment; stderr goes to this process's stderr. */
    public static Process start(Class<?> mainClass, List<String> args, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command(mainClass, args)).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putAll(env);
        return pb.start();
    }
}

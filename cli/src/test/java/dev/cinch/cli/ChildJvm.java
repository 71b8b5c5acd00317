package dev.cinch.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts {@code cinchlog} in a child JVM of the tests' classpath: a real process that can be killed with -9. */
final class ChildJvm {
    private ChildJvm() {
    }

    /** The tests' classpath, as surefire passes it to the child JVMs it starts. */
    static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    /** A process builder for {@code java -cp <tests' classpath> <mainClass> args...}. */
    static ProcessBuilder java(String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath(), mainClass));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }
}

package dev.cinch.bench;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a {@link Profile} in one go and writes every result into one JMH JSON file, so stores and baselines are
 * measured in the same run on the same machine. Any benchmark error fails the run (exit code 1).
 *
 * <p>Usage: {@code BenchRunner <profile> <results.json> [stores]} (stores: comma-separated provider names,
 * default {@code fs}).
 */
public final class BenchRunner {
    private BenchRunner() {
    }

    public static void main(String[] args) throws IOException {
        Profile profile = Profile.named(args[0], args.length > 2 ? args[2] : "fs");
        Path json = Path.of(args[1]);
        List<RunResult> all = new ArrayList<>();
        try {
            for (Profile.Run run : profile.runs()) {
                if (run.params().values().stream().anyMatch(String::isEmpty)) {
                    continue; // a store list filtered to nothing (e.g. only fs benchmarked)
                }
                ChainedOptionsBuilder options = new OptionsBuilder()
                        .include("\\." + run.include() + "(\\.|$)")
                        .forks(profile.forks())
                        .warmupIterations(profile.warmups())
                        .warmupTime(profile.warmupTime())
                        .measurementIterations(profile.iterations())
                        .measurementTime(profile.iterationTime())
                        .timeout(TimeValue.minutes(5))
                        .jvmArgsAppend(jvmArgs(run))
                        .shouldFailOnError(true);
                run.warmup().ifPresent(w -> options.warmupIterations(w.iterations()).warmupTime(w.time()));
                for (Map.Entry<String, String> p : run.params().entrySet()) {
                    options.param(p.getKey(), p.getValue().split(","));
                }
                all.addAll(new Runner(options.build()).run());
            }
        } catch (RunnerException e) {
            System.err.println("benchmark run failed: " + e.getMessage());
            e.printStackTrace();
            System.exit(1);
        }
        Files.createDirectories(json.toAbsolutePath().getParent());
        try (PrintStream out = new PrintStream(Files.newOutputStream(json), true, "UTF-8")) {
            ResultFormatFactory.getInstance(ResultFormatType.JSON, out).writeOut(all);
        }
        System.out.println("wrote " + all.size() + " results to " + json);
    }

    private static String[] jvmArgs(Profile.Run run) {
        List<String> args = new ArrayList<>(run.jvmArgs());
        // An in-process S3Proxy (BenchTargets) keeps non-daemon Jetty threads: let a fork whose benchmark is done
        // exit after 1 s instead of JMH's 30 s wait for stray threads.
        args.add("-Djmh.shutdownTimeout=1");
        args.add("-Djmh.shutdownTimeout.step=1");
        return args.toArray(String[]::new);
    }
}

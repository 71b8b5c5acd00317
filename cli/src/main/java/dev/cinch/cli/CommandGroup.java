package dev.cinch.cli;

import picocli.CommandLine;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/** A command that only groups subcommands ({@code db}, {@code keys}, {@code token}): alone it is a usage error. */
abstract class CommandGroup implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        List<String> names = spec.subcommands().keySet().stream().filter(n -> !n.equals("help")).toList();
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: one of " + String.join(", ", names));
    }
}

package io.cardstream.core.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * What every {@code bin/cardstream} command shares: options listed in their declared order, help as wide as the
 * terminal, the exit codes under one heading, {@code -h/--help}, {@code --version}, and its own spec (for its output streams and usage
 * errors). Picocli applies this class's {@code @Command} attributes before the subclass's own.
 */
@Command(
        sortOptions = false,
        usageHelpAutoWidth = true,
        exitCodeListHeading = "%nExit codes:%n",
        versionProvider = Version.class)
public abstract class CliCommand implements Callable<Integer> {

    @Mixin
    protected HelpOption help;

    @CommandLine.Spec
    protected CommandLine.Model.CommandSpec spec;
}

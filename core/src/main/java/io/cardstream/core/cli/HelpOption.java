package io.cardstream.core.cli;

import picocli.CommandLine.Option;

/** {@code -h/--help} and {@code --version}, the same on every command: {@code @Mixin HelpOption help;}. */
public final class HelpOption {

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    boolean help;

    @Option(names = "--version", versionHelp = true, description = "Print the version and exit.")
    boolean version;
}

package io.cardstream.bench;

import io.cardstream.core.cli.CliCommand;
import io.cardstream.producer.MachineSpeed;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/cardstream codec-bench}: how many records a second one core decodes and validates (the job's
 * per-record cost before any I/O), and how many the producer's generator makes and encodes. One thread, records
 * prepared in memory first, warm-up rounds before the measured ones; prints each round and the median.
 */
@Command(
        name = "cardstream codec-bench",
        description = "Measures the codec's decode rate and the generator's make-and-encode rate on one core.")
public final class CodecBenchmark extends CliCommand {

    @Option(names = "--records", defaultValue = "1000000", description = "Records per round. Default: ${DEFAULT-VALUE}")
    int records;

    @Option(
            names = "--bad-ratio",
            defaultValue = "0.01",
            description = "Fraction of invalid records among them. Default: ${DEFAULT-VALUE}")
    double badRatio;

    @Option(names = "--warmup", defaultValue = "3", description = "Warm-up rounds. Default: ${DEFAULT-VALUE}")
    int warmup;

    @Option(names = "--rounds", defaultValue = "5", description = "Measured rounds. Default: ${DEFAULT-VALUE}")
    int rounds;

    public static void main(String[] args) {
        System.exit(new CommandLine(new CodecBenchmark()).execute(args));
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        MachineSpeed.Speed speed = MachineSpeed.measure(records, badRatio, warmup, rounds, out);
        out.printf(
                "Median: decode %,.0f records/s per core; generate+encode %,.0f records/s per core.%n",
                speed.decode(), speed.encode());
        return 0;
    }
}

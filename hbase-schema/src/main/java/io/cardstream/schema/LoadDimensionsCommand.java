package io.cardstream.schema;

import io.cardstream.core.cli.CliCommand;
import java.io.IOException;
import java.io.PrintWriter;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.io.compress.Compression;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bin/cardstream load-dimensions}: writes the person and company rows the producer's ids point at. */
@Command(
        name = "cardstream load-dimensions",
        description = "Writes deterministic person (name, city) and company (name, category) rows to HBase, ids"
                + " P000000000.. and C0000000.., as bin/cardstream produce draws them. The same seed writes the same"
                + " rows. The schema must exist (bin/cardstream schema create).",
        exitCodeList = {"0:loaded", "1:HBase unreachable or the schema missing", "2:invalid options"})
public final class LoadDimensionsCommand extends CliCommand {

    @Option(
            names = "--persons",
            paramLabel = "N",
            defaultValue = "1000000",
            description = "Persons to write. Default: ${DEFAULT-VALUE}")
    long persons;

    @Option(
            names = "--companies",
            paramLabel = "N",
            defaultValue = "100000",
            description = "Companies to write. Default: ${DEFAULT-VALUE}")
    long companies;

    @Option(
            names = "--seed",
            paramLabel = "N",
            defaultValue = "1",
            description = "Seed of the names. Default: ${DEFAULT-VALUE}")
    long seed;

    @Mixin
    HBaseOptions hbase;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadDimensionsCommand()).execute(args));
    }

    @Override
    public Integer call() {
        if (persons < 0 || companies < 0 || persons > 999_999_999L || companies > 9_999_999L) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "persons must be between 0 and 999999999" + " and companies between 0 and 9999999; got " + persons
                            + " and " + companies + ".");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Configuration conf = hbase.configuration();
        try (Connection connection = HBaseOptions.connect(conf);
                Admin admin = connection.getAdmin()) {
            var missing = new SchemaManager(admin, Compression.Algorithm.NONE)
                    .verify().stream().filter(d -> d.contains("missing")).toList();
            if (!missing.isEmpty()) {
                err.println("ERROR: the schema is not complete at " + HBaseOptions.describe(conf) + " ("
                        + String.join("; ", missing) + "); run bin/cardstream schema create first.");
                return 1;
            }
            DimensionLoader loader = new DimensionLoader(connection, seed);
            DimensionLoader.Loaded p = loader.loadPersons(persons, n -> progress(out, "persons", n, persons));
            report(out, p);
            DimensionLoader.Loaded c = loader.loadCompanies(companies, n -> progress(out, "companies", n, companies));
            report(out, c);
            return 0;
        } catch (IOException e) {
            err.println("ERROR: " + e.getMessage());
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static void progress(PrintWriter out, String what, long done, long total) {
        out.printf("  %s: %,d of %,d written%n", what, done, total);
        out.flush();
    }

    private static void report(PrintWriter out, DimensionLoader.Loaded loaded) {
        out.printf(
                "Loaded %,d rows into %s in %.1f s (%,.0f rows/s).%n",
                loaded.rows(), loaded.table(), loaded.seconds(), loaded.rowsPerSecond());
        out.flush();
    }
}

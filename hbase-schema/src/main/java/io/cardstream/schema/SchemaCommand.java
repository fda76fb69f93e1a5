package io.cardstream.schema;

import io.cardstream.core.cli.CliCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.io.compress.Compression;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bin/cardstream schema create|verify|describe|drop|shell-script}: the HBase schema as one command. */
@Command(
        name = "cardstream schema",
        description = {
            "Manages the cardstream HBase schema (namespace cardstream; tables person, company, tx_enriched,"
                    + " batch_metrics).",
            "  create        make what is missing; an existing table that differs is reported, never altered",
            "  verify        exit 1 with every difference between the live schema and the code",
            "  describe      print the expected tables, families, qualifiers and row keys, and what exists",
            "  drop --yes    delete the tables and the namespace (all data in them is lost)",
            "  shell-script  print the same schema as an HBase shell script",
            "  copy-rows --from TABLE  copy a transactions table's rows into cardstream:tx_enriched, each in the"
                    + " layout tx_enriched records, at its own version (moving a table to another row layout)"
        },
        exitCodeList = {
            "0:done; for verify, the schema matches",
            "1:HBase unreachable, or verify found differences," + " or create found a differing table",
            "2:invalid options"
        })
public final class SchemaCommand extends CliCommand {

    @Parameters(
            index = "0",
            paramLabel = "ACTION",
            description = "create, verify, describe, drop, shell-script or copy-rows")
    String action;

    @Option(names = "--yes", description = "Confirm drop.")
    boolean yes;

    @Option(
            names = "--from",
            paramLabel = "NAMESPACE:NAME",
            description = "copy-rows: the table to copy from, e.g. a clone of the old tx_enriched.")
    String from;

    @Option(
            names = "--compression",
            paramLabel = "CODEC",
            defaultValue = "NONE",
            description = "Compression of every family at create (and what verify expects): NONE, SNAPPY, LZ4,"
                    + " ZSTD, GZ; the cluster must have the codec. Default: ${DEFAULT-VALUE}")
    String compression;

    @Option(
            names = "--row-layout",
            paramLabel = "LAYOUT",
            defaultValue = "packed",
            description = "Row layout tx_enriched is created for (and what verify expects): packed (one JSON cell a"
                    + " row) or wide (one cell a field, the layout of tables made before the layout mark)."
                    + " The job's --row-layout must match. Default: ${DEFAULT-VALUE}")
    String rowLayout;

    @Mixin
    HBaseOptions hbase;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SchemaCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Compression.Algorithm algorithm;
        try {
            algorithm = Compression.Algorithm.valueOf(compression.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "compression must be one of NONE, SNAPPY," + " LZ4, ZSTD, GZ, LZO, BZIP2; got " + compression
                            + ".");
        }
        RowLayout layout;
        try {
            layout = RowLayout.of(rowLayout);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "Invalid value for --row-layout: " + e.getMessage());
        }
        if (action.equals("shell-script")) {
            out.print(SchemaManager.shellScript());
            out.flush();
            return 0;
        }
        if (!List.of("create", "verify", "describe", "drop", "copy-rows").contains(action)) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "ACTION must be create, verify, describe, drop, shell-script or copy-rows; got " + action + ".");
        }
        if (action.equals("copy-rows") && from == null) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "copy-rows needs --from NAMESPACE:NAME, the table to copy from.");
        }
        if (action.equals("drop") && !yes) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "drop deletes every cardstream table and its" + " data; add --yes to confirm.");
        }
        Configuration conf = hbase.configuration();
        try (Connection connection = HBaseOptions.connect(conf);
                Admin admin = connection.getAdmin()) {
            SchemaManager manager = new SchemaManager(admin, algorithm, layout);
            switch (action) {
                case "create" -> {
                    SchemaManager.CreateReport report = manager.create();
                    report.lines().forEach(out::println);
                    out.flush();
                    if (!report.differences().isEmpty()) {
                        err.println("ERROR: " + report.differences().size() + " difference(s) between the live"
                                + " schema and the code; see above. Nothing was altered.");
                        return 1;
                    }
                    return 0;
                }
                case "verify" -> {
                    List<String> diffs = manager.verify();
                    if (diffs.isEmpty()) {
                        out.println("The schema at " + HBaseOptions.describe(conf) + " matches the code.");
                        return 0;
                    }
                    err.println("ERROR: the schema at " + HBaseOptions.describe(conf) + " differs from the code:");
                    diffs.forEach(d -> err.println("  " + d));
                    return 1;
                }
                case "describe" -> {
                    manager.describe().forEach(out::println);
                    return 0;
                }
                case "copy-rows" -> {
                    TxRowCopy.Report report =
                            TxRowCopy.copy(connection, TableName.valueOf(from), Schema.TX_ENRICHED.tableName());
                    out.println("Copied " + String.format("%,d", report.rows()) + " rows from " + from + " ("
                            + report.from() + " layout) into " + Schema.TX_ENRICHED.tableName() + " ("
                            + report.to() + " layout), each at its own version.");
                    return 0;
                }
                default -> {
                    List<String> dropped = manager.drop();
                    out.println(dropped.isEmpty() ? "Nothing to drop." : "Dropped " + String.join(", ", dropped) + ".");
                    return 0;
                }
            }
        } catch (IOException e) {
            err.println("ERROR: " + e.getMessage());
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }
}

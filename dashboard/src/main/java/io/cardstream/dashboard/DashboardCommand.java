package io.cardstream.dashboard;

import io.cardstream.core.cli.CliCommand;
import io.cardstream.schema.HBaseOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.HConstants;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Connection;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bin/cardstream dashboard}: serves the live dashboard against any HBase that holds the job's tables, the
 * demo's local stack or a production cluster (via {@code --zookeeper-quorum} or {@code hbase-site.xml}). Runs until
 * Ctrl-C or SIGTERM.
 */
@Command(
        name = "cardstream dashboard",
        description = "Serves the live dashboard and its JSON API (/api/metrics?last=N, /api/recent,"
                + " /api/top-merchants?seconds=N, /api/health), reading HBase only.",
        exitCodeList = {
            "0:stopped by Ctrl-C or SIGTERM",
            "1:HBase unreachable or the port is taken",
            "2:invalid options"
        })
public final class DashboardCommand extends CliCommand {

    @Option(
            names = "--port",
            defaultValue = "8080",
            description = "HTTP port; 0 for any free one. Default: ${DEFAULT-VALUE}")
    int port;

    @Option(
            names = "--bind",
            defaultValue = "127.0.0.1",
            description = "Address to listen on; 0.0.0.0 for every interface. Default: ${DEFAULT-VALUE}")
    String bind;

    @Option(
            names = "--allow-host",
            paramLabel = "NAME",
            description = "A host name the dashboard is reached by, besides localhost, 127.0.0.1 and its bind address"
                    + " (a request naming another in its Host header is refused); repeatable.")
    List<String> allowHosts = new ArrayList<>();

    @Option(
            names = "--token-file",
            paramLabel = "FILE",
            description = "A file holding the access token every request but /api/health must carry (Authorization:"
                    + " Bearer TOKEN, or as the basic-auth password); else the environment variable "
                    + Access.TOKEN_ENV + ". Required when --bind is not a loopback address.")
    Path tokenFile;

    @Option(
            names = "--metrics-table",
            defaultValue = "cardstream:batch_metrics",
            description = "Default: ${DEFAULT-VALUE}")
    String metricsTable;

    @Option(names = "--tx-table", defaultValue = "cardstream:tx_enriched", description = "Default: ${DEFAULT-VALUE}")
    String txTable;

    @Mixin
    HBaseOptions hbase;

    public static void main(String[] args) {
        System.exit(new CommandLine(new DashboardCommand()).execute(args));
    }

    /** The token in {@code file}, else in {@link Access#TOKEN_ENV}, else null. */
    public static String token(Path file) {
        if (file == null) {
            return System.getenv(Access.TOKEN_ENV);
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "Invalid setting --token-file: " + file + " cannot be read (" + e + ").");
        }
    }

    /** Client settings for a dashboard: a read that cannot finish in a few seconds answers 503 instead of hanging. */
    public static Configuration readerConfiguration(Configuration conf) {
        conf.setInt(HConstants.HBASE_CLIENT_RETRIES_NUMBER, 3);
        conf.setInt(HConstants.HBASE_CLIENT_OPERATION_TIMEOUT, 5_000);
        conf.setInt(HConstants.HBASE_RPC_TIMEOUT_KEY, 3_000);
        return conf;
    }

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65_535) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "Invalid setting port: it must be between 0 and 65535; got '" + port + "'.");
        }
        TableName metrics = tableName("metrics-table", metricsTable);
        TableName tx = tableName("tx-table", txTable);
        Access access;
        try {
            access = Access.of(bind, allowHosts, token(tokenFile));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Configuration conf = readerConfiguration(hbase.configuration());
        CountDownLatch stopped = new CountDownLatch(1);
        try (Connection connection = HBaseOptions.connect(conf);
                DashboardServer server =
                        DashboardServer.start(new MetricsReader(connection, metrics, tx), bind, port, access)) {
            spec.commandLine()
                    .getOut()
                    .println("Dashboard: " + server.url() + " (reading HBase at " + HBaseOptions.describe(conf)
                            + "). Ctrl-C stops it.");
            spec.commandLine().getOut().flush();
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "dashboard-stop"));
            stopped.await();
        } catch (java.io.IOException e) {
            spec.commandLine().getErr().println("cardstream dashboard: " + e.getMessage());
            return 1;
        }
        return 0;
    }

    private TableName tableName(String key, String value) {
        if (value == null || !value.matches("[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)?")) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "Invalid setting " + key + ": it must be a table name, namespace:name; got '" + value + "'.");
        }
        return TableName.valueOf(value);
    }
}

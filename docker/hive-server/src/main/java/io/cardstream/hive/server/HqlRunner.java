package io.cardstream.hive.server;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * Runs HiveQL through JDBC, as Beeline and Hue do: {@code sql --url jdbc:hive2://HOST:10000 (-e STATEMENT | FILE...)}.
 * Files are read as Beeline reads them (comment lines dropped, statements split on a ';' ending a line) and run in
 * order. Each statement's answer goes to standard output between {@code -- statement N: ...} and
 * {@code -- N rows} lines, a row per line, values separated by tabs, in UTF-8. The first statement Hive refuses ends
 * the run with exit code 1 and Hive's message on standard error.
 */
public final class HqlRunner {

    private HqlRunner() {}

    public static void main(String[] args) throws Exception {
        String url = null;
        List<String> statements = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--url" -> url = args[++i];
                case "-e" -> statements.add(args[++i]);
                default -> statements.addAll(statements(Path.of(args[i])));
            }
        }
        if (url == null || statements.isEmpty()) {
            System.err.println("Usage: sql --url jdbc:hive2://HOST:PORT[/DB] (-e STATEMENT | FILE.hql)...");
            System.exit(2);
        }
        // UTF-8 whatever the container's locale: names are not ASCII
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        try {
            run(url, statements, out);
        } catch (SQLException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }

    static void run(String url, List<String> statements, PrintStream out) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, System.getProperty("user.name"), "");
                Statement statement = connection.createStatement()) {
            for (int i = 0; i < statements.size(); i++) {
                String sql = statements.get(i);
                out.println("-- statement " + (i + 1) + ": "
                        + sql.lines().findFirst().orElse(""));
                int rows = 0;
                try {
                    if (statement.execute(sql)) {
                        try (ResultSet results = statement.getResultSet()) {
                            ResultSetMetaData meta = results.getMetaData();
                            while (results.next()) {
                                StringJoiner row = new StringJoiner("\t");
                                for (int c = 1; c <= meta.getColumnCount(); c++) {
                                    row.add(String.valueOf(results.getObject(c)));
                                }
                                out.println(row);
                                rows++;
                            }
                        }
                    }
                } catch (SQLException e) {
                    throw new SQLException(
                            "Statement " + (i + 1) + " failed: " + e.getMessage() + "\n" + sql, e.getSQLState(), e);
                }
                out.println("-- " + rows + " rows");
            }
        }
    }

    /** A file's statements: lines starting with {@code --} dropped, split on a ';' that ends a line. */
    public static List<String> statements(Path file) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.stripLeading().startsWith("--")) {
                text.append(line).append('\n');
            }
        }
        List<String> statements = new ArrayList<>();
        for (String statement : (text + "\n").split(";\\s*\n")) {
            String trimmed = statement.strip();
            if (!trimmed.isEmpty()) {
                statements.add(trimmed);
            }
        }
        return statements;
    }
}

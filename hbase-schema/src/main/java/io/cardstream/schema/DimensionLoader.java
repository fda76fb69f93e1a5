package io.cardstream.schema;

import io.cardstream.core.DimensionIds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;
import org.apache.hadoop.hbase.client.BufferedMutator;
import org.apache.hadoop.hbase.client.BufferedMutatorParams;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Put;

/**
 * Writes the person and company dimension rows the producer's ids point at, in bulk through one
 * {@link BufferedMutator} per table, flushed before it reports success. Loading again with the same seed writes
 * the same rows: it is idempotent.
 */
public final class DimensionLoader {

    /** DESIGN.md: 4-8 MB write buffers beat larger ones on this class of machine. */
    static final long WRITE_BUFFER_BYTES = 8L * 1024 * 1024;

    private final Connection connection;
    private final NameGenerator names;

    public DimensionLoader(Connection connection, long seed) {
        this.connection = connection;
        this.names = new NameGenerator(seed);
    }

    /** How many rows were written to a table and how long it took. */
    public record Loaded(String table, long rows, double seconds) {
        public double rowsPerSecond() {
            return seconds > 0 ? rows / seconds : 0;
        }
    }

    /** Writes persons 0 to {@code count}-1; {@code progress} hears the running count every 100,000 rows. */
    public Loaded loadPersons(long count, LongConsumer progress) throws IOException {
        return load(Schema.PERSON, "city", count, progress, n -> {
            NameGenerator.Person p = names.person(n);
            return new Row(DimensionIds.personId(n), p.name(), p.city());
        });
    }

    /** Writes companies 0 to {@code count}-1. */
    public Loaded loadCompanies(long count, LongConsumer progress) throws IOException {
        return load(Schema.COMPANY, "category", count, progress, n -> {
            NameGenerator.Company c = names.company(n);
            return new Row(DimensionIds.companyId(n), c.name(), c.category());
        });
    }

    /** A dimension row: its key, its name and its one other column's value. */
    private record Row(String key, String name, String attribute) {}

    private Loaded load(TableSpec table, String attribute, long count, LongConsumer progress, LongFunction<Row> rows)
            throws IOException {
        byte[] family = table.familyBytes();
        byte[] name = table.column("name").qualifierBytes();
        byte[] other = table.column(attribute).qualifierBytes();
        return load(table, count, progress, n -> {
            Row row = rows.apply(n);
            return new Put(bytes(row.key()))
                    .addColumn(family, name, bytes(row.name()))
                    .addColumn(family, other, bytes(row.attribute()));
        });
    }

    private interface RowMaker {
        Put row(long n);
    }

    private Loaded load(TableSpec table, long count, LongConsumer progress, RowMaker maker) throws IOException {
        long start = System.nanoTime();
        BufferedMutatorParams params = new BufferedMutatorParams(table.tableName()).writeBufferSize(WRITE_BUFFER_BYTES);
        try (BufferedMutator mutator = connection.getBufferedMutator(params)) {
            for (long n = 0; n < count; n++) {
                mutator.mutate(maker.row(n));
                if ((n + 1) % 100_000 == 0) {
                    progress.accept(n + 1);
                }
            }
            mutator.flush();
        }
        return new Loaded(table.tableName().getNameAsString(), count, (System.nanoTime() - start) / 1e9);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

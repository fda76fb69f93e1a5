package io.cardstream.job;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import io.cardstream.schema.Schema;
import io.cardstream.schema.TableSpec;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Get;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.Table;

/**
 * The names of a chunk's distinct persons and companies, found in the executor's {@link DimensionCache} (which
 * reads the misses with batched multi-gets, {@value DimensionCache#READ_BATCH} keys a call).
 */
final class DimensionLookup implements Dimensions {

    static final String PERSONS = "p:";
    static final String COMPANIES = "c:";

    private final Map<String, String> persons;
    private final Map<String, String> companies;

    private DimensionLookup(Map<String, String> persons, Map<String, String> companies) {
        this.persons = persons;
        this.companies = companies;
    }

    static DimensionLookup load(DimensionCache cache, Collection<String> personIds, Collection<String> companyIds)
            throws IOException {
        return new DimensionLookup(cache.names(PERSONS, personIds), cache.names(COMPANIES, companyIds));
    }

    @Override
    public String personName(String personId) {
        return persons.get(personId);
    }

    @Override
    public String companyName(String companyId) {
        return companies.get(companyId);
    }

    /** The readers of the job's person and company tables, by the cache's key prefix. */
    static Map<String, DimensionCache.Reader> readers(Connection connection, JobConfig config) {
        return Map.of(PERSONS, reader(connection, TableName.valueOf(config.personTable()), Schema.PERSON),
                COMPANIES, reader(connection, TableName.valueOf(config.companyTable()), Schema.COMPANY));
    }

    /** Reads the name column of {@code ids}' rows in {@code table} with one multi-get. */
    private static DimensionCache.Reader reader(Connection connection, TableName table, TableSpec spec) {
        byte[] family = spec.familyBytes();
        byte[] qualifier = spec.column("name").qualifierBytes();
        return ids -> {
            List<Get> gets = new ArrayList<>(ids.size());
            for (String id : ids) {
                gets.add(new Get(id.getBytes(StandardCharsets.UTF_8)).addColumn(family, qualifier));
            }
            List<String> names = new ArrayList<>(ids.size());
            try (Table t = connection.getTable(table)) {
                for (Result result : t.get(gets)) {
                    byte[] value = result.getValue(family, qualifier);
                    names.add(value == null ? null : new String(value, StandardCharsets.UTF_8));
                }
            }
            return names;
        };
    }
}

package io.cardstream.job;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import io.cardstream.schema.Schema;
import io.cardstream.schema.TableSpec;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Get;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.Table;

/**
 * Finds the names of a chunk's distinct persons and companies: from the executor's cache, and the misses with
 * batched multi-gets (1,000 keys a call). Absent rows are cached too (as empty), so unknown ids cost one lookup a
 * TTL, not one a record.
 */
final class DimensionLookup implements Dimensions {

    static final int GET_BATCH = 1_000;

    private final Map<String, String> persons;
    private final Map<String, String> companies;

    private DimensionLookup(Map<String, String> persons, Map<String, String> companies) {
        this.persons = persons;
        this.companies = companies;
    }

    static DimensionLookup load(Connection connection, Cache<String, Optional<String>> cache, JobConfig config,
                                Collection<String> personIds, Collection<String> companyIds) throws IOException {
        Map<String, String> persons = names(connection, cache, TableName.valueOf(config.personTable()),
                Schema.PERSON, "p:", personIds);
        Map<String, String> companies = names(connection, cache, TableName.valueOf(config.companyTable()),
                Schema.COMPANY, "c:", companyIds);
        return new DimensionLookup(persons, companies);
    }

    @Override
    public String personName(String personId) {
        return persons.get(personId);
    }

    @Override
    public String companyName(String companyId) {
        return companies.get(companyId);
    }

    private static Map<String, String> names(Connection connection, Cache<String, Optional<String>> cache,
                                             TableName table, TableSpec spec, String prefix, Collection<String> ids)
            throws IOException {
        Map<String, String> found = new HashMap<>(ids.size() * 2);
        List<String> misses = new ArrayList<>();
        for (String id : ids) {
            Optional<String> cached = cache.getIfPresent(prefix + id);
            if (cached == null) {
                misses.add(id);
            } else {
                cached.ifPresent(name -> found.put(id, name));
            }
        }
        if (misses.isEmpty()) {
            return found;
        }
        byte[] family = spec.familyBytes();
        byte[] qualifier = spec.column("name").qualifierBytes();
        try (Table t = connection.getTable(table)) {
            for (int from = 0; from < misses.size(); from += GET_BATCH) {
                List<String> batch = misses.subList(from, Math.min(misses.size(), from + GET_BATCH));
                List<Get> gets = new ArrayList<>(batch.size());
                for (String id : batch) {
                    gets.add(new Get(id.getBytes(StandardCharsets.UTF_8)).addColumn(family, qualifier));
                }
                Result[] results = t.get(gets);
                for (int i = 0; i < results.length; i++) {
                    byte[] value = results[i].getValue(family, qualifier);
                    String name = value == null ? null : new String(value, StandardCharsets.UTF_8);
                    cache.put(prefix + batch.get(i), Optional.ofNullable(name));
                    if (name != null) {
                        found.put(batch.get(i), name);
                    }
                }
            }
        }
        return found;
    }
}

package io.cardstream.job;

import io.cardstream.job.enrich.Dimensions;
import io.cardstream.schema.Schema;
import io.cardstream.schema.TableSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Get;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.Table;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks up the names of a chunk's distinct persons and companies in the executor's {@link DimensionCache} (which reads
 * the misses with batched multi-gets, {@value DimensionCache#READ_BATCH} keys a call), and bounds what HBase holds to
 * a name the job stores.
 */
final class DimensionLookup {

    private static final Logger LOG = LoggerFactory.getLogger(DimensionLookup.class);
    static final String PERSONS = "p:";
    static final String COMPANIES = "c:";
    /** A name longer than this many characters is cut to them, followed by an ellipsis. */
    static final int MAX_NAME_CHARS = 256;

    private static final char ELLIPSIS = '\u2026';

    private DimensionLookup() {}

    /**
     * The names of {@code personIds} and {@code companyIds}, with how many of those found were cut to
     * {@link #MAX_NAME_CHARS} (counted once per chunk that used them).
     */
    static Dimensions load(DimensionCache cache, Collection<String> personIds, Collection<String> companyIds)
            throws IOException {
        Map<String, String> persons = cache.names(PERSONS, personIds);
        Map<String, String> companies = cache.names(COMPANIES, companyIds);
        long cut = persons.values().stream().filter(DimensionLookup::wasCut).count()
                + companies.values().stream().filter(DimensionLookup::wasCut).count();
        return Dimensions.of(persons::get, companies::get, cut);
    }

    private static boolean wasCut(String name) {
        return name != null && name.length() > MAX_NAME_CHARS;
    }

    /**
     * A name as the job stores it, whatever HBase holds: invalid UTF-8 and control characters become U+FFFD, and
     * a name longer than {@link #MAX_NAME_CHARS} characters is cut to them and an ellipsis (WARN, with the id), so no
     * dimension row can make a task's row, result or sample unbounded.
     */
    static String bounded(String table, String id, byte[] raw) {
        String name = new String(raw, StandardCharsets.UTF_8);
        boolean cut = name.length() > MAX_NAME_CHARS;
        StringBuilder out = null;
        int end = Math.min(name.length(), MAX_NAME_CHARS);
        if (cut && Character.isHighSurrogate(name.charAt(end - 1))) {
            end--;
        }
        for (int i = 0; i < end; i++) {
            char c = name.charAt(i);
            boolean bad = Character.getType(c) == Character.CONTROL || (Character.isSurrogate(c) && !pairedAt(name, i));
            if (bad && out == null) {
                out = new StringBuilder(end + 1).append(name, 0, i);
            }
            if (out != null) {
                out.append(bad ? '\uFFFD' : c);
            }
        }
        if (out == null && !cut) {
            return name;
        }
        if (out == null) {
            out = new StringBuilder(end + 1).append(name, 0, end);
        }
        if (cut) {
            LOG.warn(
                    "The name of {} in {} has {} characters; it is stored cut to its first {} and an ellipsis.",
                    id,
                    table,
                    name.length(),
                    MAX_NAME_CHARS);
            out.append(ELLIPSIS);
        } else {
            LOG.warn(
                    "The name of {} in {} has control characters or invalid UTF-8; they are stored as U+FFFD.",
                    id,
                    table);
        }
        return out.toString();
    }

    private static boolean pairedAt(String s, int i) {
        char c = s.charAt(i);
        return Character.isHighSurrogate(c)
                ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    /** The readers of the job's person and company tables, by the cache's key prefix. */
    static Map<String, DimensionCache.Reader> readers(Connection connection, JobConfig config) {
        return Map.of(
                PERSONS,
                reader(connection, TableName.valueOf(config.personTable()), Schema.PERSON),
                COMPANIES,
                reader(connection, TableName.valueOf(config.companyTable()), Schema.COMPANY));
    }

    /** Reads the name column of {@code ids}' rows in {@code table} with one multi-get. */
    private static DimensionCache.Reader reader(Connection connection, TableName table, TableSpec spec) {
        byte[] family = spec.familyBytes();
        byte[] qualifier = spec.column("name").qualifierBytes();
        String tableName = table.getNameAsString();
        return ids -> {
            List<Get> gets = new ArrayList<>(ids.size());
            for (String id : ids) {
                gets.add(new Get(id.getBytes(StandardCharsets.UTF_8)).addColumn(family, qualifier));
            }
            List<String> names = new ArrayList<>(ids.size());
            try (Table t = connection.getTable(table)) {
                for (Result result : t.get(gets)) {
                    byte[] value = result.getValue(family, qualifier);
                    names.add(value == null ? null : bounded(tableName, ids.get(names.size()), value));
                }
            }
            return names;
        };
    }
}

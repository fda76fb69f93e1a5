package io.cardstream.job;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor's cache of dimension names, shared by all its tasks: a lookup finds a chunk's names here and reads
 * the misses from HBase. A name is never used later than the TTL after it was read, so renames show up within it.
 * Rows in use do not expire in a task's way: a background thread reads again, in batches, every row that a lookup
 * used since it was read once {@value #RENEW_AT_PERCENT}% of its TTL has passed; rows nobody used expire. If a
 * renewal fails, its rows expire and the next task that needs them reads them, as without renewal.
 */
final class DimensionCache implements AutoCloseable {

    /**
     * Reads the names of ids (at most {@value #READ_BATCH}) from HBase in one call, in the ids' order; null for an id
     * HBase has no row for.
     */
    @FunctionalInterface
    interface Reader {
        List<String> read(List<String> ids) throws IOException;
    }

    /** A cached name (null: HBase has no such row), when it was read, and whether a lookup used it since. */
    private static final class Entry {
        private final String name;
        private final long readAtNanos;
        private volatile boolean used;

        Entry(String name, long readAtNanos) {
            this.name = name;
            this.readAtNanos = readAtNanos;
        }
    }

    static final int RENEW_AT_PERCENT = 80;
    /** Rows a read asks for (one multi-get); a renewal round stops between reads once the cache is closed. */
    static final int READ_BATCH = 1_000;

    private static final long CLOSE_WAIT_SECONDS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(DimensionCache.class);

    private final Cache<String, Entry> cache;
    private final Map<String, Reader> readers;
    private final Ticker ticker;
    private final long ttlNanos;
    private final long renewAfterNanos;
    private final ScheduledExecutorService renewals;
    private long lastWarning;
    private volatile boolean closed;

    /**
     * A cache of at most {@code maxRows} rows living {@code ttlSeconds}, whose keys start with one of
     * {@code readers}' prefixes (the reader of that prefix reads their rows), renewed on a thread of its own.
     */
    static DimensionCache start(long maxRows, long ttlSeconds, Map<String, Reader> readers) {
        ScheduledExecutorService renewals = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "cardstream-dimension-renewal");
            thread.setDaemon(true);
            return thread;
        });
        DimensionCache cache = new DimensionCache(maxRows, ttlSeconds, readers, Ticker.systemTicker(), renewals);
        // a tenth of the TTL between rounds: a row used is renewed at 80-90% of its TTL
        long period = Math.max(TimeUnit.SECONDS.toMillis(ttlSeconds) / 10, 100);
        renewals.scheduleWithFixedDelay(cache::renewRound, period, period, TimeUnit.MILLISECONDS);
        return cache;
    }

    /** A cache whose renewals run only when {@link #renewDue()} is called (tests). */
    DimensionCache(long maxRows, long ttlSeconds, Map<String, Reader> readers, Ticker ticker) {
        this(maxRows, ttlSeconds, readers, ticker, null);
    }

    private DimensionCache(
            long maxRows,
            long ttlSeconds,
            Map<String, Reader> readers,
            Ticker ticker,
            ScheduledExecutorService renewals) {
        this.readers = Map.copyOf(readers);
        this.ticker = ticker;
        this.ttlNanos = TimeUnit.SECONDS.toNanos(ttlSeconds);
        this.renewAfterNanos = ttlNanos / 100 * RENEW_AT_PERCENT;
        this.renewals = renewals;
        this.lastWarning = ticker.read() - TimeUnit.MINUTES.toNanos(1);
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxRows)
                .ticker(ticker)
                .expireAfter(new Expiry<String, Entry>() {
                    @Override
                    public long expireAfterCreate(String key, Entry entry, long now) {
                        return remaining(entry, now);
                    }

                    @Override
                    public long expireAfterUpdate(String key, Entry entry, long now, long current) {
                        return remaining(entry, now);
                    }

                    @Override
                    public long expireAfterRead(String key, Entry entry, long now, long current) {
                        return current;
                    }
                })
                .build();
    }

    /** A name lives the TTL from when it was read, not from when it was cached (a renewal may take a while). */
    private long remaining(Entry entry, long now) {
        return Math.max(0, ttlNanos - (now - entry.readAtNanos));
    }

    /**
     * The names of {@code ids} (those HBase has) under {@code prefix}: cached ones, and the others read at once
     * with the prefix's reader, {@value #READ_BATCH} a call, and cached, absent rows too, so that unknown ids cost
     * one read a TTL.
     */
    Map<String, String> names(String prefix, Collection<String> ids) throws IOException {
        Map<String, String> found = new HashMap<>(ids.size() * 2);
        List<String> misses = new ArrayList<>();
        for (String id : ids) {
            Entry cached = cache.getIfPresent(prefix + id);
            if (cached == null) {
                misses.add(id);
                continue;
            }
            if (!cached.used) {
                cached.used = true;
            }
            if (cached.name != null) {
                found.put(id, cached.name);
            }
        }
        for (int from = 0; from < misses.size(); from += READ_BATCH) {
            List<String> batch = misses.subList(from, Math.min(misses.size(), from + READ_BATCH));
            List<String> names = readAndCache(prefix, batch);
            for (int i = 0; i < batch.size(); i++) {
                if (names.get(i) != null) {
                    found.put(batch.get(i), names.get(i));
                }
            }
        }
        return found;
    }

    /** Reads the names of at most {@value #READ_BATCH} ids and caches them, absent rows too; returns the names. */
    private List<String> readAndCache(String prefix, List<String> ids) throws IOException {
        long readAt = ticker.read();
        List<String> names = reader(prefix).read(ids);
        for (int i = 0; i < ids.size(); i++) {
            cache.put(prefix + ids.get(i), new Entry(names.get(i), readAt));
        }
        return names;
    }

    private Reader reader(String prefix) {
        Reader reader = readers.get(prefix);
        if (reader == null) {
            throw new IllegalArgumentException("No reader for dimension keys starting with " + prefix + ".");
        }
        return reader;
    }

    /**
     * Reads again every row used since it was read whose age has passed {@value #RENEW_AT_PERCENT}% of the TTL, and
     * caches what it finds; returns how many rows it read. A failure leaves the rows to expire.
     */
    int renewDue() throws IOException {
        long now = ticker.read();
        Map<String, List<String>> due = new LinkedHashMap<>();
        cache.asMap().forEach((key, entry) -> {
            if (entry.used && now - entry.readAtNanos >= renewAfterNanos) {
                String prefix = key.substring(0, key.indexOf(':') + 1);
                due.computeIfAbsent(prefix, p -> new ArrayList<>()).add(key.substring(prefix.length()));
            }
        });
        int renewed = 0;
        for (Map.Entry<String, List<String>> rows : due.entrySet()) {
            String prefix = rows.getKey();
            List<String> all = rows.getValue();
            for (int from = 0; from < all.size(); from += READ_BATCH) {
                if (closed) {
                    return renewed;
                }
                List<String> ids = all.subList(from, Math.min(all.size(), from + READ_BATCH));
                readAndCache(prefix, ids);
                renewed += ids.size();
            }
        }
        return renewed;
    }

    private void renewRound() {
        try {
            int renewed = renewDue();
            if (renewed > 0) {
                LOG.debug("Renewed {} cached dimension rows.", renewed);
            }
        } catch (IOException | RuntimeException e) {
            long now = ticker.read();
            if (!closed && now - lastWarning >= TimeUnit.MINUTES.toNanos(1)) {
                lastWarning = now;
                LOG.warn(
                        "Renewing cached dimension rows in the background failed; they will be read again when a"
                                + " task needs them after their TTL ({}). This is said at most once a minute.",
                        e.toString());
            }
        }
    }

    /** Drops every cached row. */
    void invalidateAll() {
        cache.invalidateAll();
    }

    /**
     * Stops the renewals, and waits up to {@value #CLOSE_WAIT_SECONDS} s for a round under way to finish the read it
     * is in (of at most {@value #READ_BATCH} rows), so that the connection its reader uses may be closed next:
     * closed under a multi-get, the HBase client logs an error for each of its rows.
     */
    @Override
    public void close() {
        closed = true;
        if (renewals == null) {
            return;
        }
        renewals.shutdown();
        try {
            if (!renewals.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.info(
                        "A renewal of cached dimension rows was still reading after {} s; closing without it.",
                        CLOSE_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.cardstream.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The executor's dimension cache: a name lives its TTL from when it was read, and the rows in use are renewed. */
class DimensionCacheTest {

    private static final long TTL_SECONDS = 60;

    private final AtomicLong clock = new AtomicLong(TimeUnit.HOURS.toNanos(1));
    private final List<List<String>> reads = new ArrayList<>();
    private String namePrefix = "Old ";
    private boolean hbaseDown;
    private final DimensionCache cache =
            new DimensionCache(1_000, TTL_SECONDS, Map.of("p:", this::read, "c:", this::read), clock::get);

    private List<String> read(List<String> ids) throws IOException {
        if (hbaseDown) {
            throw new IOException("HBase is down");
        }
        reads.add(List.copyOf(ids));
        List<String> names = new ArrayList<>();
        for (String id : ids) {
            names.add(id.startsWith("unknown") ? null : namePrefix + id);
        }
        return names;
    }

    private void advanceSeconds(double seconds) {
        clock.addAndGet((long) (seconds * 1e9));
    }

    @Test
    void readsTheMissesOnceAndCachesAbsentRowsToo() throws IOException {
        Map<String, String> first = cache.names("p:", List.of("P1", "unknown7"));
        Map<String, String> second = cache.names("p:", List.of("P1", "unknown7"));

        assertThat(first).containsExactly(Map.entry("P1", "Old P1"));
        assertThat(second).isEqualTo(first);
        assertThat(reads).containsExactly(List.of("P1", "unknown7"));
    }

    @Test
    void aNameIsUsedAtMostItsTtlAfterItWasRead() throws IOException {
        cache.names("p:", List.of("P1"));
        advanceSeconds(59.9);
        namePrefix = "New ";
        assertThat(cache.names("p:", List.of("P1"))).containsEntry("P1", "Old P1");
        advanceSeconds(0.1);
        assertThat(cache.names("p:", List.of("P1"))).containsEntry("P1", "New P1");
    }

    @Test
    void rowsUsedSinceTheyWereReadAreRenewedOnceTheyReach80PercentOfTheirTtl() throws IOException {
        cache.names("p:", List.of("P1", "P2"));
        cache.names("c:", List.of("C1"));
        advanceSeconds(10);
        cache.names("p:", List.of("P1"));
        cache.names("c:", List.of("C1"));
        advanceSeconds(37.9);
        assertThat(cache.renewDue()).as("47.9 s old: not yet").isZero();

        advanceSeconds(0.1);
        namePrefix = "New ";
        assertThat(cache.renewDue()).isEqualTo(2);
        assertThat(reads.subList(2, reads.size())).containsExactlyInAnyOrder(List.of("P1"), List.of("C1"));

        advanceSeconds(50);
        assertThat(cache.names("p:", List.of("P1")))
                .as("renewed at 48 s, so cached until 108 s, without a read in the task")
                .containsEntry("P1", "New P1");
        assertThat(reads).hasSize(4);
        assertThat(cache.names("p:", List.of("P2")))
                .as("unused, so expired at 60 s and read now")
                .containsEntry("P2", "New P2");
        assertThat(reads).hasSize(5);
    }

    @Test
    void aRenewedRowIsRenewedAgainOnlyIfUsedAgain() throws IOException {
        cache.names("p:", List.of("P1"));
        cache.names("p:", List.of("P1"));
        advanceSeconds(50);
        assertThat(cache.renewDue()).isEqualTo(1);
        advanceSeconds(50);
        assertThat(cache.renewDue()).isZero();
    }

    @Test
    void aFailedRenewalLeavesTheRowsToExpireAndTheTaskReadsThem() throws IOException {
        cache.names("p:", List.of("P1"));
        cache.names("p:", List.of("P1"));
        advanceSeconds(50);
        hbaseDown = true;
        assertThatThrownBy(cache::renewDue).isInstanceOf(IOException.class);

        hbaseDown = false;
        namePrefix = "New ";
        advanceSeconds(10);
        assertThat(cache.names("p:", List.of("P1"))).containsEntry("P1", "New P1");
        assertThat(reads).hasSize(2);
    }

    @Test
    void closingWaitsForTheRenewalReadUnderWayAndNoMoreIsRead() throws Exception {
        CountDownLatch renewing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> readSizes = new CopyOnWriteArrayList<>();
        DimensionCache.Reader slowRenewals = ids -> {
            readSizes.add(ids.size());
            if (readSizes.size() > 2) { // the first two reads are the task's, of its misses; the later ones renew
                renewing.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return Collections.nCopies(ids.size(), "Name");
        };
        DimensionCache live = DimensionCache.start(10_000, 1, Map.of("p:", slowRenewals));
        List<String> ids = IntStream.range(0, DimensionCache.READ_BATCH + 500)
                .mapToObj(i -> "P" + i)
                .toList();
        live.names("p:", ids);
        live.names("p:", ids);
        assertThat(renewing.await(10, TimeUnit.SECONDS))
                .as("a renewal began 0.8-0.9 s after the read")
                .isTrue();

        Thread closer = new Thread(live::close);
        closer.start();
        closer.join(300);
        assertThat(closer.isAlive()).as("close waits for the read under way").isTrue();
        release.countDown();
        closer.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(closer.isAlive()).isFalse();
        assertThat(readSizes)
                .as("the task's two reads, then one renewal read; the round stopped there")
                .containsExactly(DimensionCache.READ_BATCH, 500, DimensionCache.READ_BATCH);
    }

    @Test
    void aKeyWithoutAReaderIsAnError() {
        assertThatThrownBy(() -> cache.names("x:", List.of("X1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("x:");
    }
}

package io.cardstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.cardstream.core.DimensionIds;
import io.cardstream.producer.GeneratorConfig;
import io.cardstream.producer.StormProducer;
import io.cardstream.schema.NameGenerator;
import io.cardstream.schema.Schema;
import io.cardstream.schema.TxRow;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.hbase.client.BufferedMutator;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.util.Bytes;
import org.junit.jupiter.api.Test;

/**
 * Cardholders are renamed in HBase while the job runs with a dimension cache of a 2 s TTL: every transaction
 * enriched more than one TTL after the rename carries the new name (the cache did not keep the old one), and
 * those enriched before it the old one (the names did come through the cache and HBase, not from elsewhere).
 */
class DimensionUpdateIT extends SharedStackIT {

    private static final JobFixture.Names RUN = JobFixture.Names.of("rename");
    private static final int PERSONS = 2_000;
    private static final int TTL_SECONDS = 2;
    private static final long COUNT = 40_000;
    private static final String NEW_NAME_PREFIX = "Renamed ";

    @Test
    void newTransactionsCarryANewNameOnceTheCacheTtlHasPassed() throws Exception {
        fixture.prepare(RUN, 2, PERSONS, 200);
        JobConfig config = fixture.jobConfig(RUN)
                .with(JobSettings.BATCH_INTERVAL_MS, 500L)
                .with(JobSettings.MAX_RATE_PER_PARTITION, 10_000L)
                .with(JobSettings.INITIAL_RATE, 10_000L)
                .with(JobSettings.CACHE_TTL_SECONDS, (long) TTL_SECONDS);
        GeneratorConfig generator = new GeneratorConfig(777, PERSONS, 200, 0, 0, 0);
        StreamingJob job = new StreamingJob(config);
        boolean passed = false;
        long renamedAt;
        try {
            job.start();
            // 10 s of storm; the rename comes once the job has stored some of it with the old names
            CompletableFuture<StormProducer.Summary> produced =
                    CompletableFuture.supplyAsync(() -> fixture.produce(RUN.topic(), generator, COUNT, 4_000));
            fixture.awaitCommittedAtLeast(RUN.group(), 4_000, Duration.ofSeconds(120), () -> job.failure() == null);
            renamedAt = renameEveryPerson();
            StormProducer.Summary summary = produced.get(2, TimeUnit.MINUTES);
            assertThat(summary.acked()).isEqualTo(COUNT);
            fixture.awaitCommittedToLogEnd(
                    RUN.group(), RUN.topic(), 2, Duration.ofSeconds(120), () -> job.failure() == null);
            assertThat(job.failure()).isNull();
            passed = true;
        } finally {
            job.stop(passed);
        }

        // a row enriched at P looked its names up at most a lookup's time before P: allow 1 s for that
        long newNamesFrom = renamedAt + TimeUnit.SECONDS.toMillis(TTL_SECONDS) + 1_000;
        NameGenerator names = new NameGenerator(JobFixture.NAME_SEED);
        long before = 0;
        long after = 0;
        String prefix = JobFixture.txIdPrefix(generator);
        try (Connection c = ConnectionFactory.createConnection(fixture.hbase());
                Table table = c.getTable(Schema.TX_ENRICHED.tableName());
                ResultScanner scanner = table.getScanner(new Scan().setCaching(5_000))) {
            for (Result row : scanner) {
                String txId = TxRow.read(row).get("tx_id");
                if (!txId.startsWith(prefix)) {
                    continue;
                }
                long processed = Long.parseLong(TxRow.read(row).get("processed_time"));
                String personId = TxRow.read(row).get("person_id");
                String oldName =
                        names.person(Long.parseLong(personId.substring(1))).name();
                String name = TxRow.read(row).get("person_name");
                if (processed < renamedAt) {
                    assertThat(name)
                            .as("name of %s, enriched before the rename", txId)
                            .isEqualTo(oldName);
                    before++;
                } else if (processed >= newNamesFrom) {
                    assertThat(name)
                            .as("name of %s, enriched %d ms after the rename", txId, processed - renamedAt)
                            .isEqualTo(NEW_NAME_PREFIX + oldName);
                    after++;
                }
            }
        }
        log.info(
                "{} transactions enriched before the rename carry the old names, {} enriched more than {} ms after"
                        + " it the new ones.",
                before,
                after,
                newNamesFrom - renamedAt);
        assertThat(before).as("transactions enriched before the rename").isGreaterThan(1_000);
        assertThat(after)
                .as("transactions enriched after the rename and the TTL")
                .isGreaterThan(1_000);
    }

    /** Renames every person to "Renamed " + the old name; returns the time the rename was flushed to HBase. */
    private long renameEveryPerson() throws Exception {
        NameGenerator names = new NameGenerator(JobFixture.NAME_SEED);
        byte[] family = Schema.PERSON.familyBytes();
        byte[] qualifier = Schema.PERSON.column("name").qualifierBytes();
        try (Connection c = ConnectionFactory.createConnection(fixture.hbase());
                BufferedMutator mutator = c.getBufferedMutator(Schema.PERSON.tableName())) {
            for (int n = 0; n < PERSONS; n++) {
                mutator.mutate(new Put(Bytes.toBytes(DimensionIds.personId(n)))
                        .addColumn(
                                family,
                                qualifier,
                                Bytes.toBytes(NEW_NAME_PREFIX + names.person(n).name())));
            }
            mutator.flush();
        }
        return System.currentTimeMillis();
    }
}

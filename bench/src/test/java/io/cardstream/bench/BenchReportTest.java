package io.cardstream.bench;

import static io.cardstream.bench.TestRungs.rung;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.cardstream.job.PartitionResult;
import io.cardstream.producer.MachineSpeed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchReportTest {

    private final BenchReport report = measuredOn(
            "2026-11-25",
            List.of(
                    rung("pipeline", 1000, 15_000, true, 1500), rung("pipeline", 1000, 20_000, true, 1800),
                    rung("pipeline", 1000, 25_000, false, 9000), rung("pipeline", 500, 10_000, true, 800),
                    rung("naive", 1000, 1_000, true, 1200), rung("naive", 1000, 2_000, false, 20_000)));

    @Test
    void theLayoutsAreComparedSideBySideAtTheirSustainedRatesAndAtTenThousand() {
        RateResult cpu = withCpu("pipeline", 10_000, 0.30, 0.08);
        RateResult cpuWide = withCpu(RungRunner.PIPELINE_WIDE, 10_000, 0.39, 0.45);
        BenchReport both = new BenchReport(
                Map.of("date", "2026-12-05", "cores", 2),
                1_500_000,
                new RawLimits.WriteLimit(45_000, 35_000, 1.4, 0.5),
                30_000,
                List.of(
                        new RawLimits.LayoutCost("wide", "wide: 11 cells", 35_000, 30.04, 20, 907.4),
                        new RawLimits.LayoutCost("packed", "packed: 1 cell", 90_000, 8.0, 9, 301)),
                List.of(
                        rung("pipeline", 1000, 30_000, true, 1500),
                        rung("pipeline", 1000, 40_000, false, 9000),
                        rung(RungRunner.PIPELINE_WIDE, 1000, 15_000, true, 1700),
                        rung(RungRunner.PIPELINE_WIDE, 1000, 20_000, false, 9000),
                        rung("pipeline", 500, 25_000, true, 950),
                        rung(RungRunner.PIPELINE_WIDE, 500, 10_000, true, 800),
                        cpu,
                        cpuWide));
        Map<String, Object> json = both.json();
        assertThat(json)
                .containsEntry("wide_sustained_rps_1000ms", 15_000L)
                .containsEntry("wide_p99_ms_1000ms", 1700L)
                .containsEntry("ratio_within_2_intervals_to_wide_1000ms", 2.0)
                .containsEntry("wide_sustained_rps_500ms", 10_000L)
                .containsEntry("ratio_500ms_within_1000ms_to_wide_500ms_sustained", 2.5)
                .containsEntry("cpu_us_per_tx_at_10000", 30.0 + 8 + 17 + 12)
                .containsEntry("wide_cpu_us_per_tx_at_10000", 39.0 + 45 + 17 + 12)
                .containsEntry("ratio_cpu_to_wide_at_10000", 0.59);
        assertThat(json.get("row_layouts"))
                .asList()
                .first()
                .isEqualTo(Map.of(
                        "layout",
                        "wide",
                        "description",
                        "wide: 11 cells",
                        "rows_per_s",
                        35_000L,
                        "hbase_us_per_row",
                        30.0,
                        "client_us_per_row",
                        20.0,
                        "kv_bytes_per_row",
                        907L));
        assertThat(both.markdown()).contains("| packed: 1 cell | 90,000 | 8 µs | 9 µs | 301 |");
        assertThat(report.json())
                .as("a run without the wide ladders")
                .containsEntry("wide_sustained_rps_1000ms", null)
                .containsEntry("ratio_cpu_to_wide_at_10000", null);
    }

    /** A sustained rung whose job and HBase used these cores, Kafka 0.17 and the producer 0.12. */
    private static RateResult withCpu(String design, long rate, double jobCores, double hbaseCores) {
        return new RateResult(
                design,
                1000,
                rate,
                rate,
                20,
                600,
                10,
                50,
                0,
                700,
                900,
                1500,
                1600,
                100_000,
                jobCores,
                900,
                hbaseCores,
                0.17,
                0.12,
                true,
                null);
    }

    @Test
    void sustainedRateIsTheHighestSustainedRungAndTheRatiosFollow() {
        Map<String, Object> json = report.json();
        assertThat(json)
                .containsEntry("sustained_rps_1000ms", 20_000L)
                .containsEntry("p99_ms_1000ms", 1800L)
                .containsEntry("sustained_rps_500ms", 10_000L)
                .containsEntry("p99_ms_500ms", 800L)
                .containsEntry("naive_sustained_rps", 1_000L)
                .containsEntry("p99_within_2_intervals_rps_1000ms", 20_000L)
                .containsEntry("p99_within_2_intervals_rps_500ms", 10_000L)
                .containsEntry("hbase_write_limit_rps", 35_000L)
                .containsEntry("hbase_write_burst_rps", 45_000L)
                .containsEntry("hbase_write_limit_hbase_cores", 1.4)
                .containsEntry("hbase_write_limit_us_per_row", 40.0)
                .containsEntry("ratio_to_naive", 20.0)
                .containsEntry("ratio_to_hbase_limit", 0.57)
                .containsKeys("kafka_consume_limit_rps", "hbase_get_limit_keys_ps", "machine", "rates");
        assertThat((List<?>) json.get("rates")).hasSize(6);
        // 1.2 HBase cores for 15,000 rows a second
        Map<?, ?> first = (Map<?, ?>) ((List<?>) json.get("rates")).get(0);
        assertThat(first.get("hbase_us_per_row")).isEqualTo(80.0);
        assertThat(first.get("task_ms_avg")).isEqualTo(1120L);
        assertThat(first.get("task_read_ms_avg")).isEqualTo(56L);
        assertThat(first.get("task_hbase_write_ms_avg")).isEqualTo(504L);
        assertThat(first.get("task_lookup_ms_avg")).isEqualTo(303L);
        assertThat(first.get("task_kafka_ms_avg")).isEqualTo(202L);
        Map<?, ?> naive = (Map<?, ?>) ((List<?>) json.get("rates")).get(4);
        assertThat(naive.containsKey("task_ms_avg")).isTrue();
        assertThat(naive.get("task_ms_avg")).isNull();
    }

    @Test
    void theTaskTimeColumnGivesTheBatchsTaskTimeAndWhatItWaitedOn() {
        assertThat(BenchReport.taskShares(new PartitionResult.TaskTimes(1_120_400, 56_000, 504_000, 302_500, 201_600)))
                .isEqualTo("1,120 ms: 5 / 45 / 27 / 18 / 5%");
        assertThat(BenchReport.taskShares(null)).isEqualTo("n/a");
        assertThat(report.markdown())
                .contains("| 1,120 ms: 5 / 45 / 27 / 18 / 5% |\n| pipeline | 1000 ms | 20,000 |")
                .contains("| 2,000 | 1,400 | no |")
                .endsWith("| n/a |\n");
    }

    @Test
    void everyRungReportsTheCpuEachJvmSpentPerStoredTransactionAndTheirSum() throws Exception {
        // the quick run: at 15,000 tx/s HBase 0.45 cores, the job 0.39, Kafka 0.17, the producer 0.12
        RateResult measured = withCpu("pipeline", 15_000, 0.39, 0.45);
        BenchReport.CpuPerTx cpu = BenchReport.CpuPerTx.of(measured);
        assertThat(cpu.hbase()).isCloseTo(30, within(0.01));
        assertThat(cpu.job()).isCloseTo(26, within(0.01));
        assertThat(cpu.total()).isCloseTo(75.33, within(0.01));
        assertThat(cpu.text()).isEqualTo("30 + 26 + 11 + 8 = 75");
        BenchReport one = measuredOn("2026-12-05", List.of(measured));
        assertThat(one.markdown())
                .contains("| CPU µs a stored tx: HBase + job + Kafka + producer = all |")
                .contains("| 30 + 26 + 11 + 8 = 75 |");
        Map<String, Object> rung = BenchReport.row(measured);
        assertThat(rung).containsEntry("total_us_per_tx", 75.3).containsEntry("job_us_per_tx", 26.0);
        // the producer's CPU unread (-1): its share is unknown, and so is the sum
        assertThat(BenchReport.CpuPerTx.of(rung("pipeline", 1000, 15_000, true, 1500))
                        .text())
                .isEqualTo("80 + 100 + 7 + ?");
        assertThat(BenchReport.row(rung("pipeline", 1000, 15_000, true, 1500)))
                .containsEntry("producer_us_per_tx", null)
                .containsEntry("total_us_per_tx", null);
    }

    @Test
    void aRungWithNoRowOfItsWindowStoredHasNoLatencyRatherThanZero() {
        // 15 s behind at the end of a 15 s window, then stopped at once: no row with an event time in it was stored
        RateResult behind = new RateResult(
                "pipeline",
                1000,
                15_000,
                11_998,
                12,
                1235,
                15_746,
                17_169,
                50_585,
                0,
                0,
                0,
                0,
                0,
                0.55,
                423,
                0.96,
                0.24,
                0.19,
                false,
                null);
        BenchReport r = measuredOn("2026-12-03", List.of(behind));
        Map<?, ?> row = (Map<?, ?>) ((List<?>) r.json().get("rates")).get(0);

        assertThat(row.containsKey("latency_p99_ms")).isTrue();
        assertThat(row.get("latency_p50_ms")).isNull();
        assertThat(row.get("latency_p99_ms")).isNull();
        assertThat(row.get("latency_max_ms")).isNull();
        assertThat(row.get("latency_samples")).isEqualTo(0L);
        assertThat(r.markdown()).contains("| 50,585 | n/a | 0.55 |");
        assertThat(BenchReport.latencies(rung("pipeline", 1000, 15_000, true, 1500)))
                .isEqualTo("700 / 900 / 1,500 / 1,600");
    }

    @Test
    void theWindowHoldsTheBatchesThatFinishedInItEvenWhenTheyWereDueLongBefore() {
        // a job 15 s behind: the batches it finishes in the window [100 s, 115 s) were due 15 s earlier
        List<RungRunner.Batch> batches = new java.util.ArrayList<>();
        for (long t = 80_000; t < 105_000; t += 1_000) {
            batches.add(new RungRunner.Batch(t, 9_000, 1_400, 15_000));
        }
        List<RungRunner.Batch> window = RungRunner.finishedWithin(batches, 100_000, 115_000);
        assertThat(window).extracting(RungRunner.Batch::batchTime).first().isEqualTo(84_000L);
        assertThat(window).hasSize(15);
        // on time: a batch due before the window and finished before it is not in it
        List<RungRunner.Batch> onTime = List.of(
                new RungRunner.Batch(99_000, 10, 500, 10),
                new RungRunner.Batch(100_000, 10, 500, 10),
                new RungRunner.Batch(114_000, 10, 500, 10),
                new RungRunner.Batch(115_000, 10, 500, 10));
        assertThat(RungRunner.finishedWithin(onTime, 100_000, 115_000))
                .extracting(RungRunner.Batch::batchTime)
                .containsExactly(100_000L, 114_000L);
    }

    @Test
    void aBatchsTaskTimesAreAveragedOverTheWindowsBatchesThatReportedThem() {
        List<RungRunner.Batch> window = List.of(
                new RungRunner.Batch(1_000, 10, 500, 0),
                new RungRunner.Batch(2_000, 10, 500, 0),
                new RungRunner.Batch(3_000, 10, 500, 0));
        Map<Long, PartitionResult.TaskTimes> times = Map.of(
                1_000L, new PartitionResult.TaskTimes(1_000, 100, 400, 200, 100),
                2_000L, new PartitionResult.TaskTimes(3_000, 300, 1_600, 400, 300),
                9_000L, new PartitionResult.TaskTimes(99_000, 0, 0, 0, 0));
        assertThat(RungRunner.averageTaskTimes(window, times))
                .isEqualTo(new PartitionResult.TaskTimes(2_000, 200, 1_000, 300, 200));
        assertThat(RungRunner.averageTaskTimes(window, Map.of())).isNull();
    }

    @Test
    void theLatencyBoundRateIsTheHighestSustainedRungWithP99WithinTwoIntervals() {
        BenchReport noisy = rungsOnly(List.of(
                rung("pipeline", 1000, 15_000, true, 1500), rung("pipeline", 1000, 17_500, true, 2500),
                rung("pipeline", 1000, 20_000, true, 1900), rung("pipeline", 1000, 22_500, true, 4200),
                rung("pipeline", 1000, 25_000, false, 9000), rung("pipeline", 500, 10_000, true, 1200)));
        assertThat(noisy.json())
                .containsEntry("sustained_rps_1000ms", 22_500L)
                .containsEntry("p99_within_2_intervals_rps_1000ms", 20_000L)
                .containsEntry("sustained_rps_500ms", 10_000L)
                .containsEntry("p99_within_2_intervals_rps_500ms", 0L)
                .containsEntry("hbase_write_limit_us_per_row", -1.0);
    }

    /** A slow machine's full run (2026-12-03) sustained none of the naive rates: its ratio was printed as 0.0. */
    @Test
    void aRatioWithNothingToDivideByIsNotApplicableRatherThanZero() {
        BenchReport slow =
                rungsOnly(List.of(rung("pipeline", 1000, 3_500, true, 2700), rung("naive", 1000, 500, false, 11_000)));
        assertThat(slow.json())
                .containsEntry("sustained_rps_1000ms", 3_500L)
                .containsEntry("naive_sustained_rps", 0L)
                .containsEntry("ratio_to_naive", null)
                .containsEntry("ratio_to_hbase_limit", null);
        assertThat(slow.markdown()).contains("| `ratio_to_naive` | n/a |", "| `ratio_to_hbase_limit` | n/a |");
        BenchReport naiveOnly = new BenchReport(
                Map.of(),
                0,
                new RawLimits.WriteLimit(45_000, 35_000, 1.4, 0.5),
                0,
                List.of(),
                List.of(rung("naive", 1000, 400, true, 1300)));
        assertThat(naiveOnly.json())
                .as("--ladder naive: no pipeline figure to compare")
                .containsEntry("ratio_to_naive", null)
                .containsEntry("ratio_to_hbase_limit", null);
    }

    @Test
    void aRungIsSustainedOnlyWithDelayUnderAnIntervalAndLagNotGrowing() {
        assertThat(RateResult.sustainable(200, 1000, 0, 20_000, 19_990)).isTrue();
        assertThat(RateResult.sustainable(1200, 1000, 0, 20_000, 19_990)).isFalse();
        assertThat(RateResult.sustainable(200, 1000, 100_000, 20_000, 19_990)).isFalse();
        assertThat(RateResult.sustainable(200, 500, 0, 20_000, 15_000)).isFalse();
    }

    @Test
    void lagGrowthIsTheTrendNotOneNoisyReading() {
        List<double[]> flat = List.of(
                new double[] {0, 20_000},
                new double[] {1, 40_000},
                new double[] {2, 20_000},
                new double[] {3, 40_000},
                new double[] {4, 20_000},
                new double[] {5, 40_000});
        assertThat(Math.abs(RungRunner.slope(flat) * 5)).isLessThan(20_000);
        List<double[]> growing = List.of(new double[] {0, 0}, new double[] {1, 5_000}, new double[] {2, 10_000});
        assertThat(RungRunner.slope(growing)).isEqualTo(5_000);
    }

    @Test
    void processCoresComeFromTwoReadingsAndAreUnknownWhereOneIsMissing() {
        RungRunner.CpuReading start = new RungRunner.CpuReading(1_000, new long[] {0, 5_000_000_000L, -1});
        RungRunner.CpuReading end = new RungRunner.CpuReading(11_000, new long[] {12_000_000_000L, 6_000_000_000L, 9});
        assertThat(RungRunner.CpuReading.cores(3, start, end)).containsExactly(1.2, 0.1, -1.0);
        assertThat(RungRunner.CpuReading.cores(3, start, null)).containsExactly(-1.0, -1.0, -1.0);
    }

    /** The 1 s ladder's 4,500 tx/s rung of a slow machine's full run (2026-12-03): 720 ms batches, delay falling. */
    @Test
    void aJobIsDrainingItsStartWhileItsBatchesTakeLessThanTheIntervalAndTheirDelayFalls() {
        List<RungRunner.Batch> draining = List.of(
                new RungRunner.Batch(500, 100, 300, 9_000), // before the start
                new RungRunner.Batch(58_000, 4_500, 720, 14_000),
                new RungRunner.Batch(59_000, 4_500, 700, 13_700),
                new RungRunner.Batch(60_000, 4_500, 730, 13_400));
        assertThat(RungRunner.drainingStart(draining, 1_000, 1_000)).isTrue();
        assertThat(RungRunner.drainingStart(
                        List.of(draining.get(1), draining.get(2), new RungRunner.Batch(60_000, 4_500, 1_050, 13_400)),
                        1_000,
                        1_000))
                .as("a batch over the interval")
                .isFalse();
        assertThat(RungRunner.drainingStart(List.of(draining.get(3), draining.get(2), draining.get(1)), 1_000, 1_000))
                .as("the delay grows")
                .isFalse();
        assertThat(RungRunner.drainingStart(draining, 59_000, 1_000))
                .as("too few batches since the start")
                .isFalse();
    }

    @Test
    void aRungIsMeasuredOnceItsLastThreeBatchesHeldTheRateAndStartedOnTime() {
        List<RungRunner.Batch> batches = new java.util.ArrayList<>(List.of(
                new RungRunner.Batch(500, 100, 300, 0), // before the rung's start: not counted
                new RungRunner.Batch(1_000, 15_000, 2_500, 0),
                new RungRunner.Batch(2_000, 15_000, 1_200, 1_500),
                new RungRunner.Batch(3_000, 15_000, 900, 1_700),
                new RungRunner.Batch(4_000, 15_000, 800, 400)));
        assertThat(RungRunner.caughtUp(batches, 1_000, 1_000, 15_000)).isFalse();
        batches.add(new RungRunner.Batch(5_000, 15_000, 700, 100));
        assertThat(RungRunner.caughtUp(batches, 1_000, 1_000, 15_000)).isFalse();
        batches.add(new RungRunner.Batch(6_000, 15_000, 700, 20));
        assertThat(RungRunner.caughtUp(batches, 1_000, 1_000, 15_000)).isTrue();
        assertThat(RungRunner.caughtUp(batches.subList(0, 3), 0, 1_000, 15_000))
                .as("too few batches")
                .isFalse();
        List<RungRunner.Batch> beforeTheProducer = List.of(
                new RungRunner.Batch(1_000, 0, 5, 0),
                new RungRunner.Batch(2_000, 0, 4, 0),
                new RungRunner.Batch(3_000, 1_200, 300, 0));
        assertThat(RungRunner.caughtUp(beforeTheProducer, 1_000, 1_000, 15_000))
                .as("empty batches")
                .isFalse();
    }

    @Test
    void percentilesAreNearestRank() {
        Percentiles p = new Percentiles(new long[] {5, 1, 4, 2, 3, 6, 7, 8, 9, 10});
        assertThat(p.at(50)).isEqualTo(5);
        assertThat(p.at(99)).isEqualTo(10);
        assertThat(p.max()).isEqualTo(10);
        assertThat(new Percentiles(new long[0]).at(99)).isZero();
    }

    @Test
    void readsTheFetchRateFromConsumerPerformance() {
        double rate = RawLimits.parseConsumerPerformance(List.of(
                "WARNING: something",
                "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,"
                        + " rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec",
                "2026-11-25 05:00:00:000, 2026-11-25 05:00:03:000, 143.0, 47.6, 1000000, 333333.3, 1200, 1800,"
                        + " 79.4, 555555.6"));
        assertThat(rate).isEqualTo(555555.6);
    }

    @Test
    void writesJsonMarkdownAndAChart(@TempDir Path dir) throws Exception {
        report.write(dir);
        assertThat(Files.readString(dir.resolve("latest.json"))).contains("\"sustained_rps_1000ms\" : 20000");
        assertThat(Files.readString(dir.resolve("latest.md")))
                .contains("| `ratio_to_naive` | 20.0 |")
                .contains("| pipeline | 1000 ms | 25,000 |")
                .contains("| 1.20 / 0.10 / ? |");
        assertThat(Files.size(dir.resolve("latest-latency.png"))).isGreaterThan(1000);
    }

    @Test
    void theMarkdownNamesTheMachinesSpeedBeforeAndAfterTheRunWhenItWasMeasured() {
        assertThat(report.markdown()).doesNotContain("codec-bench");
        BenchReport measured = machineOnly(Map.of(
                "date", "2026-12-02", BenchCommand.SPEED_BEFORE, 1_670_000L, BenchCommand.SPEED_AFTER, 1_210_000L));
        assertThat(measured.markdown())
                .contains("decode rate on one core): 1,670,000 records/s before the run," + " 1,210,000 after it.");
        assertThat(measured.json().get("machine"))
                .isEqualTo(Map.of(
                        "date",
                        "2026-12-02",
                        BenchCommand.SPEED_BEFORE,
                        1_670_000L,
                        BenchCommand.SPEED_AFTER,
                        1_210_000L));
    }

    @Test
    void theMarkdownNamesTheProcessorAndTheStealTimeWhenTheyWereRead() {
        BenchReport measured = machineOnly(Map.of(
                "date",
                "2026-12-03",
                BenchCommand.SPEED_BEFORE,
                580_327L,
                BenchCommand.SPEED_AFTER,
                603_280L,
                BenchCommand.CPU_MODEL,
                "Intel(R) Xeon(R) Processor",
                BenchCommand.STEAL_SHARE,
                0.095));
        assertThat(measured.markdown())
                .contains("580,327 records/s before the run, 603,280 after it; the processor:"
                        + " Intel(R) Xeon(R) Processor; 9.5% of the CPU time went to other guests of the host during the run"
                        + " (steal). Compare");
    }

    @Test
    void theMarkdownNamesHBasesSettingsBeyondItsDefaults() {
        assertThat(report.markdown()).doesNotContain("beyond its defaults");
        BenchReport tuned = machineOnly(Map.of(
                "date",
                "2026-12-02",
                BenchCommand.HBASE_SETTINGS,
                new TreeMap<>(Map.of("hbase.hstore.compaction.min", "6", "a.b", "1"))));
        assertThat(tuned.markdown())
                .contains("HBase's settings beyond its defaults: `a.b=1`," + " `hbase.hstore.compaction.min=6`.");
    }

    @Test
    void theHeadingNamesTheJobsTaskSlots() {
        assertThat(report.markdown()).contains("the job (local[2])");
        BenchReport four = machineOnly(Map.of("date", "2026-12-03", BenchCommand.JOB_MASTER, "local[4]"));
        assertThat(four.markdown()).contains("the job (local[4])");
    }

    @Test
    void theShortCalibrationMeasuresBothRates() {
        MachineSpeed.Speed speed = MachineSpeed.measure(2_000, 0.01, 0, 1, null);
        assertThat(speed.decode()).isPositive();
        assertThat(speed.encode()).isPositive();
    }

    /** A report of a run that measured only the machine: no raw limits, no layouts, no rungs. */
    private static BenchReport machineOnly(Map<String, Object> machine) {
        return new BenchReport(machine, 0, RawLimits.WriteLimit.NOT_MEASURED, 0, List.of(), List.of());
    }

    /** A report of a run that measured only {@code rungs}. */
    private static BenchReport rungsOnly(List<RateResult> rungs) {
        return new BenchReport(Map.of(), 0, RawLimits.WriteLimit.NOT_MEASURED, 0, List.of(), rungs);
    }

    /** A report of a run on {@code date}, with raw limits measured (a 2-core machine), no layouts and {@code rungs}. */
    private static BenchReport measuredOn(String date, List<RateResult> rungs) {
        return new BenchReport(
                Map.of("date", date, "cores", 2),
                1_500_000,
                new RawLimits.WriteLimit(45_000, 35_000, 1.4, 0.5),
                30_000,
                List.of(),
                rungs);
    }
}

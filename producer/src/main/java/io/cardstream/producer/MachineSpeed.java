package io.cardstream.producer;

import io.cardstream.core.DecodeResult;
import io.cardstream.core.TransactionCodec;
import java.io.PrintWriter;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How fast one core of this machine is at the pipeline's own per-record work: decoding and validating records, and
 * generating and encoding them. Machines of one kind differ by two to three times from day to day, so the benchmark
 * dates its figures with this ({@code bin/cardstream codec-bench}), and the demo picks its rate from it.
 */
public final class MachineSpeed {

    private MachineSpeed() {}

    /**
     * Median rates of one thread over the measured rounds.
     *
     * @param decode records a second decoded and validated
     * @param encode records a second generated and encoded
     */
    public record Speed(double decode, double encode) {}

    /**
     * Decodes and encodes {@code records} prepared records per round, {@code warmup} rounds unmeasured, then
     * {@code rounds} measured; prints each round to {@code out} when it is not null.
     */
    public static Speed measure(int records, double badRatio, int warmup, int rounds, PrintWriter out) {
        TransactionCodec codec = TransactionCodec.create();
        TransactionGenerator generator = generator(badRatio);
        long now = System.currentTimeMillis();
        byte[][] values = prepared(generator, codec, records);
        long bytes = 0;
        for (byte[] value : values) {
            bytes += value.length;
        }
        if (out != null) {
            out.printf(
                    "%d records of %.0f bytes on average, %.1f%% invalid; java %s, %d cores; one thread.%n",
                    records,
                    bytes / (double) records,
                    badRatio * 100,
                    System.getProperty("java.version"),
                    Runtime.getRuntime().availableProcessors());
        }
        double[] decode = new double[rounds];
        double[] encode = new double[rounds];
        long sink = 0;
        for (int round = -warmup; round < rounds; round++) {
            long start = System.nanoTime();
            long valid = 0;
            for (byte[] value : values) {
                DecodeResult result = codec.decode(value);
                if (result instanceof DecodeResult.Valid) {
                    valid++;
                }
            }
            double decodeRate = records / ((System.nanoTime() - start) / 1e9);
            start = System.nanoTime();
            for (int i = 0; i < records; i++) {
                GeneratedRecord r = generator.generate(i);
                sink += r.value(codec, now).length;
            }
            double encodeRate = records / ((System.nanoTime() - start) / 1e9);
            if (out != null) {
                out.printf(
                        "%s round %d: decode %,.0f records/s (%d valid), generate+encode %,.0f records/s%n",
                        round < 0 ? "warm-up" : "measured",
                        round < 0 ? round + warmup + 1 : round + 1,
                        decodeRate,
                        valid,
                        encodeRate);
            }
            if (round >= 0) {
                decode[round] = decodeRate;
                encode[round] = encodeRate;
            }
        }
        if (sink <= 0) {
            throw new IllegalStateException("The generator encoded nothing.");
        }
        return new Speed(median(decode), median(encode));
    }

    /**
     * The decode rate alone, quickly: {@code records} prepared records decoded round after round for at least
     * {@code millis}, and on until the JIT compiler has been idle for half a second (at most four times {@code millis}
     * in all); the rate of the fastest tenth of the rounds, records a second. A cold JVM decodes at a tenth of its
     * speed until the loop is compiled, and when that happens varies from run to run (0.3 to 4 s here): a fixed time
     * sometimes ended before it and measured the interpreter (193,000 records/s on a machine whose codec-bench said
     * 1.77 M). Once the loop is compiled the fastest rounds agree with {@code codec-bench}'s median within about 10%.
     */
    public static double decodeRate(int records, long millis) {
        TransactionCodec codec = TransactionCodec.create();
        byte[][] values = prepared(generator(0.01), codec, records);
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean jitTimed = jit != null && jit.isCompilationTimeMonitoringSupported();
        long begin = System.nanoTime();
        long minEnd = begin + millis * 1_000_000L;
        long maxEnd = begin + 4 * millis * 1_000_000L;
        long jitTime = jitTimed ? jit.getTotalCompilationTime() : 0;
        long jitQuietSince = begin;
        List<Double> rates = new ArrayList<>();
        long valid = 0;
        long now;
        do {
            long start = System.nanoTime();
            valid += decodeRound(codec, values);
            now = System.nanoTime();
            rates.add(records / ((now - start) / 1e9));
            long compiled = jitTimed ? jit.getTotalCompilationTime() : 0;
            if (compiled != jitTime) {
                jitTime = compiled;
                jitQuietSince = now;
            }
        } while (now < minEnd || (now < maxEnd && now - jitQuietSince < 500_000_000L));
        if (valid == 0) {
            throw new IllegalStateException("No record decoded as valid.");
        }
        rates.sort(null);
        return rates.get(rates.size() - 1 - rates.size() / 10);
    }

    /** The records both measurements decode: the producer's, Zipf 1.0, with {@code badRatio} invalid. */
    private static TransactionGenerator generator(double badRatio) {
        return new TransactionGenerator(
                GeneratorConfig.defaults(1).withSkew(1.0).withRatios(badRatio, 0.005));
    }

    /** Records 0 to {@code records - 1} of {@code generator}, encoded, stamped now. */
    private static byte[][] prepared(TransactionGenerator generator, TransactionCodec codec, int records) {
        long now = System.currentTimeMillis();
        byte[][] values = new byte[records][];
        for (int i = 0; i < records; i++) {
            values[i] = generator.generate(i).value(codec, now);
        }
        return values;
    }

    /** One round, a method of its own so that the JIT compiles it whole rather than swapping in a running loop. */
    private static long decodeRound(TransactionCodec codec, byte[][] values) {
        long valid = 0;
        for (byte[] value : values) {
            if (codec.decode(value) instanceof DecodeResult.Valid) {
                valid++;
            }
        }
        return valid;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}

package io.cardstream.producer;

import io.cardstream.core.DimensionIds;
import io.cardstream.core.Transaction;
import java.math.BigDecimal;
import java.util.SplittableRandom;

/**
 * Makes the storm's transactions, deterministically: record {@code i} depends only on the seed and {@code i}, so
 * the same seed gives the same transactions and txIds in any order, on any machine. Person and company popularity
 * follow a Zipf law ({@link GeneratorConfig#skew()}; 0 is uniform) with the popular ids scattered over the id
 * space rather than bunched at its start. Thread-safe.
 */
public final class TransactionGenerator {

    private static final String[] CURRENCIES = {"EUR", "USD", "GBP", "PLN", "CHF", "SEK", "JPY"};
    private static final double[] CURRENCY_CUMULATIVE = {0.55, 0.75, 0.85, 0.92, 0.96, 0.98, 1.0};
    private static final BadKind[] BAD_KINDS = BadKind.values();

    private final GeneratorConfig config;
    private final ZipfSampler personSampler;
    private final ZipfSampler companySampler;
    private final long personStride;
    private final long companyStride;
    private final String txIdPrefix;

    public TransactionGenerator(GeneratorConfig config) {
        this.config = config;
        this.personSampler = config.skew() > 0 ? new ZipfSampler(config.persons(), config.skew()) : null;
        this.companySampler = config.skew() > 0 ? new ZipfSampler(config.companies(), config.skew()) : null;
        this.personStride = coprimeStride(config.persons());
        this.companyStride = coprimeStride(config.companies());
        this.txIdPrefix = hex(mix(config.seed() ^ 0x6a09e667f3bcc909L), 12);
    }

    public GeneratorConfig config() {
        return config;
    }

    /** Record {@code index} of the sequence. */
    public GeneratedRecord generate(long index) {
        SplittableRandom random = new SplittableRandom(mix(config.seed() * 0x9E3779B97F4A7C15L + index));
        String txId = txIdPrefix + "-" + hex(index, 12);

        boolean bad = random.nextDouble() < config.badRatio();
        boolean unknownPerson = false;
        boolean unknownCompany = false;
        if (!bad && random.nextDouble() < config.unknownRatio()) {
            int which = random.nextInt(3);
            unknownPerson = which != 1;
            unknownCompany = which != 0;
        }
        long person = unknownPerson
                ? config.persons() + random.nextInt(config.persons())
                : pick(random, personSampler, config.persons(), personStride);
        long company = unknownCompany
                ? config.companies() + random.nextInt(config.companies())
                : pick(random, companySampler, config.companies(), companyStride);

        long cents = Math.max(1, Math.min(5_000_000L, Math.round(Math.exp(7.5 + 1.3 * random.nextGaussian()))));
        double c = random.nextDouble();
        int currency = 0;
        while (c > CURRENCY_CUMULATIVE[currency]) {
            currency++;
        }
        Transaction tx = new Transaction(
                txId,
                DimensionIds.personId(person),
                DimensionIds.companyId(company),
                BigDecimal.valueOf(cents, 2),
                CURRENCIES[currency],
                0L);
        BadKind badKind = bad ? BAD_KINDS[random.nextInt(BAD_KINDS.length)] : null;
        return new GeneratedRecord(index, tx, badKind, unknownPerson, unknownCompany);
    }

    /** An id in 0..n-1: uniform, or the Zipf rank mapped through a fixed permutation of the id space. */
    private static long pick(SplittableRandom random, ZipfSampler sampler, int n, long stride) {
        if (sampler == null) {
            return random.nextInt(n);
        }
        long rank = sampler.sample(random) - 1L;
        return (rank * stride) % n;
    }

    /** A multiplier coprime with n, so rank * stride mod n is a permutation of 0..n-1. */
    private static long coprimeStride(int n) {
        long stride = 2_654_435_761L % Math.max(n, 1);
        while (n > 1 && gcd(stride, n) != 1) {
            stride++;
        }
        return Math.max(stride, 1);
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** SplitMix64's finaliser: a well-mixed 64-bit value from any input. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static String hex(long value, int digits) {
        char[] out = new char[digits];
        for (int i = digits - 1; i >= 0; i--) {
            out[i] = Character.forDigit((int) (value & 0xF), 16);
            value >>>= 4;
        }
        return new String(out);
    }
}

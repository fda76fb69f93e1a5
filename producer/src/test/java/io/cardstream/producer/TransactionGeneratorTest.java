package io.cardstream.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.cardstream.core.DecodeResult;
import io.cardstream.core.TransactionCodec;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class TransactionGeneratorTest {

    private static final long EVENT_TIME = 1_795_567_257_123L;
    private final TransactionCodec codec = TransactionCodec.create();

    @Test
    void theSameSeedGivesTheSameTransactionsAndTxIds() {
        GeneratorConfig config = GeneratorConfig.defaults(42).withSkew(1.1).withRatios(0.05, 0.05);
        TransactionGenerator a = new TransactionGenerator(config);
        TransactionGenerator b = new TransactionGenerator(config);
        for (long i = 0; i < 10_000; i += 7) {
            assertThat(a.generate(i)).isEqualTo(b.generate(i));
            assertThat(a.generate(i).value(codec, EVENT_TIME))
                    .isEqualTo(b.generate(i).value(codec, EVENT_TIME));
        }
    }

    @Test
    void anotherSeedGivesOtherTxIds() {
        Set<String> first = txIds(new TransactionGenerator(GeneratorConfig.defaults(1)), 1000);
        Set<String> second = txIds(new TransactionGenerator(GeneratorConfig.defaults(2)), 1000);
        assertThat(first).doesNotContainAnyElementsOf(second);
    }

    @Test
    void txIdsAreUniqueWithinARunAndFitTheContract() {
        Set<String> ids = txIds(new TransactionGenerator(GeneratorConfig.defaults(7)), 200_000);
        assertThat(ids).hasSize(200_000);
        assertThat(ids).allSatisfy(id -> assertThat(id.length()).isBetween(1, TransactionCodec.MAX_ID_LENGTH));
    }

    @Test
    void validRecordsDecodeAsValidAndStayInsideTheDimensions() {
        GeneratorConfig config =
                GeneratorConfig.defaults(3).withDimensions(1000, 100).withSkew(0.9);
        TransactionGenerator generator = new TransactionGenerator(config);
        for (long i = 0; i < 20_000; i++) {
            GeneratedRecord r = generator.generate(i);
            DecodeResult decoded = codec.decode(r.value(codec, EVENT_TIME));
            assertThat(decoded).isInstanceOf(DecodeResult.Valid.class);
            var tx = ((DecodeResult.Valid) decoded).transaction();
            assertThat(Integer.parseInt(tx.personId().substring(1))).isBetween(0, 999);
            assertThat(Integer.parseInt(tx.companyId().substring(1))).isBetween(0, 99);
            assertThat(tx.eventTime()).isEqualTo(EVENT_TIME);
            assertThat(tx.amount().scale()).isEqualTo(2);
        }
    }

    @Test
    void everyBadRecordDecodesToTheReasonItsKindPromises() {
        TransactionGenerator generator =
                new TransactionGenerator(GeneratorConfig.defaults(11).withRatios(1.0, 0));
        Set<BadKind> seen = EnumSet.noneOf(BadKind.class);
        for (long i = 0; i < 5_000; i++) {
            GeneratedRecord r = generator.generate(i);
            assertThat(r.isValid()).isFalse();
            DecodeResult decoded = codec.decode(r.value(codec, EVENT_TIME));
            assertThat(decoded).isInstanceOf(DecodeResult.Invalid.class);
            assertThat(((DecodeResult.Invalid) decoded).reason())
                    .as(r.badKind().name())
                    .isEqualTo(r.badKind().expectedReason());
            seen.add(r.badKind());
        }
        assertThat(seen).containsExactlyInAnyOrder(BadKind.values());
    }

    @Test
    void badAndUnknownRatiosHoldWithinTolerance() {
        TransactionGenerator generator = new TransactionGenerator(
                GeneratorConfig.defaults(5).withDimensions(10_000, 1_000).withRatios(0.01, 0.05));
        int n = 200_000;
        long bad = 0;
        long unknown = 0;
        for (long i = 0; i < n; i++) {
            GeneratedRecord r = generator.generate(i);
            if (!r.isValid()) {
                bad++;
            } else if (r.unknownPerson() || r.unknownCompany()) {
                unknown++;
                boolean personOutside =
                        Long.parseLong(r.transaction().personId().substring(1)) >= 10_000;
                boolean companyOutside =
                        Long.parseLong(r.transaction().companyId().substring(1)) >= 1_000;
                assertThat(personOutside).isEqualTo(r.unknownPerson());
                assertThat(companyOutside).isEqualTo(r.unknownCompany());
            }
        }
        assertThat(bad / (double) n).isCloseTo(0.01, within(0.002));
        assertThat(unknown / (double) (n - bad)).isCloseTo(0.05, within(0.004));
    }

    @Test
    void skewMakesAFewPersonsMuchMorePopularThanUniform() {
        assertThat(topShare(0.0)).isLessThan(0.002);
        assertThat(topShare(1.0)).isGreaterThan(0.05);
    }

    @Test
    void rejectsRatiosAndSizesOutOfRangeNamingTheSetting() {
        assertThatThrownBy(() -> GeneratorConfig.defaults(1).withRatios(1.5, 0)).hasMessageContaining("bad-ratio");
        assertThatThrownBy(() -> GeneratorConfig.defaults(1).withRatios(0, -0.1))
                .hasMessageContaining("unknown-ratio");
        assertThatThrownBy(() -> GeneratorConfig.defaults(1).withSkew(-1)).hasMessageContaining("skew");
        assertThatThrownBy(() -> GeneratorConfig.defaults(1).withDimensions(0, 5))
                .hasMessageContaining("persons");
    }

    /** The share of records that go to the most frequent person. */
    private static double topShare(double skew) {
        TransactionGenerator generator = new TransactionGenerator(
                GeneratorConfig.defaults(9).withDimensions(100_000, 1_000).withSkew(skew));
        Map<String, Integer> counts = new HashMap<>();
        int n = 100_000;
        LongStream.range(0, n)
                .forEach(i -> counts.merge(generator.generate(i).transaction().personId(), 1, Integer::sum));
        return counts.values().stream().mapToInt(Integer::intValue).max().orElse(0) / (double) n;
    }

    private static Set<String> txIds(TransactionGenerator generator, int n) {
        Set<String> ids = new HashSet<>();
        for (long i = 0; i < n; i++) {
            ids.add(generator.generate(i).transaction().txId());
        }
        return ids;
    }
}

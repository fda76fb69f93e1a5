package io.cardstream.producer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StormProducerSummaryTest {

    @Test
    void runsAddUpAndKeepTheFirstError() {
        IllegalStateException first = new IllegalStateException("first");
        StormProducer.Summary a = new StormProducer.Summary(100, 99, 1, 2, 100, 0, 1.0, 5, null);
        StormProducer.Summary b = new StormProducer.Summary(300, 297, 3, 1, 298, 2, 2.0, 40, first);
        StormProducer.Summary c = new StormProducer.Summary(10, 10, 0, 0, 9, 1, 0.5, 3, new IllegalStateException());
        StormProducer.Summary sum = StormProducer.Summary.NONE.plus(a).plus(b).plus(c);
        assertThat(sum.sent()).isEqualTo(410);
        assertThat(sum.valid()).isEqualTo(406);
        assertThat(sum.invalid()).isEqualTo(4);
        assertThat(sum.unknownDimensions()).isEqualTo(3);
        assertThat(sum.acked()).isEqualTo(407);
        assertThat(sum.errors()).isEqualTo(3);
        assertThat(sum.seconds()).isEqualTo(3.5);
        assertThat(sum.maxBehindMs()).isEqualTo(40);
        assertThat(sum.firstError()).isSameAs(first);
    }
}

package io.cardstream.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MachineSpeedTest {

    @Test
    void theQuickDecodeRateMeasuresForItsTimeAtLeastAndNeverMoreThanFourTimesIt() {
        long start = System.nanoTime();
        double rate = MachineSpeed.decodeRate(2_000, 300);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(rate).as("records decoded a second").isPositive();
        assertThat(tookMs).as("it measured for its time").isGreaterThanOrEqualTo(300);
        // four times its time, then one more round of 2,000 records and the preparation: a bound, not a speed target
        assertThat(tookMs).as("it stopped by four times its time").isLessThan(4 * 300 + 5_000);
    }
}

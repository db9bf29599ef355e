package dev.weft.crawler.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Retries wait exponentially longer, capped, with jitter so that pages failed together do not return together. */
class BackoffTest {

    private static final long S = 1_000_000_000L;

    @Test
    void eachRetryWaitsAboutTwiceAsLongAsTheOneBeforeWithinHalfAndOneAndAHalfTimes() {
        Backoff b = Backoff.DEFAULT;
        for (int retry = 1; retry <= 5; retry++) {
            long nominal = S << (retry - 1);
            for (int i = 0; i < 200; i++) {
                long d = b.delayNanos(retry);
                assertTrue(d >= nominal / 2 && d < nominal * 3 / 2, "retry " + retry + ": " + d);
            }
        }
    }

    @Test
    void theWaitIsCappedAtAMinuteHoweverManyRetries() {
        for (int retry : new int[] {7, 20, 64, Integer.MAX_VALUE}) {
            long d = Backoff.DEFAULT.delayNanos(retry);
            assertTrue(d >= 30 * S && d < 90 * S, "retry " + retry + ": " + d);
        }
    }

    @Test
    void retriesOfPagesThatFailedTogetherAreSpreadOut() {
        Set<Long> waits = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            waits.add(Backoff.DEFAULT.delayNanos(1) / 1_000_000); // milliseconds
        }
        assertTrue(waits.size() > 40, "jitter: " + waits.size() + " different waits of 50");
    }
}

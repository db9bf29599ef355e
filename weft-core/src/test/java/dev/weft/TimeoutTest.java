package dev.weft;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.testing.WeftTest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

@WeftTest
class TimeoutTest {

    @Test
    void aOneHourTimeoutFiresAfterOneHourOfLoopTime() {
        double start = EventLoop.running().time();
        assertThrows(TimeoutException.class, () -> Weft.withTimeout(Duration.ofHours(1), () -> Weft.sleep(Duration.ofDays(1))));
        assertEquals(3600.0, EventLoop.running().time() - start, 1e-6);
    }

    @Test
    void timeoutsAndCancellationsReadAsPeopleWriteThem() {
        TimeoutException scope = assertThrows(TimeoutException.class,
                () -> Weft.withTimeout(Duration.ofMillis(500), () -> Weft.sleep(5)));
        assertEquals("timed out after 500 ms", scope.getMessage());
        TimeoutException waitFor = assertThrows(TimeoutException.class,
                () -> Weft.waitFor(Duration.ofSeconds(90), () -> { Weft.sleep(3600); return 1; }));
        assertEquals("timed out after 1 min 30 s", waitFor.getMessage());
        assertEquals("dev.weft.CancelledException", new CancelledException().toString());
        assertEquals("dev.weft.CancelledException: stop", new CancelledException("stop").toString());
    }

    @Test
    void aBodyThatFinishesInTimeReturnsItsValueAndLeavesNoCancellationBehind() {
        assertEquals("ok", Weft.withTimeout(Duration.ofSeconds(2), () -> { Weft.sleep(1); return "ok"; }));
        assertEquals(0, Weft.currentTask().cancelling());
        Weft.sleep(5); // no stray cancellation arrives later
    }

    @Test
    void theInnerOfTwoNestedScopesReportsItsOwnTimeout() {
        List<String> log = new CopyOnWriteArrayList<>();
        String r = Weft.withTimeout(Duration.ofSeconds(10), () -> {
            try {
                Weft.withTimeout(Duration.ofSeconds(1), () -> Weft.sleep(5));
            } catch (TimeoutException e) {
                log.add("inner timed out");
            }
            Weft.sleep(2);
            return "outer finished";
        });
        assertEquals("outer finished", r);
        assertEquals(List.of("inner timed out"), log);
    }

    @Test
    void whenTheOuterDeadlinePassesFirstTheInnerSeesACancellationAndTheOuterTheTimeout() {
        List<String> log = new CopyOnWriteArrayList<>();
        assertThrows(TimeoutException.class, () -> Weft.withTimeout(Duration.ofSeconds(1), () -> {
            try {
                Weft.withTimeout(Duration.ofSeconds(10), () -> Weft.sleep(5));
            } catch (TimeoutException e) {
                log.add("inner wrongly converted");
            } catch (CancelledException e) {
                log.add("inner saw cancellation");
                throw e;
            }
        }));
        assertEquals(List.of("inner saw cancellation"), log);
        assertEquals(0, Weft.currentTask().cancelling());
    }

    @Test
    void aCancellationFromOutsideIsNotTurnedIntoATimeout() {
        Task<Object> t = Weft.spawn(() -> Weft.withTimeout(Duration.ofSeconds(10), () -> { Weft.sleep(5); return null; }));
        Weft.sleep(1);
        t.cancel("outside");
        CancelledException e = assertThrows(CancelledException.class, t::await);
        assertEquals("outside", e.getMessage());
    }

    @Test
    void aTimeoutInterruptsBlockingJdkCallsToo() {
        // Thread.sleep runs on the JDK's own timer, so this one uses real time: 50 ms.
        assertThrows(TimeoutException.class,
                () -> Weft.withTimeout(Duration.ofMillis(50), () -> Thread.sleep(Duration.ofHours(1))));
    }
}

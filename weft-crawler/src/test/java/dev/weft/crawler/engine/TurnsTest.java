package dev.weft.crawler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.EventLoop;
import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.testing.WeftTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Turns come in ticket order, whatever order the holders arrive in, and a ticket given up does not block the rest. */
@WeftTest
class TurnsTest {

    @Test
    void holdersGoInTicketOrderAndAGivenUpTicketBlocksNobody() {
        Turns turns = new Turns(EventLoop.current());
        long a = turns.take();
        long b = turns.take();
        long c = turns.take();
        long d = turns.take();
        List<String> order = new ArrayList<>();
        List<Task<Void>> tasks = new ArrayList<>();
        // d and b are ready first (their parses finished sooner); a arrives last; c gives up.
        tasks.add(Weft.spawn(() -> { turns.await(d); order.add("d"); turns.pass(d); }));
        tasks.add(Weft.spawn(() -> { turns.await(b); order.add("b"); turns.pass(b); }));
        tasks.add(Weft.spawn(() -> {
            Weft.sleep(Duration.ofSeconds(1));
            turns.await(a);
            order.add("a");
            turns.pass(a);
        }));
        tasks.add(Weft.spawn(() -> turns.pass(c)));
        Weft.gather(tasks);
        assertEquals(List.of("a", "b", "d"), order);
    }
}

package dev.weft;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void tasksInterleaveOnOneThread() {
        List<String> log = new ArrayList<>();
        int r = Weft.run(() -> {
            Task<Integer> a = Weft.spawn("a", () -> { log.add("a1"); Weft.sleep(Duration.ofMillis(20)); log.add("a2"); return 1; });
            Task<Integer> b = Weft.spawn("b", () -> { log.add("b1"); Weft.sleep(Duration.ofMillis(10)); log.add("b2"); return 2; });
            return a.await() + b.await();
        });
        assertEquals(3, r);
        assertEquals(List.of("a1", "b1", "b2", "a2"), log);
    }
}

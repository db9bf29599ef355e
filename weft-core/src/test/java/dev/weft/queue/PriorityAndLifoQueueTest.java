package dev.weft.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Task;
import dev.weft.Weft;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class PriorityAndLifoQueueTest {

    record Job(int priority, String name) {
    }

    @Test
    void aPriorityQueueGivesTheLowestItemFirst() {
        Queue<Integer> q = new PriorityQueue<>();
        for (int i : new int[] {5, 1, 4, 2, 3}) {
            q.putNowait(i);
        }
        List<Integer> out = new ArrayList<>();
        while (!q.isEmpty()) {
            out.add(q.getNowait());
        }
        assertEquals(List.of(1, 2, 3, 4, 5), out);
    }

    @Test
    void itemsOfEqualPriorityComeOutInTheOrderTheyWerePut() {
        Queue<Job> q = new PriorityQueue<>(Comparator.comparingInt(Job::priority));
        String[] names = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"};
        for (int i = 0; i < names.length; i++) {
            q.putNowait(new Job(i % 3, names[i]));
        }
        StringBuilder out = new StringBuilder();
        while (!q.isEmpty()) {
            out.append(q.getNowait().name());
        }
        assertEquals("adgjbehkcfil", out.toString());
    }

    @Test
    void aPriorityQueueRefusesItemsWithoutOrderAtOnce() {
        Queue<Object> q = new PriorityQueue<>();
        ClassCastException e = assertThrows(ClassCastException.class, () -> q.putNowait(new Object()));
        assertTrue(e.getMessage().contains("is not Comparable"), e.getMessage());
        assertTrue(q.isEmpty());
    }

    @Test
    void aBoundedPriorityQueueMakesProducersWait() {
        Weft.run(() -> {
            Queue<Integer> q = new PriorityQueue<>(2);
            q.put(9);
            q.put(5);
            Task<Void> producer = Weft.spawn(() -> q.put(1));
            Weft.yieldNow();
            assertEquals(5, q.get());
            producer.await();
            assertEquals(1, q.get());
            assertEquals(9, q.get());
        });
    }

    @Test
    void aLifoQueueGivesTheNewestItemFirst() {
        Weft.run(() -> {
            Queue<Integer> q = new LifoQueue<>(3);
            q.put(1);
            q.put(2);
            q.put(3);
            Task<Void> producer = Weft.spawn(() -> q.put(4));
            Weft.yieldNow();
            assertEquals(3, q.get());
            producer.await();
            assertEquals(List.of(4, 2, 1), List.of(q.get(), q.get(), q.get()));
        });
    }
}

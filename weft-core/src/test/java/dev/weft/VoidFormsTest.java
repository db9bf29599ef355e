package dev.weft;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.sync.Lock;
import dev.weft.testing.WeftTest;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The API reads the way the guide does (issue 11 §5): a body that is a {@code void} method
 * goes straight into {@code gather}, {@code waitFor}, {@code toThread} and the rest, as a
 * lambda, a block lambda or a method reference, also when it throws checked exceptions; a body
 * with a value still picks the form that returns it. This class compiling is half the test.
 */
@WeftTest
class VoidFormsTest {

    private static final List<String> LOG = new CopyOnWriteArrayList<>();

    /** The seed's {@code async def factorial(name, number)}: prints, returns nothing. */
    static void factorial(String name, int number) {
        long f = 1;
        for (int i = 2; i <= number; i++) {
            LOG.add(name + " step " + i);
            Weft.sleep(1);
            f *= i;
        }
        LOG.add(name + " = " + f);
    }

    static void eternity() {
        Weft.sleep(3600);
        LOG.add("yay!");
    }

    static void throwsChecked() throws IOException {
        Weft.sleep(1);
        LOG.add("io done");
    }

    static int value(int x) throws IOException {
        Weft.sleep(1);
        return x;
    }

    @Test
    void gatherRunsVoidMethodsConcurrentlyFromLambdas() {
        LOG.clear();
        double start = EventLoop.running().time();
        Weft.gather(
                () -> factorial("A", 2),
                () -> factorial("B", 3),
                () -> factorial("C", 4));
        assertEquals(3.0, EventLoop.running().time() - start, 1e-6); // concurrent, not 1 + 2 + 3
        assertEquals(List.of("A step 2", "B step 2", "C step 2", "A = 2", "B step 3", "C step 3",
                "B = 6", "C step 4", "C = 24"), LOG);
    }

    @Test
    void gatherTakesMethodReferencesBlockLambdasAndBodiesThatThrowCheckedExceptions() {
        LOG.clear();
        Weft.gather(VoidFormsTest::throwsChecked, () -> { throwsChecked(); }, () -> throwsChecked());
        assertEquals(List.of("io done", "io done", "io done"), LOG);
    }

    @Test
    void gatherOfBodiesWithAValueStillReturnsTheValues() {
        List<Integer> r = Weft.gather(() -> value(1), () -> value(2));
        assertEquals(List.of(1, 2), r);
        List<String> s = Weft.gather(() -> { Weft.sleep(1); return "block"; });
        assertEquals(List.of("block"), s);
    }

    @Test
    void aFailingVoidBodyOfAGatherCancelsTheOthersAndIsThrown() {
        LOG.clear();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Weft.gather(
                () -> { Weft.sleep(1); throw new IllegalStateException("boom"); },
                () -> eternity()));
        assertEquals("boom", e.getMessage());
        assertEquals(List.of(), LOG);
    }

    @Test
    void waitForTakesAVoidMethodReferenceAndTimesItOut() {
        LOG.clear();
        double start = EventLoop.running().time();
        assertThrows(TimeoutException.class, () -> Weft.waitFor(Duration.ofSeconds(1), VoidFormsTest::eternity));
        assertEquals(1.0, EventLoop.running().time() - start, 1e-6);
        assertEquals(List.of(), LOG);
        Weft.waitFor(Duration.ofSeconds(5), () -> { throwsChecked(); });
        assertEquals(List.of("io done"), LOG);
        int v = Weft.waitFor(Duration.ofSeconds(5), () -> value(7));
        assertEquals(7, v);
    }

    @Test
    void toThreadAndRunInExecutorTakeCallsWithoutResult() throws Exception {
        List<String> where = new CopyOnWriteArrayList<>();
        Weft.toThread(() -> where.add(Thread.currentThread().getName())); // List.add returns a value: Coroutine
        Weft.toThread(() -> { where.add(Thread.currentThread().getName()); });
        Future<Void> f = Weft.runInExecutor(null, () -> { where.add("executor"); });
        f.await();
        assertEquals(3, where.size());
        assertTrue(where.get(0).contains("executor"), where.toString());
        assertTrue(where.get(1).contains("executor"), where.toString());
    }

    @Test
    void lockAndLoopGroupTakeVoidBodies() {
        LOG.clear();
        Lock lock = new Lock();
        lock.withLock(VoidFormsTest::throwsChecked);
        assertEquals(List.of("io done"), LOG);
        try (LoopGroup group = new LoopGroup(1)) {
            Task<Void> t = group.spawn(() -> { LOG.add("on the group"); });
            t.await();
        }
        assertEquals(List.of("io done", "on the group"), LOG);
    }

    @Test
    void runOnAGivenLoopTakesAVoidMain() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        Weft.toThread(() -> Weft.run(EventLoop.createWithVirtualClock(), () -> {
            Weft.sleep(60);
            ran.add("main");
        }));
        assertEquals(List.of("main"), ran);
    }
}

package dev.weft.process;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.EventLoop;
import dev.weft.LoopGroup;
import dev.weft.Signal;
import dev.weft.Weft;
import dev.weft.sync.Event;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A handler registered before {@code Weft.run} starts keeps precedence over the runner's own. */
class SignalBeforeRunTest {

    @Test
    void aUserHandlerAddedBeforeWeftRunStillGetsTheSignal() throws Exception {
        try (LoopGroup group = new LoopGroup(1)) {
            EventLoop other = group.loop(0);
            AtomicInteger calls = new AtomicInteger();
            Event[] got = new Event[1];
            other.addSignalHandler(Signal.USR1, () -> {
                calls.incrementAndGet();
                got[0].set();
            });
            try {
                Weft.run(() -> { // installs its own SIGUSR1 (task dump) handler over ours
                    got[0] = new Event();
                    String self = Long.toString(ProcessHandle.current().pid());
                    try (Subprocess kill = Subprocess.exec("kill", "-USR1", self)) {
                        assertEquals(0, kill.waitFor());
                    }
                    Weft.withTimeout(java.time.Duration.ofSeconds(30), () -> got[0].await());
                });
            } finally {
                other.removeSignalHandler(Signal.USR1);
            }
            assertEquals(1, calls.get());
        }
    }
}

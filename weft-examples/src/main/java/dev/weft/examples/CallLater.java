package dev.weft.examples;

import dev.weft.EventLoop;

/**
 * Seed 000, "call_at, call_soon, call_later": the loop's low-level callback API. A callback
 * queued with {@code callSoon} runs first; timers run in deadline order; then one stops the
 * loop (the seed leaves {@code run_forever} running; this port stops it after the last timer).
 *
 * <pre>{@code
 * def callback(sleep_times, loop):
 *     print("success time {}".format(loop.time()))
 *
 * def stoploop(loop):
 *     loop.stop()
 *
 * loop = asyncio.get_event_loop()
 * now = loop.time()
 * loop.call_at(now + 2, callback, 2, loop)
 * loop.call_at(now + 1, callback, 1, loop)
 * loop.call_at(now + 3, callback, 3, loop)
 * loop.call_soon(callback, 4, loop)
 * loop.run_forever()
 * }</pre>
 */
public final class CallLater implements Example {

    @Override
    public String name() {
        return "call-later";
    }

    @Override
    public String description() {
        return "seed 000: callAt +2/+1/+3 and callSoon run as 4, 1, 2, 3; then stop()";
    }

    static void callback(int sleepTimes, EventLoop loop) {
        System.out.printf("success time %.3f  (callback %d)%n", loop.time(), sleepTimes);
    }

    static void stopLoop(EventLoop loop) {
        loop.stop();
    }

    @Override
    public void run(String[] args) {
        EventLoop loop = EventLoop.create();
        double now = loop.time();
        loop.callAt(now + 2, () -> callback(2, loop));
        loop.callAt(now + 1, () -> callback(1, loop));
        loop.callAt(now + 3, () -> callback(3, loop));
        loop.callSoon(() -> callback(4, loop));
        loop.callAt(now + 3, () -> stopLoop(loop)); // same deadline as callback 3: runs right after it
        loop.runForever();
        loop.close();
    }
}

package dev.weft.bench.switchcost;

import java.util.concurrent.CompletableFuture;

/**
 * Two JDK virtual threads on the default scheduler (a ForkJoinPool with one carrier per core
 * unless {@code -Djdk.virtualThreadScheduler.parallelism} says otherwise) handing control to
 * each other. Each method starts two fresh virtual threads, joins them from the calling thread,
 * and makes {@code 2 * rounds} hand-offs.
 */
public final class VirtualThreadSwitch {

    private VirtualThreadSwitch() {
    }

    /** Turns through a volatile flag and {@code LockSupport.park/unpark}. */
    public static void parkUnpark(int rounds) throws InterruptedException {
        WeftSwitch.Turns turns = new WeftSwitch.Turns();
        Thread a = Thread.ofVirtual().unstarted(() -> turns.play(0, rounds));
        Thread b = Thread.ofVirtual().unstarted(() -> turns.play(1, rounds));
        turns.players[0] = a;
        turns.players[1] = b;
        a.start();
        b.start();
        a.join();
        b.join();
    }

    /** The future ping-pong of {@link WeftSwitch#futurePingPong(int)} with {@link CompletableFuture#join()}. */
    @SuppressWarnings("unchecked")
    public static void futurePingPong(int rounds) throws InterruptedException {
        CompletableFuture<Object> first = new CompletableFuture<>();
        Thread a = Thread.ofVirtual().start(() -> {
            CompletableFuture<Object> toB = first;
            for (int i = 0; i < rounds; i++) {
                CompletableFuture<Object> reply = new CompletableFuture<>();
                toB.complete(reply);
                toB = (CompletableFuture<Object>) reply.join();
            }
        });
        Thread b = Thread.ofVirtual().start(() -> {
            CompletableFuture<Object> inbox = first;
            for (int i = 0; i < rounds; i++) {
                CompletableFuture<Object> reply = (CompletableFuture<Object>) inbox.join();
                CompletableFuture<Object> next = new CompletableFuture<>();
                reply.complete(next);
                inbox = next;
            }
        });
        a.join();
        b.join();
    }

    /**
     * Both threads call {@link Thread#yield()} {@code rounds} times. Only meaningful with one
     * carrier ({@code -Djdk.virtualThreadScheduler.parallelism=1}); with more, each thread
     * may keep its own carrier and yield to nobody.
     */
    public static void yieldPingPong(int rounds) throws InterruptedException {
        Runnable body = () -> {
            for (int i = 0; i < rounds; i++) {
                Thread.yield();
            }
        };
        Thread a = Thread.ofVirtual().start(body);
        Thread b = Thread.ofVirtual().start(body);
        a.join();
        b.join();
    }
}

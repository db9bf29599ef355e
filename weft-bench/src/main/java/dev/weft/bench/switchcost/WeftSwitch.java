package dev.weft.bench.switchcost;

import dev.weft.Future;
import dev.weft.Task;
import dev.weft.Weft;
import java.util.concurrent.locks.LockSupport;

/**
 * Two Weft tasks on one loop handing control to each other, three ways. Each method runs a
 * fresh {@code Weft.run} and makes {@code 2 * rounds} task switches.
 */
public final class WeftSwitch {

    private WeftSwitch() {
    }

    /** Both tasks call {@link Weft#yieldNow()} {@code rounds} times (asyncio's {@code sleep(0)}). */
    public static void yieldPingPong(int rounds) {
        Weft.run(() -> {
            Task<Void> a = Weft.spawn(() -> yieldTimes(rounds));
            Task<Void> b = Weft.spawn(() -> yieldTimes(rounds));
            a.await();
            b.await();
        });
    }

    private static void yieldTimes(int rounds) {
        for (int i = 0; i < rounds; i++) {
            Weft.yieldNow();
        }
    }

    /**
     * The tasks wake each other through a fresh {@link Future} per message: a message is the
     * future on which the receiver replies, and the reply is the future that will carry the
     * next message. Per round: two futures made, completed and awaited, two switches.
     */
    @SuppressWarnings("unchecked")
    public static void futurePingPong(int rounds) {
        Weft.run(() -> {
            Future<Object> first = Weft.newFuture();
            Task<Void> a = Weft.spawn(() -> {
                Future<Object> toB = first;
                for (int i = 0; i < rounds; i++) {
                    Future<Object> reply = Weft.newFuture();
                    toB.setResult(reply);
                    toB = (Future<Object>) reply.await();
                }
            });
            Task<Void> b = Weft.spawn(() -> {
                Future<Object> inbox = first;
                for (int i = 0; i < rounds; i++) {
                    Future<Object> reply = (Future<Object>) inbox.await();
                    Future<Object> next = Weft.newFuture();
                    reply.setResult(next);
                    inbox = next;
                }
            });
            a.await();
            b.await();
        });
    }

    /**
     * The raw hand-off under Weft's primitives: the tasks take turns through a volatile flag
     * and {@code LockSupport.park/unpark} (two switches per round), the same code as
     * {@link VirtualThreadSwitch#parkUnpark(int)} but scheduled by a Weft loop.
     */
    public static void parkUnpark(int rounds) {
        Weft.run(() -> {
            Turns turns = new Turns();
            Task<Void> a = Weft.spawn(() -> turns.play(0, rounds));
            Task<Void> b = Weft.spawn(() -> turns.play(1, rounds));
            // Neither task runs before main waits, so both threads are known in time.
            turns.players[0] = a.thread();
            turns.players[1] = b.thread();
            a.await();
            b.await();
        });
    }

    /** Two players taking turns with park/unpark; shared by the Weft and JDK variants. */
    static final class Turns {
        final Thread[] players = new Thread[2];
        private volatile int turn;

        /** Plays {@code rounds} turns as player {@code me} (0 or 1). */
        void play(int me, int rounds) {
            Thread other = null;
            for (int i = 0; i < rounds; i++) {
                while (turn != me) {
                    LockSupport.park(this);
                }
                turn = 1 - me;
                if (other == null) {
                    other = players[1 - me];
                }
                LockSupport.unpark(other);
            }
        }
    }
}

package dev.weft.crawler.engine;

import dev.weft.EventLoop;
import dev.weft.Future;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns in the order their tickets were taken: {@link #await} returns once every older ticket
 * has been {@linkplain #pass passed}. The crawl takes a ticket when a page's answer comes in and
 * admits the page's links on its turn, so links enter the frontier in answer order however the
 * parses finish. A ticket whose holder is cancelled or fails is passed all the same (call
 * {@code pass} in a {@code finally}), so nobody waits for ever.
 *
 * <p>Not thread-safe: owned by the crawl's loop.
 */
public final class Turns {

    private final EventLoop loop;
    private long nextTicket;
    private long current;
    /** Tickets passed ahead of {@code current}. */
    private final TreeSet<Long> passed = new TreeSet<>();
    /** Holders waiting for their turn, by ticket. */
    private final Map<Long, Future<Void>> waiting = new HashMap<>();

    /**
     * Turns on a loop.
     *
     * @param loop the loop whose tasks wait
     */
    public Turns(EventLoop loop) {
        this.loop = loop;
    }

    /** {@return a new ticket, after every one taken before} */
    public long take() {
        return nextTicket++;
    }

    /**
     * Waits until every older ticket is passed. A cancellation point when it waits.
     *
     * @param ticket a ticket of {@link #take}
     */
    public void await(long ticket) {
        if (ticket == current) {
            return;
        }
        Future<Void> turn = new Future<>(loop);
        waiting.put(ticket, turn);
        try {
            turn.await();
        } finally {
            waiting.remove(ticket);
        }
    }

    /**
     * The holder of {@code ticket} is done (or gives its turn up): the next ticket's turn comes
     * when every one before it is passed.
     *
     * @param ticket a ticket of {@link #take}, passed once
     */
    public void pass(long ticket) {
        passed.add(ticket);
        while (passed.remove(current)) {
            current++;
        }
        Future<Void> next = waiting.get(current);
        if (next != null) {
            next.trySetResult(null);
        }
    }
}

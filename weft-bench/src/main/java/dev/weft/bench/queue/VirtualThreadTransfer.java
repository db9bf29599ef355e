package dev.weft.bench.queue;

import java.util.concurrent.BlockingQueue;

/**
 * A producer and a consumer on two default-scheduler JDK virtual threads, passing messages
 * through a {@link BlockingQueue}. The calling thread joins both.
 */
public final class VirtualThreadTransfer {

    private VirtualThreadTransfer() {
    }

    /**
     * Sends {@code messages} small integers from one virtual thread to another through
     * {@code queue} and returns their sum (so that nothing is optimised away).
     */
    public static long transfer(BlockingQueue<Integer> queue, int messages) throws InterruptedException {
        long[] sum = new long[1];
        Thread producer = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < messages; i++) {
                    queue.put(i & 127); // boxed from the Integer cache: no allocation per message
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread consumer = Thread.ofVirtual().start(() -> {
            try {
                long s = 0;
                for (int i = 0; i < messages; i++) {
                    s += queue.take();
                }
                sum[0] = s;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        producer.join();
        consumer.join();
        return sum[0];
    }
}

package dev.weft.bench.queue;

import dev.weft.Future;
import dev.weft.Task;
import dev.weft.Weft;
import java.util.concurrent.BlockingQueue;

/**
 * A producer task and a consumer task on one Weft loop, passing messages without
 * {@code dev.weft.queue.Queue} (the baselines until it exists; see {@code WeftQueueBench}).
 */
public final class WeftTransfer {

    private WeftTransfer() {
    }

    /** One message and the future on which the consumer answers with its next inbox. */
    private record Message(int value, Future<Future<Message>> reply) {
    }

    /**
     * Rendezvous through futures (the counterpart of a {@code SynchronousQueue}): the producer
     * completes the consumer's inbox future with a message and waits for the consumer's reply,
     * which is the next inbox. Two futures and two switches per message. Returns the sum.
     */
    public static long futureRendezvous(int messages) {
        return Weft.run(() -> {
            Future<Message> first = Weft.newFuture();
            Task<Void> producer = Weft.spawn(() -> {
                Future<Message> inbox = first;
                for (int i = 0; i < messages; i++) {
                    Future<Future<Message>> reply = Weft.newFuture();
                    inbox.setResult(new Message(i & 127, reply));
                    inbox = reply.await();
                }
            });
            Task<Long> consumer = Weft.spawn(() -> {
                long sum = 0;
                Future<Message> inbox = first;
                for (int i = 0; i < messages; i++) {
                    Message m = inbox.await();
                    sum += m.value();
                    inbox = Weft.newFuture();
                    m.reply().setResult(inbox);
                }
                return sum;
            });
            producer.await();
            return consumer.await();
        });
    }

    /**
     * The producer and consumer tasks use a JDK {@link BlockingQueue}: its blocking put and take
     * unmount the task and hand the loop to the other one. Returns the sum.
     */
    public static long jdkQueue(BlockingQueue<Integer> queue, int messages) {
        return Weft.run(() -> {
            Task<Void> producer = Weft.spawn(() -> {
                for (int i = 0; i < messages; i++) {
                    queue.put(i & 127);
                }
            });
            Task<Long> consumer = Weft.spawn(() -> {
                long sum = 0;
                for (int i = 0; i < messages; i++) {
                    sum += queue.take();
                }
                return sum;
            });
            producer.await();
            return consumer.await();
        });
    }
}

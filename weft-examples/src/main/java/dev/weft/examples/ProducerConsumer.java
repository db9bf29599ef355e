package dev.weft.examples;

import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.queue.Queue;
import java.util.Arrays;
import java.util.Random;

/**
 * Seed 001, "协程实现生产者消费者模型": two producers each put five random values into a
 * {@link Queue}, two consumers take them out; after ten seconds the main task cancels the
 * consumers (which wait forever on an empty queue) and gathers everyone with
 * {@code returnExceptions}.
 *
 * <pre>
 * ./weft example producer-consumer            # as in the seed: 10 s
 * ./weft example producer-consumer --fast     # every sleep divided by 10
 * ./weft example producer-consumer --seed 7   # reproducible values
 * </pre>
 */
public final class ProducerConsumer implements Example {

    @Override
    public String name() {
        return "producer-consumer";
    }

    @Override
    public String description() {
        return "seed 001: producers and consumers share a Queue; consumers cancelled after 10 s (--fast, --seed N)";
    }

    @Override
    public void run(String[] args) {
        double scale = Arrays.asList(args).contains("--fast") ? 0.1 : 1.0;
        int seedAt = Arrays.asList(args).indexOf("--seed");
        Random random = seedAt >= 0 && seedAt + 1 < args.length ? new Random(Long.parseLong(args[seedAt + 1])) : new Random();

        Weft.run(() -> {
            Queue<Integer> queue = new Queue<>();

            Task<Void> consumer1 = Weft.spawn("consumer_1", () -> consumer(queue, "consumer_1", scale));
            Task<Void> consumer2 = Weft.spawn("consumer_2", () -> consumer(queue, "consumer_2", scale));

            Task<Void> producer1 = Weft.spawn("producer_1", () -> producer(queue, "producer_1", random, scale));
            Task<Void> producer2 = Weft.spawn("producer_2", () -> producer(queue, "producer_2", random, scale));

            Weft.sleep(10 * scale);
            consumer1.cancel();
            consumer2.cancel();

            Weft.gatherReturningExceptions(consumer1, consumer2, producer1, producer2);
        });
    }

    /** {@code async def consumer(queue, id)}: takes values forever, one a second. */
    private static void consumer(Queue<Integer> queue, String id, double scale) {
        while (true) {
            int val = queue.get();
            System.out.println(id + " get a val: " + val);
            Weft.sleep(1 * scale);
        }
    }

    /** {@code async def producer(queue, id)}: puts five random values from 1 to 10, one a second. */
    private static void producer(Queue<Integer> queue, String id, Random random, double scale) {
        for (int i = 0; i < 5; i++) {
            int val = 1 + random.nextInt(10);
            queue.put(val);
            System.out.println(id + " put a val: " + val);
            Weft.sleep(1 * scale);
        }
    }
}

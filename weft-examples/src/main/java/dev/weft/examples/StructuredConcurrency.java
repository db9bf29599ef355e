package dev.weft.examples;

import dev.weft.Task;
import dev.weft.TaskGroup;
import dev.weft.TaskGroupException;
import dev.weft.TimeoutException;
import dev.weft.Weft;
import java.time.Duration;

/**
 * The structured-concurrency toolkit the seeds lead to (Python 3.11's asyncio): a task group
 * whose children cannot outlive it, a timeout scope, and {@code shield}.
 *
 * <pre>{@code
 * async with asyncio.TaskGroup() as tg:          # waits for both; a failure cancels the rest
 *     tg.create_task(crawl_page('url_1'))
 *     tg.create_task(crawl_page('url_2'))
 *
 * async with asyncio.timeout(0.5):               # TimeoutError after 0.5 s
 *     await asyncio.sleep(2)
 *
 * save = asyncio.create_task(save_page())
 * await asyncio.wait_for(asyncio.shield(save), 0.2)   # gives up waiting; save goes on
 * }</pre>
 */
public final class StructuredConcurrency implements Example {

    @Override
    public String name() {
        return "structured-concurrency";
    }

    @Override
    public String description() {
        return "TaskGroup (a failure cancels the siblings), withTimeout, shield";
    }

    @Override
    public void run(String[] args) {
        Weft.run(() -> {
            try (TaskGroup group = TaskGroup.open()) {
                group.spawn(() -> SequentialVsConcurrent.crawlPage("url_1"));
                group.spawn(() -> SequentialVsConcurrent.crawlPage("url_2"));
            }
            System.out.println("the group waited for both children");

            try (TaskGroup group = TaskGroup.open()) {
                group.spawn(() -> {
                    Weft.sleep(0.5);
                    throw new IllegalStateException("url_bad: 404");
                });
                group.spawn(() -> {
                    try {
                        Weft.sleep(10);
                    } finally {
                        System.out.println("url_slow stopped early: its sibling failed");
                    }
                });
            } catch (TaskGroupException e) {
                System.out.println("group failed with " + e.exceptions());
            }

            try {
                Weft.withTimeout(Duration.ofMillis(500), () -> Weft.sleep(2));
            } catch (TimeoutException e) {
                System.out.println("timeout: " + e.getMessage());
            }

            Task<String> save = Weft.spawn(() -> {
                Weft.sleep(1);
                return "page saved";
            });
            try {
                Weft.waitFor(Duration.ofMillis(200), Weft.shield(save));
            } catch (TimeoutException e) {
                System.out.println("stopped waiting after 0.2 s; the shielded task goes on: " + save.await());
            }
        });
    }
}

package dev.weft.examples;

import dev.weft.EventLoop;
import dev.weft.Future;
import dev.weft.Weft;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Seed 000, "a thread pool inside coroutines": a blocking download function runs on a pool of
 * three threads; the loop waits for the pool's futures like for its own. Here the "download"
 * is a local blocking call of 200 ms (no network needed), so 20 of them on 3 threads take
 * about 7 × 0.2 = 1.4 s.
 *
 * <pre>{@code
 * def get_url(url):
 *     ...                                   # blocking socket: connect, send, recv
 *     print(html_data)
 *
 * loop = asyncio.get_event_loop()
 * executor = ThreadPoolExecutor(3)
 * tasks = []
 * for url in range(20):
 *     url = "http://shop.projectsedu.com/goods/{}/".format(url)
 *     task = loop.run_in_executor(executor, get_url, url)
 *     tasks.append(task)
 * loop.run_until_complete(asyncio.wait(tasks))
 * print("last time:{}".format(time.time() - start_time))
 * }</pre>
 */
public final class RunInExecutor implements Example {

    @Override
    public String name() {
        return "run-in-executor";
    }

    @Override
    public String description() {
        return "seed 000: 20 blocking downloads on a 3-thread pool via loop.runInExecutor (~1.4 s)";
    }

    /** A blocking "download": 200 ms of waiting on the calling thread, then a tiny page. */
    static String getUrl(String url) throws InterruptedException {
        Thread.sleep(200);
        String html = "<html>" + url + " fetched on " + Thread.currentThread().getName() + "</html>";
        System.out.println(html);
        return html;
    }

    @Override
    public void run(String[] args) {
        long start = System.nanoTime();
        EventLoop loop = EventLoop.create();
        ExecutorService executor = Executors.newFixedThreadPool(3);
        List<Future<String>> tasks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String url = "http://shop.projectsedu.com/goods/" + i + "/";
            Future<String> task = loop.runInExecutor(executor, () -> getUrl(url));
            tasks.add(task);
        }
        loop.runUntilComplete(() -> Weft.wait(tasks));
        loop.close();
        executor.shutdown();
        System.out.printf("last time:%.3f%n", (System.nanoTime() - start) / 1e9);
    }
}

package dev.weft.examples;

import dev.weft.EventLoop;
import dev.weft.Future;
import dev.weft.Task;
import dev.weft.Weft;

/**
 * Seed 000, "how to get a coroutine's return value": a done callback with an extra argument
 * (Python's {@code functools.partial} is a capturing lambda here), then the task's result.
 *
 * <pre>{@code
 * async def get_html(url):
 *     print("start get url")
 *     await asyncio.sleep(2)
 *     return "ywh"
 *
 * def callback(url, future):
 *     print(url)
 *     print("send email to ywh")
 *
 * loop = asyncio.get_event_loop()
 * task = loop.create_task(get_html("http://www.test.com"))
 * task.add_done_callback(partial(callback, "http://www.test.com"))
 * loop.run_until_complete(task)
 * print(task.result())
 * }</pre>
 */
public final class DoneCallback implements Example {

    @Override
    public String name() {
        return "done-callback";
    }

    @Override
    public String description() {
        return "seed 000: task.addDoneCallback with an extra argument, then task.result()";
    }

    static String getHtml(String url) {
        System.out.println("start get url");
        Weft.sleep(2);
        return "ywh";
    }

    static void callback(String url, Future<String> future) {
        System.out.println(url);
        System.out.println("send email to ywh");
    }

    @Override
    public void run(String[] args) {
        String url = "http://www.test.com";
        try (EventLoop loop = EventLoop.create()) {
            Task<String> task = loop.spawn(() -> getHtml(url));
            task.addDoneCallback(f -> callback(url, f)); // partial(callback, url)
            loop.runUntilComplete(task);
            System.out.println(task.result());
        }
    }
}

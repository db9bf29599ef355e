package dev.weft.crawler;

import dev.weft.Future;
import dev.weft.Weft;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * A {@link TestSite} served from a loop of its own on a background thread (real clock), for
 * tests that crawl it from another process.
 */
final class ServedSite implements AutoCloseable {

    private final Thread thread;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final Future<Void> stop = new Future<>();
    private volatile TestSite site;
    private volatile Throwable failure;

    private ServedSite(Consumer<TestSite> pages, boolean tls) {
        thread = new Thread(() -> {
            try {
                Weft.run(() -> {
                    try (TestSite s = tls ? TestSite.startTls() : TestSite.start()) {
                        pages.accept(s);
                        site = s;
                        ready.countDown();
                        stop.await();
                    }
                });
            } catch (Throwable t) {
                failure = t;
                ready.countDown();
            }
        }, "served-site");
        thread.setDaemon(true);
    }

    static ServedSite start(Consumer<TestSite> pages) throws InterruptedException {
        return start(pages, false);
    }

    /** Like {@link #start(Consumer)}, over https ({@link TestSite#startTls()}). */
    static ServedSite startTls(Consumer<TestSite> pages) throws InterruptedException {
        return start(pages, true);
    }

    private static ServedSite start(Consumer<TestSite> pages, boolean tls) throws InterruptedException {
        ServedSite s = new ServedSite(pages, tls);
        s.thread.start();
        s.ready.await();
        if (s.failure != null) {
            throw new IllegalStateException("the site did not start", s.failure);
        }
        return s;
    }

    TestSite site() {
        return site;
    }

    @Override
    public void close() {
        stop.trySetResult(null);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.weft.http.client;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.EventLoop;
import dev.weft.testing.WeftTest;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The backoff of {@link Retry} on a virtual clock. */
@WeftTest
class RetryTest {

    @Test
    void backsOffExponentiallyThenSucceeds() throws Exception {
        EventLoop loop = EventLoop.running();
        AtomicInteger calls = new AtomicInteger();
        long t0 = loop.nanoTime();
        String result = Retry.idempotent(4, Duration.ofMillis(100)).run(() -> {
            if (calls.incrementAndGet() < 4) {
                throw new ServerDisconnectedException("flaky", null);
            }
            return "ok";
        });
        assertEquals("ok", result);
        assertEquals(4, calls.get());
        assertEquals(Duration.ofMillis(100 + 200 + 400).toNanos(), loop.nanoTime() - t0);
    }

    @Test
    void givesUpAfterTheLastAttemptAndNeverRetriesResponseErrors() {
        AtomicInteger calls = new AtomicInteger();
        Retry r = Retry.idempotent(3, Duration.ofSeconds(1)).backoff(10, Duration.ofSeconds(5));
        assertEquals(Duration.ofSeconds(5), r.delay(3));
        assertThrows(ServerDisconnectedException.class, () -> r.run(() -> {
            calls.incrementAndGet();
            throw new ServerDisconnectedException("down", null);
        }));
        assertEquals(3, calls.get());
        calls.set(0);
        assertThrows(ClientResponseException.class, () -> r.run(() -> {
            calls.incrementAndGet();
            throw new ClientResponseException(404, "Not Found", URI.create("http://x.test/"), new dev.weft.http.Headers());
        }));
        assertEquals(1, calls.get());
    }

    @Test
    void refusesNonIdempotentRequests() {
        ClientRequest post = ClientRequest.builder("POST", "http://x.test/").body(Body.text("x")).build();
        assertThrows(IllegalArgumentException.class,
                () -> Retry.idempotent(2, Duration.ofMillis(1)).send(ClientSession.create(), post));
    }

    @Test
    void jitterStaysWithinTheDelay() throws IOException {
        EventLoop loop = EventLoop.running();
        AtomicInteger calls = new AtomicInteger();
        long t0 = loop.nanoTime();
        Retry.idempotent(2, Duration.ofSeconds(1)).jitter(true).run(() -> {
            if (calls.incrementAndGet() < 2) {
                throw new IOException("again");
            }
            return null;
        });
        assertTrue(loop.nanoTime() - t0 <= Duration.ofSeconds(1).toNanos());
    }
}

package dev.weft.http.client;

import dev.weft.Weft;
import dev.weft.internal.Durations;
import dev.weft.internal.Loggers;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;

/**
 * Retries an idempotent request with exponential backoff. The session never retries on its
 * own (apart from a reused connection found closed), so retrying is the caller's choice:
 *
 * <pre>{@code
 * Retry retry = Retry.idempotent(3, Duration.ofMillis(200));   // 3 attempts: now, +200 ms, +400 ms
 * try (ClientResponse r = retry.send(session, ClientRequest.builder("GET", url).build())) { ... }
 * }</pre>
 *
 * <p>An attempt is retried if it failed with an {@link IOException} other than
 * {@link ClientResponseException}, {@link TooManyRedirectsException} or
 * {@link InsecureRedirectException}, or if it answered 429, 502, 503 or 504 (a
 * {@code Retry-After} in seconds is honoured, up to the maximum delay). The delay before
 * attempt {@code n+1} is {@code first * factor^(n-1)}, capped, optionally with full jitter.
 * Waits use {@link Weft#sleep}, so they are cancellation points and follow a virtual clock.
 * Immutable.
 */
public final class Retry {

    private static final Logger LOG = Loggers.get(Retry.class);

    /**
     * One attempt of something that may fail with an {@link IOException}.
     *
     * @param <T> the attempt's result type
     */
    @FunctionalInterface
    public interface Attempt<T> {
        /**
         * Makes the attempt.
         *
         * @return the result
         * @throws IOException if an I/O error occurs
         */
        T call() throws IOException;
    }

    private final int attempts;
    private final Duration first;
    private final double factor;
    private final Duration max;
    private final boolean jitter;
    private final Set<Integer> statuses;

    private Retry(int attempts, Duration first, double factor, Duration max, boolean jitter, Set<Integer> statuses) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1");
        }
        this.attempts = attempts;
        this.first = first;
        this.factor = factor;
        this.max = max;
        this.jitter = jitter;
        this.statuses = Set.copyOf(statuses);
    }

    /**
     * Up to {@code attempts} attempts, waiting {@code firstDelay}, then twice as long each time (at most 30 s).
     *
     * @param attempts the attempts
     * @param firstDelay the first delay
     * @return the retry
     */
    public static Retry idempotent(int attempts, Duration firstDelay) {
        return new Retry(attempts, firstDelay, 2.0, Duration.ofSeconds(30), false, Set.of(429, 502, 503, 504));
    }

    /**
     * With another growth factor and cap of the delay.
     *
     * @param factor the factor
     * @param maxDelay the max delay
     * @return the retry
     */
    public Retry backoff(double factor, Duration maxDelay) {
        return new Retry(attempts, first, factor, maxDelay, jitter, statuses);
    }

    /**
     * With full jitter (each delay uniformly random between 0 and its value).
     *
     * @param on true to turn it on
     * @return the retry
     */
    public Retry jitter(boolean on) {
        return new Retry(attempts, first, factor, max, on, statuses);
    }

    /**
     * With other statuses that are retried.
     *
     * @param codes the codes
     * @return the retry
     */
    public Retry retryOnStatus(Integer... codes) {
        return new Retry(attempts, first, factor, max, jitter, Set.of(codes));
    }

    /**
     * The delay after failed attempt {@code n} (1-based), before jitter.
     *
     * @param n the number
     * @return the delay after failed attempt {@code n} (1-based), before jitter
     */
    public Duration delay(int n) {
        double nanos = first.toNanos() * Math.pow(factor, n - 1);
        return nanos >= max.toNanos() ? max : Duration.ofNanos((long) nanos);
    }

    /**
     * Sends {@code req} through {@code session} until an attempt succeeds or none is left; the
     * last failure or response is what the caller gets.
     *
     * @param session the session
     * @param req the request
     * @return the client response
     * @throws IllegalArgumentException if the method is not idempotent or the body cannot be sent twice
     * @throws IOException if an I/O error occurs
     */
    public ClientResponse send(ClientSession session, ClientRequest req) throws IOException {
        if (!req.idempotent() || (req.body() != null && !req.body().replayable())) {
            throw new IllegalArgumentException(req.method() + " with this body is not safe to retry");
        }
        for (int n = 1;; n++) {
            ClientResponse r;
            try {
                r = session.request(req);
            } catch (IOException e) {
                if (n >= attempts || !retryable(e)) {
                    throw e;
                }
                LOG.debug("attempt {} of {} {} failed: {}", n, req.method(), req.url(), e.toString());
                pause(n, null);
                continue;
            }
            if (n >= attempts || !statuses.contains(r.status())) {
                return r;
            }
            String after = r.header("Retry-After");
            r.close();
            LOG.debug("attempt {} of {} {} answered {}", n, req.method(), req.url(), r.status());
            pause(n, after);
        }
    }

    /**
     * Runs {@code attempt} until it returns or no attempt is left (retrying as {@link #send} does).
     *
     * @param <T> the result type
     * @param attempt the attempt
     * @return the result
     * @throws IOException if an I/O error occurs
     */
    public <T> T run(Attempt<T> attempt) throws IOException {
        for (int n = 1;; n++) {
            try {
                return attempt.call();
            } catch (IOException e) {
                if (n >= attempts || !retryable(e)) {
                    throw e;
                }
                pause(n, null);
            }
        }
    }

    private static boolean retryable(IOException e) {
        return !(e instanceof ClientResponseException) && !(e instanceof TooManyRedirectsException)
                && !(e instanceof InsecureRedirectException) && !(e instanceof DecompressionBombException);
    }

    private void pause(int n, String retryAfter) {
        Duration d = delay(n);
        if (jitter) {
            d = Duration.ofNanos((long) (RandomGenerator.getDefault().nextDouble() * d.toNanos()));
        }
        if (retryAfter != null && retryAfter.matches("\\d{1,9}")) {
            Duration ra = Duration.ofSeconds(Long.parseLong(retryAfter));
            d = ra.compareTo(max) > 0 ? max : ra;
        }
        Weft.sleep(d);
    }

    @Override
    public String toString() {
        return "Retry[attempts=" + attempts + ", first=" + Durations.format(first) + ", factor=" + factor + ", max=" + Durations.format(max) + "]";
    }
}

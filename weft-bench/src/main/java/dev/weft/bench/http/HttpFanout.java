package dev.weft.bench.http;

import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.http.client.ClientResponse;
import dev.weft.http.client.ClientSession;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The HTTP client fan-out contenders (docs/benchmarks.md §5), one per process.
 *
 * <pre>
 *   HttpFanout weft|weft-h1|weft-h2|jdk-async|jdk-vt|jdk-h2 URL REQUESTS CONCURRENCY [WARMUP_REQUESTS [MAX_WARMUP]]
 * </pre>
 *
 * <ul>
 *   <li>{@code weft}: {@code Weft.run}; one {@link ClientSession} with {@code limit(CONCURRENCY)};
 *       CONCURRENCY worker tasks take request numbers from a shared counter, {@code session.get(url)},
 *       {@code bytes()}, close.</li>
 *   <li>{@code jdk-async}: one {@code java.net.http.HttpClient} (HTTP/1.1), {@code sendAsync} gated by a
 *       {@code Semaphore(CONCURRENCY)} acquired by the submitting thread, released on completion.</li>
 *   <li>{@code jdk-vt}: the same HttpClient, CONCURRENCY virtual threads calling the blocking {@code send}.</li>
 *   <li>{@code weft-h2}: as {@code weft}, with {@code http2(true)}: over https every request is a stream of
 *       one shared connection (as many as the server's stream limit needs).</li>
 *   <li>{@code jdk-h2}: as {@code jdk-async}, with {@code HttpClient.Version.HTTP_2}.</li>
 *   <li>{@code weft-h1}: as {@code weft} (HTTP/1.1, a pool of CONCURRENCY connections), named apart for
 *       the https rows of the {@code http2} benchmark.</li>
 * </ul>
 * <p>For https URLs, {@code -Dbench.ca=PEM} names the CA that signed the server's certificate (both clients
 * trust it, and only it).
 *
 * <p>Each contender first runs WARMUP_REQUESTS (default REQUESTS / 4) the same way with the same client
 * (so connections are already open and the JIT warm), then the measured REQUESTS. With MAX_WARMUP (larger
 * than WARMUP_REQUESTS) the warm-up goes on in rounds of WARMUP_REQUESTS until the JIT compilers settle
 * (their compile time in a round under 5% of the round's wall time) or MAX_WARMUP requests were made: on
 * a core shared with the compiler threads, a measured part that the JIT still works through measures the
 * JIT, and on a busy machine how many compilations a fixed warm-up covers depends on the load. Prints one JSON line:
 * wall seconds, requests/s, process CPU seconds (all threads, from the OS MXBean) and CPU microseconds per
 * request of the measured part, the JIT compilers' time and the garbage collectors' time within it (from their
 * MXBeans: what of the CPU was not the client's own work), and the number of non-200 answers/errors.
 *
 * <p>The process ends with {@code halt} (no shutdown hooks); {@code -Dbench.exit=true} ends it with
 * {@code System.exit} instead, so that a profile ({@code -XX:StartFlightRecording=...,filename=F}) is written.
 */
public final class HttpFanout {

    private HttpFanout() {
    }

    interface Round {
        /** Runs n requests at the configured concurrency; returns the number of failures. */
        long run(int n) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        String url = args[1];
        int n = Integer.parseInt(args[2]);
        int conc = Integer.parseInt(args[3]);
        int warm = args.length > 4 ? Integer.parseInt(args[4]) : n / 4;
        int maxWarm = args.length > 5 ? Integer.parseInt(args[5]) : warm;
        String result = switch (kind) {
            case "weft", "weft-h1", "weft-h2" -> Weft.run(() -> {
                ClientSession.Builder b = ClientSession.builder().limit(conc).http2(kind.equals("weft-h2"));
                if (System.getProperty("bench.ca") != null) {
                    b.tls(dev.weft.net.TlsOptions.client().trustPem(java.nio.file.Path.of(System.getProperty("bench.ca"))));
                }
                try (ClientSession session = b.build()) {
                    String line = measure(kind, n, conc, warm, maxWarm, k -> weftRound(session, url, k, conc));
                    return line.substring(0, line.length() - 1) + ",\"connections\":"
                            + session.pool().connectionsOpened() + "}";
                }
            });
            case "jdk-h2" -> {
                HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2);
                if (System.getProperty("bench.ca") != null) {
                    b.sslContext(trusting(java.nio.file.Path.of(System.getProperty("bench.ca"))));
                }
                try (HttpClient client = b.build()) {
                    HttpRequest req = HttpRequest.newBuilder(URI.create(url)).GET().build();
                    yield measure(kind, n, conc, warm, maxWarm, k -> jdkAsyncRound(client, req, k, conc));
                }
            }
            case "jdk-async", "jdk-vt" -> {
                try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                    HttpRequest req = HttpRequest.newBuilder(URI.create(url)).GET().build();
                    Round r = kind.equals("jdk-async") ? k -> jdkAsyncRound(client, req, k, conc)
                            : k -> jdkVtRound(client, req, k, conc);
                    yield measure(kind, n, conc, warm, maxWarm, r);
                }
            }
            default -> throw new IllegalArgumentException("unknown client " + kind);
        };
        System.out.println(result);
        System.out.flush();
        if (Boolean.getBoolean("bench.exit")) {
            System.exit(0); // runs the shutdown hooks: a flight recording started with -XX:StartFlightRecording is written
        }
        Runtime.getRuntime().halt(0);
    }

    /** An SSLContext that trusts the CA in {@code pem} only. */
    private static javax.net.ssl.SSLContext trusting(java.nio.file.Path pem) throws Exception {
        java.security.KeyStore ks = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
        ks.load(null, null);
        try (var in = java.nio.file.Files.newInputStream(pem)) {
            ks.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(in));
        }
        var tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        var ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private static String measure(String kind, int n, int conc, int warm, int maxWarm, Round round)
            throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        var jit = ManagementFactory.getCompilationMXBean();
        int warmed = 0;
        while (warm > 0 && warmed < Math.max(warm, maxWarm)) {
            long j0 = jit.getTotalCompilationTime();
            long w0 = System.nanoTime();
            round.run(warm);
            warmed += warm;
            long roundJitMs = jit.getTotalCompilationTime() - j0;
            long roundWallMs = (System.nanoTime() - w0) / 1_000_000;
            if (roundJitMs * 20 < roundWallMs) {
                break; // the compilers have settled
            }
        }
        long jit0 = jit.getTotalCompilationTime();
        long gc0 = gcMillis();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        long failures = round.run(n);
        long wall = System.nanoTime() - t0;
        long cpu = os.getProcessCpuTime() - cpu0;
        long jitMs = jit.getTotalCompilationTime() - jit0;
        long gcMs = gcMillis() - gc0;
        double secs = wall / 1e9;
        return String.format(java.util.Locale.ROOT,
                "{\"client\":\"%s\",\"requests\":%d,\"concurrency\":%d,\"warmup\":%d,\"wall_s\":%.3f,\"rps\":%.0f,"
                        + "\"cpu_s\":%.3f,\"cpu_us_per_req\":%.1f,\"jit_s\":%.3f,\"gc_s\":%.3f,\"failures\":%d}",
                kind, n, conc, warmed, secs, n / secs, cpu / 1e9, cpu / 1e3 / n, jitMs / 1e3, gcMs / 1e3, failures);
    }

    /** Milliseconds the garbage collectors took so far (all collectors, as the MXBeans count them). */
    private static long gcMillis() {
        long ms = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ms += Math.max(0, gc.getCollectionTime());
        }
        return ms;
    }

    private static long weftRound(ClientSession session, String url, int n, int conc) {
        AtomicInteger next = new AtomicInteger();
        AtomicLong failures = new AtomicLong();
        List<Task<Void>> workers = new ArrayList<>(conc);
        for (int w = 0; w < conc; w++) {
            workers.add(Weft.spawn(() -> {
                while (next.getAndIncrement() < n) {
                    try (ClientResponse r = session.get(url)) {
                        r.bytes();
                        if (r.status() != 200) {
                            failures.incrementAndGet();
                        }
                    } catch (java.io.IOException e) {
                        failures.incrementAndGet();
                    }
                }
            }));
        }
        Weft.gather(workers);
        return failures.get();
    }

    private static long jdkAsyncRound(HttpClient client, HttpRequest req, int n, int conc) throws Exception {
        Semaphore permits = new Semaphore(conc);
        AtomicLong failures = new AtomicLong();
        CountDownLatch done = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            permits.acquire();
            CompletableFuture<HttpResponse<byte[]>> f = client.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray());
            f.whenComplete((r, e) -> {
                if (e != null || r.statusCode() != 200) {
                    failures.incrementAndGet();
                }
                permits.release();
                done.countDown();
            });
        }
        done.await();
        return failures.get();
    }

    private static long jdkVtRound(HttpClient client, HttpRequest req, int n, int conc) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicLong failures = new AtomicLong();
        try (var exec = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < conc; w++) {
                exec.submit(() -> {
                    while (next.getAndIncrement() < n) {
                        try {
                            HttpResponse<byte[]> r = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
                            if (r.statusCode() != 200) {
                                failures.incrementAndGet();
                            }
                        } catch (Exception e) {
                            failures.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
        }
        return failures.get();
    }
}

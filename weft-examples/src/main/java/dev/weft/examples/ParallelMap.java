package dev.weft.examples;

import com.sun.net.httpserver.HttpServer;
import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.exec.Parallel;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

/**
 * Seed 003, "joblib.Parallel": a parallel map that keeps input order, with n workers, on
 * platform threads for CPU-bound work or virtual threads for blocking I/O, and a tqdm
 * progress bar. It runs inside a task here: while a map waits, the loop stays free.
 *
 * <pre>{@code
 * Parallel(n_jobs=2, prefer="processes")(delayed(sqrt)(i**2) for i in range(10))
 * # [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]
 *
 * Parallel(n_jobs=1, prefer="threads", verbose=10)(delayed(sleep)(1) for _ in range(10))
 * # Wall time: 10.1 s            (and with n_jobs=10: about 1 s)
 *
 * Parallel(n_jobs=2)(delayed(nlargest)(n, q)
 *     for q in ([102,134,567], [1102,1134,1567]) for n in range(1,3))
 * # [[567], [567, 134], [1567], [1567, 1134]]
 *
 * with tqdm_joblib(desc="Diamonds", total=len(ll)) as progress_bar:
 *     a = Parallel(n_jobs=2)(delayed(lambda x: x.lower())(i) for i in ll)
 *
 * with tqdm_joblib(desc="Request Baidu", total=len(URLS)) as progress_bar:
 *     a = Parallel(n_jobs=10, prefer="threads")(delayed(load_url)(i) for i in URLS)
 * print(a)       # [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]
 * }</pre>
 *
 * <p>The sleeps are scaled down (10 × 0.2 s instead of 10 × 1 s); the diamonds' {@code cut}
 * column is rebuilt from its known counts; "Baidu" is a local HTTP server that answers after
 * 100 ms, so nothing needs the network.
 */
public final class ParallelMap implements Example {

    @Override
    public String name() {
        return "parallel-map";
    }

    @Override
    public String description() {
        return "seed 003: joblib Parallel: sqrt, sleeps with 1 vs 10 jobs, nlargest, tqdm progress bars";
    }

    @Override
    public void run(String[] args) throws Exception {
        Weft.run(() -> {
            List<Integer> range10 = IntStream.range(0, 10).boxed().toList();

            // prefer="processes": CPU-bound work runs on platform threads, in parallel.
            System.out.println(Parallel.withJobs(2).map(range10, i -> Math.sqrt(i * i)));
            List<Double> a = Parallel.withJobs(2).prefer(Parallel.Workers.VIRTUAL_THREADS)
                    .map(range10, i -> Math.sqrt(i * i));
            System.out.println(a.size());

            sleeps(1);
            sleeps(10);

            List<List<Integer>> queues = List.of(List.of(102, 134, 567), List.of(1102, 1134, 1567));
            List<Callable<List<Integer>>> calls = new ArrayList<>();
            for (List<Integer> q : queues) {
                for (int n = 1; n < 3; n++) {
                    int count = n;
                    calls.add(() -> nlargest(count, q));
                }
            }
            System.out.println(Parallel.withJobs(2).run(calls));

            List<String> ll = diamondCuts();
            List<String> lower = Parallel.withJobs(2).withProgressBar("Diamonds").map(ll, String::toLowerCase);
            System.out.println(countEach(lower));

            requestLocalServer();
        });
    }

    /** Ten 0.2 s sleeps with {@code jobs} workers, reported like joblib's {@code verbose=10}. */
    private static void sleeps(int jobs) {
        long start = System.nanoTime();
        // Another task of the loop ticks every 50 ms: it keeps running while the map waits.
        int[] ticks = {0};
        Task<Void> ticker = Weft.spawn(() -> {
            while (true) {
                Weft.sleep(0.05);
                ticks[0]++;
            }
        });
        List<Object> out = Parallel.withJobs(jobs).onProgress((done, total) -> {
            if (jobs == 1) {
                System.out.printf("[Parallel(n_jobs=%d)]: Done %3d out of %3d | elapsed: %5.1fs%n",
                        jobs, done, total, (System.nanoTime() - start) / 1e9);
            }
        }).map(Collections.nCopies(10, 0.2), seconds -> {
            Thread.sleep((long) (seconds * 1000));
            return null;
        });
        ticker.cancel();
        System.out.printf("n_jobs=%d: Wall time: %.2f s (meanwhile another task of the loop ticked %d times)%n",
                jobs, (System.nanoTime() - start) / 1e9, ticks[0]);
        System.out.println(out);
    }

    /** heapq.nlargest(n, q): the n largest items, largest first. */
    static List<Integer> nlargest(int n, List<Integer> q) {
        return q.stream().sorted(Collections.reverseOrder()).limit(n).toList();
    }

    /** The {@code cut} column of the diamonds data set: 53,940 values with their real counts. */
    static List<String> diamondCuts() {
        Map<String, Integer> counts = Map.of("Fair", 1610, "Good", 4906, "Very Good", 12082,
                "Premium", 13791, "Ideal", 21551);
        List<String> ll = new ArrayList<>();
        counts.forEach((cut, n) -> ll.addAll(Collections.nCopies(n, cut)));
        Collections.sort(ll);
        Collections.shuffle(ll, new Random(53940));
        return ll;
    }

    static Map<String, Integer> countEach(List<String> values) {
        Map<String, Integer> m = new TreeMap<>();
        values.forEach(v -> m.merge(v, 1, Integer::sum));
        return m;
    }

    /** The seed's "Request Baidu", against a local server that answers 200 after 100 ms. */
    private static void requestLocalServer() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        try {
            URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
            List<URI> urls = Collections.nCopies(10, url);
            List<Integer> a = Parallel.withJobs(10).prefer(Parallel.Workers.VIRTUAL_THREADS)
                    .withProgressBar("Request local server")
                    .map(urls, ParallelMap::loadUrl);
            System.out.println(a);
        } finally {
            server.stop(0);
        }
    }

    /** A blocking HTTP GET (urllib.request.urlopen): returns the status. */
    static int loadUrl(URI url) throws Exception {
        HttpURLConnection conn = (HttpURLConnection) url.toURL().openConnection();
        try {
            return conn.getResponseCode();
        } finally {
            conn.disconnect();
        }
    }
}

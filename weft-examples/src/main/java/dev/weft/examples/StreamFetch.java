package dev.weft.examples;

import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.net.Connection;
import dev.weft.net.Streams;
import java.util.ArrayList;
import java.util.List;

/**
 * Seed 000, "asyncio streams": 20 page fetches with {@code openConnection}, the response read
 * line by line ({@code async for raw_line in reader}), results handled as they complete. A local
 * shop server that takes 0.5 s per page stands in for the seed's website.
 *
 * <pre>{@code
 * async def get_url(url):
 *     reader, writer = await asyncio.open_connection(host, 80)
 *     writer.write("GET {} HTTP/1.1\r\nHost:{}\r\nConnection:close\r\n\r\n".format(path, host).encode("utf8"))
 *     all_lines = []
 *     async for raw_line in reader:
 *         all_lines.append(raw_line.decode("utf8"))
 *     return "\n".join(all_lines)
 * }</pre>
 */
public final class StreamFetch implements Example {

    @Override
    public String name() {
        return "stream-fetch";
    }

    @Override
    public String description() {
        return "seed 000: 20 fetches with openConnection + line iteration, handled as they complete (~0.5 s)";
    }

    static String getUrl(String host, int port, String path) throws Exception {
        try (Connection c = Streams.openConnection(host, port)) {
            c.writer().write("GET " + path + " HTTP/1.1\r\nHost:" + host + "\r\nConnection:close\r\n\r\n");
            List<String> allLines = new ArrayList<>();
            for (String line : c.reader().lines()) {       // async for raw_line in reader
                allLines.add(line);
            }
            return String.join("\n", allLines);
        }
    }

    @Override
    public void run(String[] args) throws Exception {
        try (LocalShop shop = new LocalShop(0.5)) {
            long start = System.nanoTime();
            Weft.run(() -> {
                List<Task<String>> tasks = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    String path = "/goods/" + i + "/";
                    tasks.add(Weft.spawn(() -> getUrl("127.0.0.1", shop.port(), path)));
                }
                for (Task<String> task : Weft.asCompleted(tasks)) {
                    System.out.println(task.await());
                }
            });
            System.out.printf("last time:%.3f%n", (System.nanoTime() - start) / 1e9);
        }
    }
}

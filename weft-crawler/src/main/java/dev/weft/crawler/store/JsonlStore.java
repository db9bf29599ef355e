package dev.weft.crawler.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.crawler.frontier.FrontierEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A {@link Store} that writes one JSON object per page to a file ({@code jsonl:PATH}; the
 * columns of {@code pages} as keys, plus {@code items}), and keeps the crawl's state — frontier,
 * hosts, the URLs stored, and the length of the file that is committed — in an SQLite file
 * beside it, {@code PATH.state}.
 *
 * <p><b>Exactly once after {@code kill -9}.</b> A commit appends the batch's lines to the file,
 * then commits the state in one SQLite transaction that also records the file's new length.
 * Opening the store cuts the file back to the recorded length: lines written by a commit that
 * did not finish disappear, and their pages, still in the frontier, are fetched again. So each
 * page is in the file once. (A power cut is another matter: the file is not fsynced.)
 *
 * <p>A new crawl (not a resume) starts the file afresh. A file that exists without its state is
 * refused rather than overwritten. Not thread-safe: used from the crawler's store thread.
 */
public final class JsonlStore implements Store {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final SqlStore state;
    private FileChannel out;
    private long committed;
    private Object fileId;

    /**
     * A store writing to a file.
     *
     * @param file the JSONL file
     */
    public JsonlStore(Path file) {
        this.file = file;
        Path stateFile = Path.of(file + ".state");
        this.state = new SqlStore(SqlDialect.SQLITE, "jsonl:" + file + " (its state, " + stateFile.getFileName() + ")",
                "jdbc:sqlite:" + stateFile, null, null,
                List.of("CREATE TABLE IF NOT EXISTS jsonl (id INTEGER PRIMARY KEY, bytes INTEGER NOT NULL)"));
    }

    @Override
    public String describe() {
        return "jsonl:" + file;
    }

    @Override
    public StoredCrawl open() {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new StoreException("cannot open " + describe() + ": the folder " + dir + " does not exist");
        }
        boolean stateExisted = Files.exists(Path.of(file + ".state"));
        try {
            if (!stateExisted && Files.exists(file) && Files.size(file) > 0) {
                throw new StoreException("jsonl:" + file + " exists and is not the output of a Weft crawl (there is no "
                        + file.getFileName() + ".state beside it): remove it or choose another path");
            }
        } catch (IOException e) {
            throw new StoreException("cannot read " + describe() + ": " + IoErrors.why(e), e);
        }
        StoredCrawl crawl = state.open();
        committed = state.query("SELECT bytes FROM jsonl WHERE id = 1", rs -> rs.next() ? rs.getLong(1) : 0L);
        try {
            out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            long size = out.size();
            if (size < committed) {
                throw new StoreException(describe() + " is shorter (" + size + " bytes) than its state says ("
                        + committed + " bytes): was it edited? Start a new crawl into another path");
            }
            if (size > committed) {
                out.truncate(committed); // lines of a commit that did not finish
            }
            out.position(committed);
            fileId = FileIdentity.of(file);
        } catch (IOException e) {
            throw new StoreException("cannot write to " + describe() + ": " + IoErrors.why(e), e);
        }
        return crawl;
    }

    @Override
    public void commit(Batch batch) {
        FileIdentity.check(file, fileId, describe());
        Batch keys = new Batch();
        batch.frontier().forEach(keys::queue);
        batch.hosts().forEach(keys::host);
        if (batch.crawl() != null) {
            keys.crawl(batch.crawl());
        }
        if (batch.crawl() != null && batch.crawl().starting() && committed > 0) {
            // A new crawl starts the file afresh: first the state says so, then the file is cut.
            state.commit(new Batch(), c -> recordLength(c, 0));
            committed = 0;
        }
        long start = committed;
        try {
            if (out.size() > start) {
                out.truncate(start);
            }
            out.position(start);
            Map<String, List<String>> items = new HashMap<>();
            for (ItemRow i : batch.items()) {
                items.computeIfAbsent(i.url(), k -> new ArrayList<>()).add(i.json());
            }
            StringBuilder lines = new StringBuilder();
            for (PageRecord p : batch.pages()) {
                lines.append(line(p, items.get(p.url()))).append('\n');
                keys.store(new PageRecord(p.url(), null, p.status(), null, null, p.depth(), null, p.fetchedAt(), 0, 0,
                        Map.of(), p.error() == null ? null : p.errorKind(), 0, false, null));
            }
            ByteBuffer buf = ByteBuffer.wrap(lines.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                out.write(buf);
            }
        } catch (IOException e) {
            throw new StoreException("cannot write to " + describe() + ": " + IoErrors.why(e), e);
        }
        long end;
        try {
            end = out.position();
        } catch (IOException e) {
            throw new StoreException("cannot write to " + describe() + ": " + IoErrors.why(e), e);
        }
        try {
            state.commit(keys, c -> recordLength(c, end));
            committed = end;
        } catch (RuntimeException e) {
            try {
                out.truncate(start);
                out.position(start);
            } catch (IOException ignored) {
                // reopening cuts the file back anyway
            }
            throw e;
        }
    }

    private static void recordLength(java.sql.Connection c, long bytes) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO jsonl (id, bytes) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET bytes = excluded.bytes")) {
            ps.setLong(1, bytes);
            ps.executeUpdate();
        }
    }

    private static String line(PageRecord p, List<String> items) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("url", p.url());
        o.put("final_url", p.finalUrl());
        if (p.status() == null) {
            o.putNull("status");
        } else {
            o.put("status", p.status());
        }
        o.put("content_type", p.contentType());
        o.put("title", p.title());
        o.put("depth", p.depth());
        o.put("referrer", p.referrer());
        o.put("fetched_at", SqlDialect.isoMillis(p.fetchedAt()));
        o.put("elapsed_ms", p.elapsedMs());
        o.put("body_bytes", p.bodyBytes());
        o.set("fields", JSON.valueToTree(p.fields() == null ? Map.of() : p.fields()));
        o.put("error", p.error());
        o.put("redirects", p.redirects());
        o.put("truncated", p.truncated());
        o.put("canonical", p.canonical());
        if (items != null) {
            ArrayNode a = o.putArray("items");
            for (String i : items) {
                a.add(JSON.readTree(i));
            }
        }
        return JSON.writeValueAsString(o);
    }

    @Override
    public List<FrontierEntry> frontier(String host, long afterSeq, int limit) {
        return state.frontier(host, afterSeq, limit);
    }

    @Override
    public void forEachKnownUrl(Consumer<String> sink) {
        state.forEachKnownUrl(sink);
    }

    @Override
    public Map<String, Long> queuedByHost() {
        return state.queuedByHost();
    }

    @Override
    public List<HostRow> hosts() {
        return state.hosts();
    }

    @Override
    public void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                // everything written was committed or will be cut on the next open
            }
            out = null;
        }
        state.close();
    }
}

package dev.weft.crawler.demo;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes a demo {@link Shop} as static files, byte for byte what {@link DemoSite} serves, so
 * that any static server (nginx, {@code ./weft serve static}) can serve the very same site:
 * {@code /} is {@code index.html}, {@code /product/7.html} is {@code product/7.html}, and so on,
 * with {@code robots.txt} and the private section beside them. A static server answers the
 * broken links with its own 404 and ignores the query of the featured links, as the demo site
 * does.
 *
 * <p>The folder must be new, empty or a previous export (it holds the marker file
 * {@value #MARKER}); a previous export is replaced. Anything else is refused, so that nothing
 * of the user's is overwritten.
 */
public final class SiteExport {

    /** The file that marks a folder as an export of the demo site. */
    public static final String MARKER = ".weft-demo-site";

    /** What a previous export may hold at its top level, all of which a new export replaces. */
    private static final List<String> EXPORT_ENTRIES = List.of(
            MARKER, "index.html", "robots.txt", "coming-soon.html", "category", "product", "help", "private");

    private SiteExport() {
    }

    /**
     * Writes every page of {@code shop} under {@code dir}.
     *
     * @param shop the shop
     * @param dir the folder: created if missing; must be empty or a previous export
     * @return the number of files written (pages, private pages and robots.txt)
     * @throws IOException if the folder holds something else, or on a write error
     */
    public static long write(Shop shop, Path dir) throws IOException {
        prepare(dir);
        ShopPages pages = new ShopPages(shop);
        long files = 0;
        List<String> all = new ArrayList<>(Shop.PRIVATE_PAGES);
        all.add("/robots.txt");
        for (String path : shop.paths()) {
            writePage(pages, dir, path);
            files++;
        }
        for (String path : all) {
            writePage(pages, dir, path);
            files++;
        }
        Files.writeString(dir.resolve(MARKER), "pages=" + shop.pages() + " seed=" + shop.seed() + "\n");
        return files;
    }

    private static void writePage(ShopPages pages, Path dir, String path) throws IOException {
        Path file = dir.resolve(ShopPaths.fileOf(path));
        Files.createDirectories(file.getParent());
        Files.write(file, pages.render(path));
    }

    private static void prepare(Path dir) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IOException(dir + " exists and is not a folder");
        }
        Files.createDirectories(dir);
        List<Path> entries;
        try (Stream<Path> s = Files.list(dir)) {
            entries = s.toList();
        }
        if (entries.isEmpty()) {
            return;
        }
        if (!Files.isRegularFile(dir.resolve(MARKER))) {
            throw new IOException(dir + " is not empty and holds no previous export of the demo site (no "
                    + MARKER + "): choose a new or empty folder");
        }
        for (Path e : entries) {
            if (!EXPORT_ENTRIES.contains(e.getFileName().toString())) {
                throw new IOException(dir + " holds " + e.getFileName() + ", which is not part of an export of the"
                        + " demo site: choose a new or empty folder");
            }
        }
        for (Path e : entries) {
            deleteTree(e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.isDirectory(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(root);
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}

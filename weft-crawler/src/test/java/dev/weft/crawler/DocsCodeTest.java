package dev.weft.crawler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The code the crawler's documentation shows compiles against the crawler as it is: every
 * {@code java} block of docs/crawler.md, and the examples in {@link Crawler}'s Javadoc. A
 * block that is a whole class is compiled as it stands; a snippet is compiled as the body of a
 * method, with the imports a reader would add.
 */
class DocsCodeTest {

    private static final String IMPORTS = """
            import dev.weft.*;
            import dev.weft.crawler.*;
            import java.time.Duration;
            import java.util.*;
            import java.util.regex.Pattern;
            """;

    @TempDir
    Path out;

    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("docs"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no docs/ above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    static List<String> markdownJavaBlocks(Path md) throws IOException {
        List<String> blocks = new ArrayList<>();
        Matcher m = Pattern.compile("(?s)```java\\n(.*?)```").matcher(Files.readString(md));
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    static List<String> javadocCodeBlocks(Path source) throws IOException {
        List<String> blocks = new ArrayList<>();
        Matcher m = Pattern.compile("(?s)<pre>\\{@code\\n(.*?)\\n\\s*\\*\\s*}</pre>").matcher(Files.readString(source));
        while (m.find()) {
            blocks.add(m.group(1).replaceAll("(?m)^\\s*\\* ?", ""));
        }
        return blocks;
    }

    /** Compiles the blocks; returns the compiler's complaints (empty when all compile). */
    private String compile(List<String> blocks, String where) {
        List<JavaFileObject> units = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            String b = blocks.get(i);
            Matcher whole = Pattern.compile("(?m)^public class (\\w+)").matcher(b);
            String name;
            String text;
            if (whole.find()) {
                name = whole.group(1);
                text = b;
            } else {
                name = "Snippet" + i;
                text = IMPORTS + "class " + name + " {\n static void snippet() throws Exception {\n" + b + "\n }\n}\n";
            }
            String n = name;
            units.add(new SimpleJavaFileObject(java.net.URI.create("string:///" + n + ".java"), JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return text;
                }
            });
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter errors = new StringWriter();
        boolean ok = javac.getTask(errors, null, null, List.of("-proc:none", "-classpath",
                System.getProperty("java.class.path"), "-d", out.toString()), null, units).call();
        return ok ? "" : where + ":\n" + errors;
    }

    @Test
    void everyJavaBlockOfTheCrawlerGuideCompiles() throws IOException {
        List<String> blocks = markdownJavaBlocks(root().resolve("docs/crawler.md"));
        assertTrue(blocks.size() >= 2, "blocks: " + blocks.size());
        assertEquals("", compile(blocks, "docs/crawler.md"));
    }

    @Test
    void theJavadocExamplesOfCrawlerCompile() throws IOException {
        List<String> blocks = javadocCodeBlocks(root().resolve("weft-crawler/src/main/java/dev/weft/crawler/Crawler.java"));
        assertTrue(blocks.size() >= 2, "blocks: " + blocks.size());
        assertTrue(blocks.getFirst().contains("public class ShopCrawl"), "a complete example comes first");
        assertEquals("", compile(blocks, "Crawler's Javadoc"));
    }

    /** A DDL script as one comparable string: no comments, one space between words, none around punctuation. */
    static String normalise(String sql) {
        return sql.replaceAll("--[^\n]*", " ").replaceAll("\\s+", " ").replaceAll(" ?([(),;]) ?", "$1").trim()
                .replaceAll(";$", "");
    }

    /** The {@code sql} block that follows {@code heading} in the guide. */
    static String sqlBlockAfter(String guide, String heading) {
        int at = guide.indexOf(heading);
        assertTrue(at >= 0, "no " + heading + " in docs/crawler.md");
        Matcher m = Pattern.compile("(?s)```sql\n(.*?)```").matcher(guide);
        assertTrue(m.find(at), "no sql block after " + heading);
        return m.group(1);
    }

    @Test
    void theSchemaTheGuideShowsIsExactlyWhatEachStoreCreates() throws IOException {
        String guide = Files.readString(root().resolve("docs/crawler.md"));
        java.util.Map<String, dev.weft.crawler.store.SqlDialect> engines = java.util.Map.of(
                "**SQLite**", dev.weft.crawler.store.SqlDialect.SQLITE,
                "**PostgreSQL**", dev.weft.crawler.store.SqlDialect.POSTGRESQL,
                "**MariaDB / MySQL**", dev.weft.crawler.store.SqlDialect.MARIADB);
        engines.forEach((heading, dialect) -> assertEquals(normalise(String.join(";\n", dialect.ddl())),
                normalise(sqlBlockAfter(guide, heading)), heading));
    }

    @Test
    void theReadmesFirstCommandIsTheDemoAndCiRunsOnlyTheTests() throws IOException {
        Matcher m = Pattern.compile("(?s)```sh\n(.*?)```").matcher(Files.readString(root().resolve("README.md")));
        assertTrue(m.find(), "a sh block in README.md");
        assertTrue(m.group(1).startsWith("./weft demo"), "README's first command:\n" + m.group(1));
        List<String> commands = Files.readAllLines(root().resolve(".ci/run")).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#") && !l.startsWith("set ") && !l.startsWith("cd "))
                .toList();
        assertEquals(List.of("./weft test"), commands, ".ci/run");
    }
}

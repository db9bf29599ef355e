package dev.weft.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The code in the docs compiles (issue 11 §5): every {@code ```java} block of README.md and
 * docs/*.md is compiled against Weft's modules, so that the guide cannot drift from the API
 * again (a void body that {@code gather} refused, a callback that could not throw, an import
 * that made {@code Future} ambiguous all went unnoticed before).
 *
 * <p>How a block is compiled:
 * <ul>
 *   <li>A block with its own {@code import} lines is a complete compilation unit and is
 *       compiled as written.</li>
 *   <li>Any other block is a fragment. Its declarations (methods, fields, records: lines at
 *       column 0 that start one) become members of a wrapper class in
 *       {@code dev.weft.examples} (so the examples' own methods, {@code WaitForTimeout::eternity},
 *       resolve); its other lines become the body of an instance method that may throw.
 *       The wrapper imports Weft's packages and the JDK's usual ones, Weft's {@code Future}
 *       and {@code TimeoutException} by name, as the guide advises.</li>
 *   <li>A fragment may use names the surrounding prose or the example's source define
 *       ({@code URLS}, {@code worker1()}): a symbol that is missing from the wrapper itself is
 *       tolerated when its name is a variable's or a method's (lower case, or a CONSTANT). A
 *       missing type, a missing or mistyped member of any real class, a wrong overload, an
 *       unreported checked exception or an ambiguous name fails the test.</li>
 *   <li>Declarations a fragment needs so that its own calls are checked (a {@code loop} the
 *       calls go through) come from an HTML comment right before the block:
 *       {@code <!-- compile-with: EventLoop loop; SocketChannel client; -->}, added as fields.</li>
 *   <li>A line that is only {@code ...} ("and so on") becomes a comment. A block that cannot
 *       compile on purpose is marked by {@code <!-- compile: no (reason) -->} right before it,
 *       and skipped; so is a {@code module} declaration (it needs the module path; weft-http's
 *       ModulePathTest compiles one).</li>
 * </ul>
 */
class DocsCompileTest {

    private static final Pattern BLOCK = Pattern.compile(
            "(?:<!--\\s*(compile-with:|compile: no)(.*?)-->\\s*\\n)?```java\\n(.*?)\\n```", Pattern.DOTALL);
    /** A line at column 0 that starts a declaration rather than a statement. */
    private static final Pattern DECLARATION = Pattern.compile(
            "^(@\\w+.*|(public|private|protected|static|final|abstract|record|class|interface|enum)\\b.*"
                    + "|[\\w<>\\[\\], ?]+\\s+\\w+\\s*\\([^;]*\\)\\s*(throws [\\w., ]+)?\\s*\\{\\s*(//.*)?)$");
    private static final Pattern MISSING = Pattern.compile(
            "symbol:\\s+(variable|method|class)\\s+(\\w+).*location:\\s+class (?:[\\w.]+\\.)?Snippet\\d+\\s*$", Pattern.DOTALL);

    private static final String PRELUDE = """
            package dev.weft.examples;

            import dev.weft.*;
            import dev.weft.exec.*;
            import dev.weft.net.*;
            import dev.weft.process.*;
            import dev.weft.queue.*;
            import dev.weft.sync.*;
            import dev.weft.http.*;
            import dev.weft.http.client.*;
            import dev.weft.http.server.*;
            import dev.weft.http.httpbin.*;
            import dev.weft.crawler.*;
            import java.io.*;
            import java.net.*;
            import java.nio.*;
            import java.nio.channels.*;
            import java.nio.charset.*;
            import java.nio.file.*;
            import java.time.*;
            import java.util.*;
            import java.util.concurrent.*;
            import java.util.function.*;
            import java.util.regex.*;
            import org.jsoup.Jsoup;
            import org.jsoup.nodes.*;
            import com.fasterxml.jackson.databind.JsonNode;
            import dev.weft.process.SubprocessOptions.Redirect;
            import static java.nio.charset.StandardCharsets.*;
            // Names both sides have: Weft's, as the guide's imports say.
            import dev.weft.Future;
            import dev.weft.TimeoutException;
            import dev.weft.queue.Queue;
            import dev.weft.queue.PriorityQueue;
            import dev.weft.sync.Lock;
            import dev.weft.sync.Semaphore;
            import dev.weft.exec.Parallel;
            import dev.weft.net.Connection;
            import dev.weft.net.Server;
            """;

    /** One {@code ```java} block: where it is, and how it is to be compiled. */
    private record Block(Path file, int line, String context, boolean skipped, String code) {
        String where() {
            return file.getFileName() + ":" + line;
        }
    }

    @Test
    void everyJavaBlockOfTheDocsCompiles() throws IOException {
        List<Block> blocks = new ArrayList<>();
        for (Path f : docs()) {
            String text = Files.readString(f, StandardCharsets.UTF_8);
            Matcher m = BLOCK.matcher(text);
            while (m.find()) {
                int line = 1 + (int) text.substring(0, m.start(3)).chars().filter(c -> c == '\n').count();
                boolean skipped = "compile: no".equals(m.group(1));
                String context = "compile-with:".equals(m.group(1)) ? m.group(2).trim() : "";
                blocks.add(new Block(f, line, context, skipped, m.group(3)));
            }
        }
        assertTrue(blocks.size() > 30, "the docs' Java blocks were not found: " + blocks.size());

        List<JavaFileObject> units = new ArrayList<>();
        List<Block> compiled = new ArrayList<>();
        for (Block b : blocks) {
            if (b.skipped() || b.code().startsWith("module ")) {
                continue;                                   // a module-info needs the module path
            }
            String name = "Snippet" + compiled.size();
            units.add(new Source(name, unitOf(b, name)));
            compiled.add(b);
        }

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Path out = Files.createTempDirectory("weft-docs-compile");
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            List<String> options = List.of("-classpath", System.getProperty("java.class.path"),
                    "-d", out.toString(), "-proc:none", "-XDrawDiagnostics=false", "-Xlint:none", "-nowarn",
                    "-Xmaxerrs", "10000");
            javac.getTask(new StringWriter(), files, diagnostics, options, null, units).call();
        } finally {
            try (Stream<Path> walk = Files.walk(out)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }

        List<String> failures = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() != Diagnostic.Kind.ERROR) {
                continue;
            }
            String message = d.getMessage(Locale.ROOT);
            if (toleratedMissingName(message)) {
                continue;
            }
            Source src = (Source) d.getSource();
            Block b = src == null ? null : compiled.get(Integer.parseInt(src.name.substring("Snippet".length())));
            String codeLine = src == null ? "" : src.line((int) d.getLineNumber()).strip();
            failures.add((b == null ? "?" : b.where()) + ": " + message.lines().findFirst().orElse("")
                    + "\n        in: " + codeLine);
        }
        assertTrue(failures.isEmpty(), failures.size() + " error(s) in the docs' Java blocks "
                + "(see DocsCompileTest's Javadoc for how blocks are wrapped and marked):\n" + String.join("\n", failures));
    }

    /** A variable or method the fragment takes from its surroundings ({@code URLS}, {@code worker1()}). */
    static boolean toleratedMissingName(String message) {
        Matcher m = MISSING.matcher(message);
        if (!m.find()) {
            return false;
        }
        String kind = m.group(1);
        String name = m.group(2);
        boolean constant = name.equals(name.toUpperCase(Locale.ROOT)) && name.length() > 1;
        return !kind.equals("class") && (Character.isLowerCase(name.charAt(0)) || constant);
    }

    private static List<Path> docs() throws IOException {
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.isDirectory(root.resolve("docs"))) {
            root = root.getParent();
        }
        if (root == null) {
            throw new IllegalStateException("no docs/ above " + Path.of("").toAbsolutePath());
        }
        List<Path> out = new ArrayList<>();
        out.add(root.resolve("README.md"));
        try (Stream<Path> s = Files.list(root.resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(out::add);
        }
        return out;
    }

    /** The compilation unit for a block (see the class comment). */
    static String unitOf(Block b, String name) {
        String code = b.code();
        if (code.lines().anyMatch(l -> l.startsWith("import "))) {
            // A complete unit: its top-level class takes the wrapper's name, so that names never clash.
            Matcher cls = Pattern.compile("^(?:public\\s+)?(?:final\\s+)?class (\\w+)", Pattern.MULTILINE).matcher(code);
            String unit = code.replaceAll("(?m)^package .*$", "");
            if (cls.find()) {
                unit = unit.replaceAll("\\b" + cls.group(1) + "\\b", name).replaceAll("(?m)^public (final )?class", "class");
            }
            return unit;
        }
        StringBuilder members = new StringBuilder();
        StringBuilder statements = new StringBuilder();
        List<String> lines = code.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.strip().equals("...")) {
                l = l.replace("...", "// ...");          // "and so on" in a sketch
            }
            if (!l.isEmpty() && !Character.isWhitespace(l.charAt(0)) && DECLARATION.matcher(l).matches()) {
                // A declaration: up to the line where its braces close, or its own line when it
                // opens none (a field).
                int depth = braces(l);
                boolean opened = depth > 0 || l.contains("{");
                members.append(l).append('\n');
                while (opened && depth > 0 && ++i < lines.size()) {
                    members.append(lines.get(i)).append('\n');
                    depth += braces(lines.get(i));
                }
            } else {
                statements.append(l).append('\n');
            }
        }
        return PRELUDE + "\n@SuppressWarnings(\"all\")\nclass " + name + " {\n"
                + (b.context().isEmpty() ? "" : b.context() + "\n")
                + members
                + "void snippet() throws Exception {\n" + statements + "}\n}\n";
    }

    /** The braces a line opens minus those it closes (string literals and comments ignored roughly). */
    private static int braces(String line) {
        String code = line.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"").replaceAll("//.*$", "");
        return (int) (code.chars().filter(c -> c == '{').count() - code.chars().filter(c -> c == '}').count());
    }

    /** A compilation unit held in memory. */
    private static final class Source extends SimpleJavaFileObject {
        final String name;
        final String text;

        Source(String name, String text) {
            super(URI.create("string:///dev/weft/examples/" + name + ".java"), Kind.SOURCE);
            this.name = name;
            this.text = text;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return text;
        }

        String line(int n) {
            List<String> lines = text.lines().toList();
            return n >= 1 && n <= lines.size() ? lines.get(n - 1) : "";
        }
    }
}

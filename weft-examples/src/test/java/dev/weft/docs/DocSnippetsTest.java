package dev.weft.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Every {@code ```java} block of README.md and docs/*.md compiles against this build's classes,
 * so the guides cannot drift from the API again.
 *
 * <ul>
 *   <li>A <b>complete program</b> (it has {@code package} or {@code import} lines and declares a
 *       type) compiles as it is, alone.</li>
 *   <li>A <b>fragment</b> compiles inside a class that imports Weft's API packages and the usual
 *       JDK ones (explicitly Weft's {@code Future}, {@code TimeoutException}, {@code Queue},
 *       {@code Lock}, as the guide advises): its method, field and type declarations as the class's
 *       members, its statements as the body of a method that may throw anything. A name the prose
 *       assumes ({@code fetch}, {@code urls}, a helper of the example) may stay undefined: an
 *       unresolved symbol of the fragment's own class is allowed. Anything else fails the test: a
 *       method Weft lacks, a wrong type, an ambiguous name, a syntax error.</li>
 *   <li>The HTML comment on the line before a block may say {@code <!-- java: import a.b.C -->}
 *       (the fragment needs that import) or {@code <!-- java: not compiled: REASON -->}.</li>
 * </ul>
 */
class DocSnippetsTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private static final String IMPORTS = """
            import dev.weft.*;
            import dev.weft.exec.*;
            import dev.weft.net.*;
            import dev.weft.process.*;
            import dev.weft.queue.*;
            import dev.weft.sync.*;
            import dev.weft.http.*;
            import dev.weft.http.client.*;
            import dev.weft.http.server.*;
            import dev.weft.testing.*;
            import dev.weft.crawler.*;
            import java.io.*;
            import java.net.*;
            import java.nio.charset.*;
            import java.nio.file.*;
            import java.time.*;
            import java.util.*;
            import java.util.concurrent.atomic.*;
            import java.util.function.*;
            import java.util.stream.*;
            import dev.weft.Future;
            import dev.weft.TimeoutException;
            import dev.weft.queue.Queue;
            import dev.weft.sync.Condition;
            import dev.weft.sync.Lock;
            import dev.weft.sync.Semaphore;
            import java.util.List;
            import java.util.concurrent.Callable;
            import java.util.concurrent.CompletableFuture;
            import java.util.concurrent.ExecutorService;
            import java.util.concurrent.Executors;
            """;

    private static final Pattern MARKER = Pattern.compile("<!--\\s*java:\\s*(.*?)\\s*-->");
    private static final Pattern TYPE = Pattern.compile("(?m)^(?:public\\s+)?(?:final\\s+)?(?:class|record|interface|enum)\\s+(\\w+)");
    private static final Pattern MEMBER_START = Pattern.compile("^(@\\w+|(public|private|protected|static|final)\\s"
            + "|(record|class|interface|enum)\\s|[\\w<>\\[\\], ?]+\\s+\\w+\\s*\\([^)]*\\)\\s*(throws\\s+[\\w., ]+)?\\{\\s*(//.*)?$)");

    /** One {@code ```java} block: where it is, its code, the marker before it. */
    private record Block(String where, String code, String marker) {
    }

    @Test
    void everyJavaBlockOfTheDocsCompiles() throws IOException {
        List<Block> blocks = blocks();
        assertTrue(blocks.size() > 40, "found the guides' blocks: " + blocks.size());
        Map<String, Block> fragments = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        int skipped = 0;
        for (Block b : blocks) {
            if (b.marker().startsWith("not compiled:")) {
                skipped++;
                continue;
            }
            if (isComplete(b.code())) {
                problems.addAll(compile(Map.of(typeName(b.code()), b.code()), Map.of(typeName(b.code()), b), false));
            } else {
                fragments.put("Snippet" + fragments.size(), b);
            }
        }
        Map<String, String> sources = new LinkedHashMap<>();
        fragments.forEach((name, b) -> sources.put(name, fragment(name, b)));
        problems.addAll(compile(sources, fragments, true));
        assertEquals(List.of(), problems, problems.size() + " of " + blocks.size() + " blocks do not compile ("
                + skipped + " marked not compiled)");
    }

    private static List<Block> blocks() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> s = Files.list(ROOT.resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        List<Block> blocks = new ArrayList<>();
        for (Path doc : docs) {
            List<String> lines = Files.readAllLines(doc);
            for (int i = 0; i < lines.size(); i++) {
                if (!lines.get(i).strip().equals("```java")) {
                    continue;
                }
                Matcher m = i > 0 ? MARKER.matcher(lines.get(i - 1)) : null;
                String marker = m != null && m.find() ? m.group(1) : "";
                int start = i + 1;
                StringBuilder code = new StringBuilder();
                for (i = start; i < lines.size() && !lines.get(i).strip().startsWith("```"); i++) {
                    code.append(lines.get(i)).append('\n');
                }
                blocks.add(new Block(ROOT.relativize(doc) + ":" + start, code.toString(), marker));
            }
        }
        return blocks;
    }

    private static boolean isComplete(String code) {
        return Pattern.compile("(?m)^(package|import)\\s").matcher(code).find() && TYPE.matcher(code).find();
    }

    private static String typeName(String code) {
        Matcher m = TYPE.matcher(code);
        return m.find() ? m.group(1) : "Program";
    }

    /** The fragment as a class: imports only, or its members and a method holding its statements. */
    private static String fragment(String name, Block b) {
        String imports = IMPORTS + (b.marker().startsWith("import ") ? b.marker() + ";\n" : "");
        if (b.code().lines().allMatch(l -> l.isBlank() || l.startsWith("import ") || l.strip().startsWith("//"))) {
            return b.code() + "class " + name + " {}\n"; // an imports block: as the reader writes them
        }
        StringBuilder members = new StringBuilder();
        StringBuilder statements = new StringBuilder();
        int depth = 0;
        boolean member = false;
        for (String line : b.code().split("\n", -1)) {
            if (depth == 0 && !line.isBlank()) {
                member = MEMBER_START.matcher(line).find();
            }
            (member ? members : statements).append(line).append('\n');
            for (char c : line.toCharArray()) {
                depth += c == '{' ? 1 : c == '}' ? -1 : 0;
            }
        }
        return imports + "@SuppressWarnings(\"all\") class " + name + " {\n" + members
                + "\nvoid snippet() throws Exception {\n" + statements + "\n}\n}\n";
    }

    private static List<String> compile(Map<String, String> sources, Map<String, Block> blocks, boolean fragments)
            throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<JavaFileObject> units = new ArrayList<>();
        sources.forEach((name, code) -> units.add(new SimpleJavaFileObject(URI.create("string:///" + name + ".java"),
                JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return code;
            }
        }));
        Path out = Files.createTempDirectory("snippets");
        try {
            javac.getTask(null, null, diagnostics, List.of("-proc:none", "-Xlint:none", "-d", out.toString(),
                    "-cp", System.getProperty("java.class.path")), null, units).call();
        } finally {
            try (Stream<Path> left = Files.walk(out)) {
                left.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        List<String> problems = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() != Diagnostic.Kind.ERROR) {
                continue;
            }
            String file = d.getSource() == null ? "" : Path.of(d.getSource().toUri().getPath()).getFileName().toString();
            String name = file.replace(".java", "");
            String message = d.getMessage(Locale.ROOT);
            if (fragments && d.getCode().startsWith("compiler.err.cant.resolve") && message.contains("location: class " + name)) {
                continue; // a helper or variable the prose assumes
            }
            Block b = blocks.get(name);
            problems.add((b == null ? file : b.where()) + ": " + message.replace('\n', ' ')
                    + " [" + sources.getOrDefault(name, "").lines().skip(d.getLineNumber() - 1).findFirst().orElse("").strip() + "]");
        }
        return problems;
    }
}

package dev.weft.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.DocTrees;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePathScanner;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.type.TypeMirror;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Javadoc of the libraries' public API is complete and well formed, checked where
 * {@code ./weft test} runs (CI): doclint, as {@code mvn javadoc:javadoc} and the javadoc jars
 * run it ({@code all}, public and protected members), over each module's main sources,
 * through javac in this JVM (a few seconds, no HTML written). A module whose POM sets
 * {@code weft.javadoc.strict} to false (inherited from the root POM otherwise) is only
 * reported, not failed, while its tags are being completed. Beyond doclint, the fields of the
 * serialized form (an exception's private fields) need comments, as javadoc asks.
 */
class JavadocLintTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern STRICT = Pattern.compile("<weft\\.javadoc\\.strict>(\\w+)</weft\\.javadoc\\.strict>");

    @ParameterizedTest
    @ValueSource(strings = {"weft-core", "weft-http", "weft-test", "weft-crawler"})
    void theModulesJavadocPassesDoclint(String module) throws IOException {
        List<String> problems = doclint(ROOT.resolve(module).resolve("src/main/java"));
        if (strict(module)) {
            assertEquals(List.of(), problems, module + ": " + problems.size() + " doclint problems");
        } else {
            System.err.println(module + ": weft.javadoc.strict is false; " + problems.size() + " doclint problems left");
            assertTrue(problems.stream().noneMatch(p -> p.contains(" error: ")),
                    () -> module + ": doclint errors (malformed HTML or tags) fail even while tags are incomplete: "
                            + problems.stream().filter(p -> p.contains(" error: ")).toList());
        }
    }

    /** The doclint diagnostics of the sources under {@code dir}, one line each. */
    private static List<String> doclint(Path dir) throws IOException {
        List<Path> sources;
        try (Stream<Path> files = Files.walk(dir)) {
            // module-info aside: the sources compile on the class path, as the tests run
            sources = files.filter(p -> p.toString().endsWith(".java") && !p.endsWith("module-info.java")).toList();
        }
        Path out = Files.createTempDirectory("doclint");
        List<String> serialProblems = new ArrayList<>();
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            List<String> options = List.of("-Xdoclint:all/protected", "-Xmaxwarns", "100000", "-Xlint:none",
                    "-proc:none", "-implicit:none", "-d", out.toString(),
                    "-cp", System.getProperty("java.class.path"));
            JavacTask task = (JavacTask) javac.getTask(null, files, diagnostics, options, null,
                    files.getJavaFileObjectsFromPaths(sources));
            Iterable<? extends CompilationUnitTree> units = task.parse();
            task.analyze();
            serializedFieldsWithoutComment(task, units, serialProblems);
        } finally {
            try (Stream<Path> left = Files.walk(out)) {
                left.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        List<String> problems = new ArrayList<>(serialProblems);
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getCode() != null && d.getCode().endsWith(".proc.messager")) { // doclint's, not javac's own
                String file = d.getSource() == null ? "?" : ROOT.relativize(Path.of(d.getSource().toUri())).toString();
                problems.add(file + ":" + d.getLineNumber() + ": "
                        + (d.getKind() == Diagnostic.Kind.ERROR ? "error" : "warning") + ": " + d.getMessage(Locale.ROOT));
            }
        }
        return problems;
    }

    /**
     * What javadoc checks beyond doclint's public and protected scope: the serialized form.
     * A public Serializable class (every exception) has its instance fields, private ones too,
     * on javadoc's serialized-form page, and each needs a comment.
     */
    private static void serializedFieldsWithoutComment(JavacTask task, Iterable<? extends CompilationUnitTree> units,
            List<String> problems) {
        DocTrees trees = DocTrees.instance(task);
        TypeMirror serializable = task.getElements().getTypeElement("java.io.Serializable").asType();
        for (CompilationUnitTree unit : units) {
            new TreePathScanner<Void, Void>() {
                @Override
                public Void visitVariable(VariableTree field, Void unused) {
                    Element e = trees.getElement(getCurrentPath());
                    if (e != null && e.getKind() == ElementKind.FIELD
                            && !e.getModifiers().contains(Modifier.STATIC) && !e.getModifiers().contains(Modifier.TRANSIENT)
                            && e.getEnclosingElement().getKind() == ElementKind.CLASS // an enum's form is its name
                            && e.getEnclosingElement().getModifiers().contains(Modifier.PUBLIC)
                            && task.getTypes().isAssignable(e.getEnclosingElement().asType(), serializable)
                            && trees.getDocCommentTree(getCurrentPath()) == null) {
                        long line = unit.getLineMap().getLineNumber(trees.getSourcePositions().getStartPosition(unit, field));
                        problems.add(ROOT.relativize(Path.of(unit.getSourceFile().toUri())) + ":" + line
                                + ": warning: no comment (a field of the serialized form of " + e.getEnclosingElement() + ")");
                    }
                    return null; // fields only, not the locals of methods
                }
            }.scan(unit, null);
        }
    }

    /** The module's weft.javadoc.strict: its own POM's, else the root POM's. */
    private static boolean strict(String module) throws IOException {
        for (Path pom : List.of(ROOT.resolve(module).resolve("pom.xml"), ROOT.resolve("pom.xml"))) {
            Matcher m = STRICT.matcher(Files.readString(pom));
            if (m.find()) {
                return Boolean.parseBoolean(m.group(1));
            }
        }
        return false;
    }
}

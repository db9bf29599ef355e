package dev.weft.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.weft.testing.JavaStatements.Statement;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link JavaStatements} on sample source text: a statement split over lines is one statement (a
 * line-by-line scan misses it), and nothing inside a comment, a string, a character literal or a
 * text block is taken for code.
 */
class JavaStatementsTest {

    /** The pattern Weft's loop-assert checks use. */
    private static final Pattern ASSERT_IN_LOOP = Pattern.compile("\\bassert\\b.*\\binLoop\\(\\)");

    /** A source file; the line numbers are in the comments at the ends of the lines. */
    private static final String SAMPLE = String.join("\n",
            "package p;",                                                       // 1
            "",                                                                 // 2
            "/** Javadoc: {@code assert inLoop();} is not code. */",             // 3
            "final class Sample {",                                             // 4
            "    // assert loop.inLoop();",                                     // 5
            "    /* assert loop.inLoop(); */",                                  // 6
            "    private static final String S = \"assert loop.inLoop();\";",   // 7
            "    private static final char SEMI = ';';",                        // 8
            "    private static final char QUOTE = '\"';",                      // 9
            "    private static final String ESCAPED = \"\\\" assert loop.inLoop() \\\"\";", // 10
            "    private static final String BLOCK = \"\"\"",                   // 11
            "            assert loop.inLoop();",                                // 12
            "            \\\"\"\" assert loop.inLoop();",                       // 13
            "            \"\"\";",                                              // 14
            "",                                                                 // 15
            "    void one() {",                                                 // 16
            "        assert loop.holdsLoop() : \"fine\";",                      // 17
            "        assert loop",                                              // 18
            "                .inLoop()",                                        // 19
            "                : \"split over three lines\";",                    // 20
            "        if (debug) assert loop.inLoop();",                         // 21
            "    }",                                                            // 22
            "}",                                                                // 23
            "");

    private static List<Statement> offenders(String source) {
        return JavaStatements.parse(Path.of("Sample.java"), source).stream()
                .filter(s -> ASSERT_IN_LOOP.matcher(s.text()).find()).toList();
    }

    @Test
    void anAssertSplitOverLinesIsOneStatementFoundOnTheLineItStarts() {
        List<String> found = offenders(SAMPLE).stream().map(Statement::toString).toList();
        assertEquals(List.of(
                "Sample.java:18: assert loop .inLoop() : \" \"",
                "Sample.java:21: if (debug) assert loop.inLoop()"), found);
    }

    @Test
    void aLineByLineScanMissesTheSplitAssert() {
        // what the two loop-assert checks did before (each line on its own): the split one escapes
        Pattern perLine = Pattern.compile("\\bassert\\b[^;]*\\binLoop\\(\\)");
        String[] lines = SAMPLE.split("\n");
        boolean sawLine18 = perLine.matcher(lines[17]).find() || perLine.matcher(lines[18]).find();
        assertEquals(false, sawLine18);
        assertEquals(2, offenders(SAMPLE).size());
    }

    @Test
    void commentsAndLiteralsAreBlankedAndLinesKeepTheirNumbers() {
        String source = "int a = 1; // x;\n/* y;\n z; */ int b = 2;\nString s = \"p;q\"; char c = ';';\n";
        List<String> found = JavaStatements.parse(Path.of("A.java"), source).stream().map(Statement::toString).toList();
        assertEquals(List.of("A.java:1: int a = 1", "A.java:3: int b = 2", "A.java:4: String s = \" \"",
                "A.java:4: char c = ' '"), found);
        assertEquals(source.length(), JavaStatements.blank(source).length());
    }

    @Test
    void aFolderIsScannedFileByFileAndAMissingOneIsAnError(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("a/b"));
        Files.writeString(dir.resolve("a/b/B.java"), "class B {\n  void f() {\n    assert\n      inLoop();\n  }\n}\n");
        Files.writeString(dir.resolve("a/A.java"), "class A { void f() { assert holdsLoop(); } }\n");
        Files.writeString(dir.resolve("a/notes.txt"), "assert inLoop();\n");
        List<String> found = JavaStatements.matching(ASSERT_IN_LOOP, dir).stream().map(Statement::toString).toList();
        assertEquals(List.of(Path.of("a/b/B.java") + ":3: assert inLoop()"), found);
        assertThrows(NotDirectoryException.class, () -> JavaStatements.under(dir.resolve("nothing-here")));
        assertThrows(NotDirectoryException.class, () -> JavaStatements.under(dir.resolve("a/A.java")));
    }
}

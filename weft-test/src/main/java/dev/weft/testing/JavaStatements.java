package dev.weft.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The statements of Java source files, for tests that check the source itself (Weft's own: "no
 * {@code assert} calls {@code inLoop()}, which may act"). A check that reads a file line by line
 * misses a statement split over lines; this one reads whole statements:
 *
 * <pre>{@code
 * Pattern assertInLoop = Pattern.compile("\\bassert\\b.*\\binLoop\\(\\)");
 * List<JavaStatements.Statement> offenders = JavaStatements.matching(assertInLoop, Path.of("src/main/java"));
 * assertEquals(List.of(), offenders);
 * }</pre>
 *
 * <p>What it reads: comments, string and character literals and text blocks are blanked first
 * (a pattern never matches inside them, and a {@code ;} in a string ends nothing); then the text
 * is cut at every {@code ;}, <code>{</code> and <code>}</code>, and each piece that is not blank is
 * a statement, its whitespace (line breaks included) collapsed to single spaces, with the file and
 * the line it starts on. Not a parser: the head of a {@code for} is three pieces, a class
 * declaration up to its brace is one, a lambda's block splits the statement holding it. That is
 * enough for patterns on one simple statement ({@code assert}, a call, a field).
 *
 * <p>Stateless; every method may be called from any thread.
 */
public final class JavaStatements {

    private JavaStatements() {
    }

    /**
     * One statement (or declaration head) of a source file.
     *
     * @param file the file, relative to the root it was found under (as given to {@link #parse})
     * @param line the line it starts on, 1 for the first
     * @param text its text without comments or literal contents, whitespace collapsed to single
     *     spaces, without the {@code ;} or brace that ends it
     */
    public record Statement(Path file, int line, String text) {

        /** {@return {@code file:line: text}, as a compiler names a place} */
        @Override
        public String toString() {
            return file + ":" + line + ": " + text;
        }
    }

    /**
     * The statements of one source text.
     *
     * @param file what to call the file in each statement
     * @param source the whole text of a Java source file
     * @return its statements, in order
     */
    public static List<Statement> parse(Path file, String source) {
        String text = blank(source);
        List<Statement> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int line = 1;
        int startLine = 0; // 0: nothing but whitespace in current yet
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ';' || c == '{' || c == '}') {
                if (startLine > 0) {
                    statements.add(new Statement(file, startLine, current.toString().strip().replaceAll("\\s+", " ")));
                }
                current.setLength(0);
                startLine = 0;
            } else {
                if (startLine == 0 && !Character.isWhitespace(c)) {
                    startLine = line;
                }
                current.append(c);
            }
            if (c == '\n') {
                line++;
            }
        }
        if (startLine > 0) {
            statements.add(new Statement(file, startLine, current.toString().strip().replaceAll("\\s+", " ")));
        }
        return statements;
    }

    /**
     * The statements of every {@code .java} file under {@code root}, files in path order.
     *
     * @param root a source folder, such as {@code src/main/java}
     * @return their statements, each with its file relative to {@code root}
     * @throws NotDirectoryException if {@code root} is not a folder (a check over no files would
     *     pass whatever the code says)
     * @throws IOException if a file cannot be read
     */
    public static List<Statement> under(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new NotDirectoryException(root.toAbsolutePath().toString());
        }
        List<Statement> statements = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java") && Files.isRegularFile(p)).sorted().toList()) {
                statements.addAll(parse(root.relativize(f), Files.readString(f)));
            }
        }
        return statements;
    }

    /**
     * The statements under any of {@code roots} in which {@code pattern} is found.
     *
     * @param pattern what to look for ({@link java.util.regex.Matcher#find find}, on a statement's
     *     {@link Statement#text text})
     * @param roots source folders, see {@link #under}
     * @return the statements it is found in, root by root
     * @throws IOException if a root is not a folder or a file cannot be read
     */
    public static List<Statement> matching(Pattern pattern, Path... roots) throws IOException {
        List<Statement> found = new ArrayList<>();
        for (Path root : roots) {
            for (Statement s : under(root)) {
                if (pattern.matcher(s.text()).find()) {
                    found.add(s);
                }
            }
        }
        return found;
    }

    /**
     * {@code source} with the contents of comments, string and character literals and text blocks
     * turned into spaces; line breaks are kept, so lines keep their numbers.
     */
    static String blank(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int n = source.length();
        int i = 0;
        while (i < n) {
            char c = source.charAt(i);
            char next = i + 1 < n ? source.charAt(i + 1) : '\0';
            if (c == '/' && next == '/') {
                while (i < n && source.charAt(i) != '\n') {
                    out.append(' ');
                    i++;
                }
            } else if (c == '/' && next == '*') {
                out.append("  ");
                i += 2;
                while (i < n && !(source.charAt(i) == '*' && i + 1 < n && source.charAt(i + 1) == '/')) {
                    out.append(spaceFor(source.charAt(i)));
                    i++;
                }
                if (i < n) {
                    out.append("  ");
                    i += 2;
                }
            } else if (source.startsWith("\"\"\"", i)) {
                out.append("\"\"\"");
                i += 3;
                while (i < n && !source.startsWith("\"\"\"", i)) {
                    if (source.charAt(i) == '\\' && i + 1 < n) { // an escape: \" or \<line break> among them
                        out.append(' ');
                        i++;
                    }
                    out.append(spaceFor(source.charAt(i)));
                    i++;
                }
                if (i < n) {
                    out.append("\"\"\"");
                    i += 3;
                }
            } else if (c == '"' || c == '\'') {
                out.append(c);
                i++;
                while (i < n && source.charAt(i) != c && source.charAt(i) != '\n') {
                    if (source.charAt(i) == '\\' && i + 1 < n && source.charAt(i + 1) != '\n') {
                        out.append(' ');
                        i++;
                    }
                    out.append(' ');
                    i++;
                }
                if (i < n && source.charAt(i) == c) {
                    out.append(c);
                    i++;
                }
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static char spaceFor(char c) {
        return c == '\n' ? '\n' : ' ';
    }
}

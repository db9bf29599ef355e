package dev.weft.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weft on the module path: an application module that {@code requires dev.weft.http} compiles
 * against the exported API, and runs on the fast path with
 * {@code --add-opens java.base/java.lang=dev.weft.core}; without it, the one-line notice names
 * that exact flag (not the class path's {@code ALL-UNNAMED}).
 */
class ModulePathTest {

    private static final String MODULE_INFO = """
            module app {
                requires dev.weft.http;
            }
            """;

    private static final String MAIN = """
            package app;

            import dev.weft.Weft;
            import dev.weft.http.client.ClientResponse;
            import dev.weft.http.client.ClientSession;
            import dev.weft.http.server.HttpServer;
            import dev.weft.http.server.Response;
            import dev.weft.http.server.Router;

            public class Main {
                public static void main(String[] args) {
                    Router router = new Router().get("/hello", req -> Response.text("hello from a module"));
                    String body = Weft.run(() -> {
                        try (HttpServer server = HttpServer.start(router, "127.0.0.1", 0);
                             ClientSession session = ClientSession.create();
                             ClientResponse response = session.get("http://127.0.0.1:" + server.port() + "/hello")) {
                            return response.text();
                        }
                    });
                    System.out.println(body + " (Weft in module " + Weft.class.getModule().getName() + ")");
                }
            }
            """;

    /** A task of the module application waits in a plain accept() that no client answers. */
    private static final String ACCEPT = """
            package app;

            import dev.weft.Weft;
            import java.net.InetAddress;
            import java.net.ServerSocket;

            public class Accept {
                public static void main(String[] args) {
                    Weft.run(() -> {
                        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                            System.out.println("accepting");
                            System.out.flush();
                            server.accept().close();
                        } finally {
                            System.out.println("cleaned up");
                            System.out.flush();
                        }
                    });
                }
            }
            """;

    @TempDir
    Path dir;

    @Test
    void weftHttpExportsItsApiPackagesOnlyNotTheCodecNorHttpbin() {
        ModuleDescriptor http = descriptor("dev.weft.http");
        Set<String> exported = http.exports().stream().map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of("dev.weft.http", "dev.weft.http.client", "dev.weft.http.server"), exported);
        assertTrue(http.exports().stream().noneMatch(ModuleDescriptor.Exports::isQualified));
        assertTrue(http.requires().stream().anyMatch(r -> r.name().equals("dev.weft.core")
                && r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE)),
                "an application that requires dev.weft.http reads dev.weft.core (Weft, Task...) too");
    }

    @Test
    void weftCoreExportsEveryPackageButItsInternalsToEveryone() {
        ModuleDescriptor core = descriptor("dev.weft.core");
        Set<String> api = core.exports().stream().filter(e -> !e.isQualified())
                .map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        Set<String> expected = new TreeSet<>(core.packages());
        expected.remove("dev.weft.internal");
        assertEquals(expected, new TreeSet<>(api));
        assertTrue(core.exports().stream().filter(e -> e.source().equals("dev.weft.internal"))
                .allMatch(e -> e.targets().equals(Set.of("dev.weft.http", "dev.weft.test"))));
    }

    @Test
    void aModularApplicationRunsOnTheFastPathWithTheFlagForTheModulePath() throws Exception {
        Path app = compileApp();
        Run run = runApp(app, List.of("--add-opens", "java.base/java.lang=dev.weft.core"));
        assertEquals(0, run.exit, run.output);
        assertTrue(run.output.contains("hello from a module (Weft in module dev.weft.core)"), run.output);
        assertFalse(run.output.contains("compatibility mode"), run.output);
    }

    @Test
    void withoutTheFlagTheNoticeNamesTheModulePathFlag() throws Exception {
        Path app = compileApp();
        Run run = runApp(app, List.of());
        assertEquals(0, run.exit, run.output);
        assertTrue(run.output.contains("hello from a module"), "compatibility mode still works: " + run.output);
        assertTrue(run.output.contains("compatibility mode"), run.output);
        assertTrue(run.output.contains("--add-opens java.base/java.lang=dev.weft.core"), run.output);
        assertFalse(run.output.contains("ALL-UNNAMED"), run.output);
    }

    @Test
    void withoutTheFlagAModularApplicationBlockedInAcceptStopsOnSigtermWithin5Seconds() throws Exception {
        Path app = compileApp();
        List<Path> mp = new ArrayList<>(modulePath());
        mp.add(app);
        Process p = new ProcessBuilder(tool("java"), "--module-path", joined(mp), "-m", "app/app.Accept")
                .redirectErrorStream(true).start();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            List<String> out = new ArrayList<>();
            String line;
            while ((line = r.readLine()) != null && !line.equals("accepting")) {
                out.add(line);
            }
            assertEquals("accepting", line, String.join("\n", out));
            assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor());
            long sent = System.nanoTime();
            // A deadline for a failure, not a wait: a passing run ends when the JVM exits.
            boolean exited = p.waitFor(5, TimeUnit.SECONDS);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
            if (!exited) {
                p.destroyForcibly();
            }
            while ((line = r.readLine()) != null) {
                out.add(line);
            }
            String all = String.join("\n", out);
            assertTrue(exited, "still running 5 s after SIGTERM:\n" + all);
            System.out.println("[ModulePathTest] exited " + ms + " ms after SIGTERM");
            assertEquals(143, p.exitValue(), all);
            assertTrue(all.contains("cleaned up"), all);
            assertTrue(all.contains("start the JVM with --add-opens java.base/java.lang=dev.weft.core"), all);
            assertFalse(all.contains("ALL-UNNAMED"), all);
        } finally {
            p.destroyForcibly();
        }
    }

    private static ModuleDescriptor descriptor(String name) {
        return ModuleFinder.of(modulePath().toArray(Path[]::new)).find(name).orElseThrow().descriptor();
    }

    /**
     * The module path of the test's own class path: every jar, and every class directory that
     * holds a module descriptor (weft-core's and weft-http's target/classes).
     */
    private static List<Path> modulePath() {
        List<Path> out = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (entry.endsWith(".jar") || Files.isRegularFile(p.resolve("module-info.class"))) {
                out.add(p);
            }
        }
        return out;
    }

    private static String joined(List<Path> paths) {
        return paths.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    }

    private Path compileApp() throws Exception {
        Path src = dir.resolve("src/app");
        Files.createDirectories(src.resolve("app"));
        Files.writeString(src.resolve("module-info.java"), MODULE_INFO);
        Files.writeString(src.resolve("app/Main.java"), MAIN);
        Files.writeString(src.resolve("app/Accept.java"), ACCEPT);
        Path out = dir.resolve("mods/app");
        Run javac = exec(List.of(tool("javac"), "-d", out.toString(), "--module-path", joined(modulePath()),
                src.resolve("module-info.java").toString(), src.resolve("app/Main.java").toString(),
                src.resolve("app/Accept.java").toString()));
        assertEquals(0, javac.exit, "javac: " + javac.output);
        return out;
    }

    private Run runApp(Path app, List<String> jvmArgs) throws Exception {
        List<Path> mp = new ArrayList<>(modulePath());
        mp.add(app);
        List<String> cmd = new ArrayList<>(List.of(tool("java")));
        cmd.addAll(jvmArgs);
        cmd.addAll(Arrays.asList("--module-path", joined(mp), "-m", "app/app.Main"));
        return exec(cmd);
    }

    private static String tool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name).toString();
    }

    private record Run(int exit, String output) {
    }

    private static Run exec(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not end in 60 s");
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}

package dev.weft.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11's "done when": a fresh Maven project that depends on {@code dev.weft:weft-http},
 * set up only as the README and its two guides (using-weft.md, testing.md) say, builds, runs the
 * README's taste on the fast path (no compatibility-mode notice), and its {@code @WeftTest}
 * parameterized test runs on the virtual clock (an hour's sleep, at once).
 *
 * <p>Weft's artifacts go into a throwaway local repository, laid out as {@code mvn install}
 * lays them out (jars of this build's classes, the modules' POMs, the parent and the BOM); every
 * other artifact comes from the machine's {@code ~/.m2} through links, read only, with Maven
 * offline ({@code -o}), or from Maven Central if a plugin is missing there. Nothing is written
 * to {@code ~/.m2}, and no other checkout's Weft is seen.
 */
class FreshProjectTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path M2 = Path.of(System.getProperty("user.home"), ".m2", "repository");

    /** Not a JUnit @TempDir: that one warns about each of ~/.m2's links when it cleans up. */
    private Path tmp;

    @BeforeEach
    void makeTemporaryFolder() throws IOException {
        tmp = Files.createTempDirectory("fresh-project");
    }

    @AfterEach
    void deleteTemporaryFolder() throws IOException {
        try (Stream<Path> files = Files.walk(tmp)) { // links are deleted, never followed
            for (Path f : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(f);
            }
        }
    }

    @Test
    void aProjectFollowingTheReadmeBuildsRunsTheTasteAndTestsOnTheVirtualClock() throws Exception {
        String version = version();
        Path repo = localRepository(version);
        Path project = project(version);

        Path cp = project.resolve("classpath.txt");
        List<String> mvn = new ArrayList<>(List.of("mvn", "-B", "-Dstyle.color=never", "-Dmaven.repo.local=" + repo,
                "test", "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath",
                "-Dmdep.outputFile=" + cp));
        List<String> offline = new ArrayList<>(mvn);
        offline.add(1, "-o");
        Run build = run(offline, project);
        if (build.status() != 0 && build.out().contains("offline")) {
            build = run(mvn, project); // a plugin ~/.m2 lacks: from Maven Central, into the throwaway repository
        }
        assertEquals(0, build.status(), build.out());
        assertTrue(build.out().contains("Tests run: 3, Failures: 0, Errors: 0, Skipped: 0"), build.out());
        String report = Files.readString(project.resolve("target/surefire-reports/app.VirtualClockTest.txt"));
        assertTrue(report.contains("Tests run: 3, Failures: 0"), report);
        assertFalse(build.out().contains("compatibility mode"), "Surefire's argLine from the guide: the fast path");

        // The taste, as an application: java with the README's flags
        Run taste = run(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-Djdk.pollerMode=1",
                "-cp", project.resolve("target/classes") + ":" + Files.readString(cp).trim(), "app.Taste"), project);
        assertEquals(0, taste.status(), taste.out());
        assertEquals("lengths [10, 10]\nfast path: no compatibility notice\n", taste.out().replaceAll("(?m)^SLF4J.*\n", ""));
    }

    private record Run(int status, String out) {
    }

    private static Run run(List<String> command, Path dir) throws Exception {
        Path log = Files.createTempFile("fresh", ".log");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish:\n" + Files.readString(log));
        }
        Run r = new Run(p.exitValue(), Files.readString(log));
        Files.delete(log);
        return r;
    }

    private static String version() throws IOException {
        Matcher v = Pattern.compile("<artifactId>weft-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertTrue(v.find());
        return v.group(1);
    }

    /** ~/.m2 linked file by file (read only), and Weft's artifacts as mvn install writes them. */
    private Path localRepository(String version) throws Exception {
        Path repo = tmp.resolve("repository");
        Files.createDirectories(repo);
        if (Files.isDirectory(M2)) {
            try (Stream<Path> files = Files.walk(M2)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Path rel = M2.relativize(f);
                    if (rel.startsWith(Path.of("dev", "weft")) || rel.toString().isEmpty()) {
                        continue; // whatever Weft another checkout installed: not ours
                    }
                    Path target = repo.resolve(rel);
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(target);
                    } else {
                        Files.createSymbolicLink(target, f);
                    }
                }
            }
        }
        install(repo, "weft-parent", version, ROOT.resolve("pom.xml"), null);
        install(repo, "weft-bom", version, ROOT.resolve("weft-bom/pom.xml"), null);
        for (String module : List.of("weft-core", "weft-http", "weft-test")) {
            install(repo, module, version, ROOT.resolve(module).resolve("pom.xml"), ROOT.resolve(module).resolve("target/classes"));
        }
        return repo;
    }

    private static void install(Path repo, String artifact, String version, Path pom, Path classes) throws IOException {
        Path dir = Files.createDirectories(repo.resolve("dev/weft").resolve(artifact).resolve(version));
        Files.copy(pom, dir.resolve(artifact + "-" + version + ".pom"));
        if (classes == null) {
            return;
        }
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(dir.resolve(artifact + "-" + version + ".jar")));
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                if (Files.isRegularFile(f)) {
                    jar.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                    Files.copy(f, jar);
                    jar.closeEntry();
                }
            }
        }
    }

    /** The project: the POM from the guides, the README's taste, a @WeftTest parameterized test. */
    private Path project(String version) throws IOException {
        Path p = tmp.resolve("app");
        Files.createDirectories(p.resolve("src/main/java/app"));
        Files.createDirectories(p.resolve("src/test/java/app"));
        Files.writeString(p.resolve("pom.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>app</groupId>
                  <artifactId>app</artifactId>
                  <version>1</version>
                  <properties>
                    <maven.compiler.release>25</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                  <dependencyManagement>
                    <dependencies>
                      <dependency>
                        <groupId>dev.weft</groupId>
                        <artifactId>weft-bom</artifactId>
                        <version>VERSION</version>
                        <type>pom</type>
                        <scope>import</scope>
                      </dependency>
                    </dependencies>
                  </dependencyManagement>
                  <dependencies>
                    <dependency>
                      <groupId>dev.weft</groupId>
                      <artifactId>weft-http</artifactId>
                    </dependency>
                    <dependency>
                      <groupId>dev.weft</groupId>
                      <artifactId>weft-test</artifactId>
                      <scope>test</scope>
                    </dependency>
                    <dependency>
                      <groupId>org.junit.jupiter</groupId>
                      <artifactId>junit-jupiter</artifactId>
                      <version>5.14.1</version>
                      <scope>test</scope>
                    </dependency>
                  </dependencies>
                  <build>
                    <plugins>
                      <plugin>
                        <groupId>org.apache.maven.plugins</groupId>
                        <artifactId>maven-resources-plugin</artifactId>
                        <version>3.3.1</version>
                      </plugin>
                      <plugin>
                        <groupId>org.apache.maven.plugins</groupId>
                        <artifactId>maven-compiler-plugin</artifactId>
                        <version>3.14.0</version>
                      </plugin>
                      <plugin>
                        <groupId>org.apache.maven.plugins</groupId>
                        <artifactId>maven-surefire-plugin</artifactId>
                        <version>3.5.3</version>
                        <configuration>
                          <argLine>--add-opens java.base/java.lang=ALL-UNNAMED -Djdk.pollerMode=1</argLine>
                        </configuration>
                      </plugin>
                    </plugins>
                  </build>
                </project>
                """.replace("VERSION", version));
        Files.writeString(p.resolve("src/main/java/app/Taste.java"), """
                package app;

                import dev.weft.Task;
                import dev.weft.TaskGroup;
                import dev.weft.Weft;
                import dev.weft.exec.Parallel;
                import dev.weft.http.client.ClientSession;
                import dev.weft.http.server.HttpServer;
                import dev.weft.http.server.Response;
                import dev.weft.http.server.Router;
                import java.time.Duration;
                import java.util.List;

                /** The README's taste, fetching from a local server. */
                public class Taste {
                    static String base;
                    static ClientSession session;

                    static String fetch(String url) throws Exception {
                        return session.get(base + "/" + url).text();
                    }

                    public static void main(String[] args) {
                        List<String> urls = List.of("url_4", "url_5");
                        List<Integer> lengths = Weft.run(() -> {
                            Router router = new Router().get("/{page}", req -> Response.text("page " + req.pathParam("page")));
                            try (HttpServer server = HttpServer.start(router, "127.0.0.1", 0);
                                    ClientSession s = ClientSession.create()) {
                                base = "http://127.0.0.1:" + server.port();
                                session = s;
                                // the README's taste, as it is written there
                                Task<String> page = Weft.spawn(() -> fetch("url_1"));   // asyncio.create_task
                                Weft.sleep(Duration.ofSeconds(1));                      // await asyncio.sleep(1)
                                List<String> both = Weft.gather(page, Weft.spawn(() -> fetch("url_2")));
                                String slow = Weft.waitFor(Duration.ofSeconds(2), () -> fetch("url_3")); // wait_for
                                try (var group = TaskGroup.open()) {                    // asyncio.TaskGroup
                                    for (String u : urls) group.spawn(() -> fetch(u));
                                }
                                return Parallel.withJobs(4).map(both, String::length);  // joblib Parallel, off the loop
                            }
                        });
                        System.out.println("lengths " + lengths);
                        System.out.println("fast path: no compatibility notice");
                    }
                }
                """);
        Files.writeString(p.resolve("src/test/java/app/VirtualClockTest.java"), """
                package app;

                import static org.junit.jupiter.api.Assertions.assertEquals;
                import static org.junit.jupiter.api.Assertions.assertNotNull;

                import dev.weft.EventLoop;
                import dev.weft.Task;
                import dev.weft.Weft;
                import dev.weft.testing.WeftTest;
                import org.junit.jupiter.params.ParameterizedTest;
                import org.junit.jupiter.params.provider.ValueSource;

                @WeftTest
                class VirtualClockTest {
                    @ParameterizedTest
                    @ValueSource(ints = {1, 60, 3600})
                    void sleepsOnTheVirtualClock(int seconds) {
                        assertNotNull(Task.current(), "the body runs as a task");
                        double start = EventLoop.running().time();
                        Weft.sleep(seconds);
                        assertEquals(seconds, EventLoop.running().time() - start, 1e-6);
                    }
                }
                """);
        return p;
    }
}

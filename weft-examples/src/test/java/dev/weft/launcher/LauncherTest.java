package dev.weft.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./weft} and the commands it starts, as a user meets them: a bad command line gets a
 * message and the usage with exit status 2, never a stack trace or a shell error; help and
 * version need no JDK and no build; a module cleaned by hand is rebuilt. The launcher itself runs
 * only where it stops before building (a test must not start a Maven build of its own); the
 * Java commands behind it run from this test's class path, with the launcher's JVM flags.
 */
class LauncherTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    /** A finished process: exit status, standard output, standard error. */
    private record Run(int status, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private static Run run(List<String> command, Map<String, String> env, Path dir) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().putAll(env);
        Path out = Files.createTempFile("launcher", ".out");
        Path err = Files.createTempFile("launcher", ".err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish: " + Files.readString(out) + Files.readString(err));
        }
        Run r = new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    private static Run weft(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", ROOT.resolve("weft").toString()));
        command.addAll(List.of(args));
        return run(command, Map.of("JAVA_HOME", System.getProperty("java.home")), ROOT);
    }

    private static List<String> java(String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-Djdk.pollerMode=1",
                "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        return command;
    }

    private static void assertUsageError(Run r, String message) {
        assertEquals(2, r.status(), r.all());
        assertTrue(r.err().contains(message), "says '" + message + "': " + r.err());
        assertFalse(r.all().contains("Exception") || r.all().contains("\tat ") || r.all().contains("unbound variable"),
                "no stack trace, no shell error: " + r.all());
    }

    @Test
    void helpAndVersionAnswerBeforeAnyJdkOrBuild() throws Exception {
        Run help = weft("--help");
        assertEquals(0, help.status(), help.all());
        for (String command : List.of("./weft test", "./weft example", "./weft bench", "./weft serve", "./weft java")) {
            assertTrue(help.out().contains(command), command + " in " + help.out());
        }
        assertEquals(help.out(), weft("help").out());
        Run version = weft("--version");
        assertEquals(0, version.status(), version.all());
        Matcher v = Pattern.compile("<artifactId>weft-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertTrue(v.find());
        assertEquals("weft " + v.group(1) + "\n", version.out());
        // before the JDK is looked for: the launcher answers them ahead of find_jdk
        String script = Files.readString(ROOT.resolve("weft"));
        assertTrue(script.indexOf("--version)") < script.indexOf("JDK=\"$(find_jdk)\""), "help and version come first");
    }

    @Test
    void aBadLauncherCommandLineGetsAMessageAndTheUsageWithoutBuilding() throws Exception {
        assertUsageError(weft("bench"), "which benchmark?");
        assertTrue(weft("bench").err().contains("./weft bench [switch|"), "the benchmarks are listed");
        assertUsageError(weft("java"), "./weft java needs a module and a main class");
        assertUsageError(weft("java", "no-such-module", "Main"), "no module 'no-such-module'");
        Run serve = weft("serve");
        assertUsageError(serve, "which service?");
        assertTrue(serve.err().contains("usage: ./weft serve httpbin"), serve.err());
        assertUsageError(weft("serve", "ftp"), "unknown service 'ftp'");
        assertUsageError(weft("frobnicate"), "unknown command 'frobnicate'");
        assertUsageError(weft("build", "--fast"), "unknown argument '--fast'");
        assertUsageError(weft("--version", "extra"), "unknown argument 'extra'");
    }

    @Test
    void aModuleCleanedByHandIsRebuiltDespiteTheStamp() throws Exception {
        // A project of one module, the real launcher, and a mvn that records its calls and builds
        Path project = Files.createDirectories(tmp.resolve("project"));
        Files.copy(ROOT.resolve("weft"), project.resolve("weft"));
        Files.writeString(project.resolve("pom.xml"), "<project><artifactId>weft-parent</artifactId><version>1</version>"
                + "<modules><module>m1</module></modules></project>\n");
        Files.createDirectories(project.resolve("m1/src/main/java"));
        Files.writeString(project.resolve("m1/src/main/java/A.java"), "class A {}\n");
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path calls = tmp.resolve("mvn-calls");
        Files.writeString(bin.resolve("mvn"), "#!/bin/sh\necho \"$*\" >> '" + calls + "'\n"
                + "mkdir -p m1/target/classes && touch m1/target/classes/A.class && echo /x.jar > m1/target/classpath.txt\n");
        Files.setPosixFilePermissions(bin.resolve("mvn"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = Map.of("JAVA_HOME", System.getProperty("java.home"),
                "PATH", bin + ":" + System.getenv("PATH"));
        List<String> build = List.of("bash", project.resolve("weft").toString(), "build");

        assertEquals(0, run(build, env, project).status());
        assertEquals(1, calls(calls), "the first build");
        assertEquals(0, run(build, env, project).status());
        assertEquals(1, calls(calls), "up to date: no build");
        // mvn clean -pl m1: the stamp stays, the classes go
        try (var files = Files.walk(project.resolve("m1/target"))) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        assertEquals(0, run(build, env, project).status());
        assertEquals(2, calls(calls), "the classes are missing: built again");
        assertTrue(Files.exists(project.resolve("m1/target/classes/A.class")));
        assertEquals(0, run(build, env, project).status());
        assertEquals(2, calls(calls));
    }

    /**
     * crawl, demo and serve run with the small heap (SerialGC, a 128 MiB young generation, at most
     * 2 GiB; docs/benchmarks.md 7.6), after Weft's flags; {@code WEFT_JAVA_OPTS} comes after them
     * (its {@code -Xmx} wins; a collector of its own replaces SerialGC and {@code -Xmn}); the AOT
     * cache is trained with exactly the flags of the runs that use it, and trained again when
     * {@code WEFT_JAVA_OPTS} changes them. A project of one module, the real launcher, a mvn that
     * builds nothing and a {@code java} that records its command lines (the training run's makes
     * the cache file).
     */
    @Test
    void crawlDemoAndServeRunWithASmallHeapAndTheAotCacheIsTrainedWithTheSameFlags() throws Exception {
        Path project = Files.createDirectories(tmp.resolve("project"));
        Files.copy(ROOT.resolve("weft"), project.resolve("weft"));
        Files.writeString(project.resolve("pom.xml"), "<project><artifactId>weft-parent</artifactId><version>1</version>"
                + "<modules><module>weft-crawler</module></modules></project>\n");
        Files.createDirectories(project.resolve("weft-crawler/src/main/java"));
        Files.writeString(project.resolve("weft-crawler/src/main/java/A.java"), "class A {}\n");
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Files.writeString(bin.resolve("mvn"), "#!/bin/sh\nmkdir -p weft-crawler/target/classes"
                + " && touch weft-crawler/target/classes/A.class && echo /x.jar > weft-crawler/target/classpath.txt\n");
        Path jdk = Files.createDirectories(tmp.resolve("jdk/bin"));
        Path log = tmp.resolve("java-calls");
        Files.writeString(jdk.resolve("java"), "#!/bin/sh\n"
                + "case \"$*\" in *-XshowSettings:properties*) echo '    java.specification.version = 25' >&2; exit 0;; esac\n"
                + "echo \"$*\" >> '" + log + "'\n"
                + "for a in \"$@\"; do case \"$a\" in -XX:AOTCacheOutput=*) echo cache > \"${a#-XX:AOTCacheOutput=}\";; esac; done\n");
        Files.writeString(jdk.resolve("javac"), "#!/bin/sh\n");
        Files.writeString(tmp.resolve("jdk/release"), "JAVA_VERSION=\"25\"\n");
        for (Path f : List.of(bin.resolve("mvn"), jdk.resolve("java"), jdk.resolve("javac"))) {
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        String small = "-XX:+UseSerialGC -Xmn128m -Xmx2g";
        java.util.function.BiFunction<String, List<String>, List<String>> launch = (opts, args) -> {
            try {
                Files.deleteIfExists(log);
                List<String> command = new ArrayList<>(List.of("bash", project.resolve("weft").toString()));
                command.addAll(args);
                Map<String, String> env = new java.util.HashMap<>(Map.of("JAVA_HOME", tmp.resolve("jdk").toString(),
                        "PATH", bin + ":" + System.getenv("PATH")));
                if (opts != null) {
                    env.put("WEFT_JAVA_OPTS", opts);
                }
                Run r = run(command, env, project);
                assertEquals(0, r.status(), r.all());
                return Files.readAllLines(log);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };

        List<String> first = launch.apply(null, List.of("crawl", "http://example.com/"));
        assertEquals(2, first.size(), "a training run, then the crawl: " + first);
        assertTrue(first.get(0).contains(" " + small + " -XX:AOTCacheOutput=") && first.get(0).contains("AotTraining"),
                first.get(0));
        assertTrue(first.get(1).contains(" " + small + " -XX:AOTCache=") && first.get(1).endsWith("CrawlCommand http://example.com/"),
                first.get(1));
        List<String> again = launch.apply(null, List.of("demo"));
        assertEquals(1, again.size(), "the same flags: the cache is used as it is: " + again);
        assertTrue(again.get(0).contains(" " + small + " -XX:AOTCache=") && again.get(0).endsWith("demo.Demo"), again.get(0));
        assertTrue(launch.apply(null, List.of("serve", "demo-site")).get(0).contains(" " + small + " -cp "));

        List<String> bigger = launch.apply("-Xmx8g", List.of("crawl", "http://example.com/"));
        assertEquals(2, bigger.size(), "other flags: trained again, with them: " + bigger);
        for (String line : bigger) {
            assertTrue(line.contains(" " + small + " -Xmx8g "), "WEFT_JAVA_OPTS after Weft's flags: " + line);
        }
        List<String> own = launch.apply("-XX:+UseParallelGC", List.of("crawl", "--version"));
        assertEquals(1, own.size(), "no training for --version: " + own);
        assertTrue(own.get(0).contains(" -Xmx2g -XX:+UseParallelGC ") && !own.get(0).contains("SerialGC")
                && !own.get(0).contains("-Xmn"), "a collector of its own replaces SerialGC and -Xmn: " + own.get(0));
        assertTrue(launch.apply(null, List.of("java", "weft-crawler", "Main")).get(0).contains("-XX:+UseParallelGC"),
                "./weft java keeps Weft's flags");
    }

    private static int calls(Path log) throws IOException {
        return Files.exists(log) ? Files.readAllLines(log).size() : 0;
    }

    @Test
    void serveRefusesBadNumbersAndUnknownArgumentsWithItsUsage() throws Exception {
        String serve = "dev.weft.http.httpbin.Serve";
        assertUsageError(run(java(serve, "httpbin", "--port", "abc"), Map.of(), tmp), "--port needs a port number from 0 to 65535, not 'abc'");
        assertUsageError(run(java(serve, "httpbin", "--port", "70000"), Map.of(), tmp), "not '70000'");
        assertUsageError(run(java(serve, "httpbin", "--port"), Map.of(), tmp), "--port needs a value");
        assertUsageError(run(java(serve, "httpbin", "--verbose"), Map.of(), tmp), "unknown argument '--verbose'");
        assertUsageError(run(java(serve), Map.of(), tmp), "which service?");
        assertUsageError(run(java(serve, "static", tmp.resolve("missing").toString()), Map.of(), tmp), "not a directory");
    }

    @Test
    void serveStaticAnswersSlashWithIndexHtml() throws Exception {
        Path site = Files.createDirectories(tmp.resolve("site"));
        Files.writeString(site.resolve("index.html"), "<h1>home</h1>");
        Process p = new ProcessBuilder(java("dev.weft.http.httpbin.Serve", "static", site.toString(), "--port", "0"))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String first = out.readLine();
            assertTrue(first != null && first.startsWith("serving static on http://127.0.0.1:"), String.valueOf(first));
            String base = first.substring("serving static on ".length());
            try (HttpClient client = HttpClient.newHttpClient()) {
                HttpResponse<String> home = client.send(HttpRequest.newBuilder(URI.create(base + "/")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, home.statusCode());
                assertEquals("<h1>home</h1>", home.body());
            }
        } finally {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void anExampleRefusesABadNumberWithAMessage() throws Exception {
        assertUsageError(run(java("dev.weft.examples.Examples", "cancel-on-interrupt", "--interrupt-after", "soon"), Map.of(), tmp),
                "--interrupt-after needs a number, not 'soon'");
        assertUsageError(run(java("dev.weft.examples.Examples", "cancel-on-interrupt", "--fast"), Map.of(), tmp),
                "unknown argument '--fast'");
    }

    @Test
    void cancelOnInterruptExits130EveryTime() throws Exception {
        // The guide: ./weft example cancel-on-interrupt --interrupt-after 1 exits with 130, its
        // three tasks cancelled and their finally blocks run. Five runs at once, each a real SIGINT.
        List<Process> runs = new ArrayList<>();
        List<Path> outs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Path out = tmp.resolve("run" + i);
            outs.add(out);
            runs.add(new ProcessBuilder(java("dev.weft.examples.Examples", "cancel-on-interrupt", "--interrupt-after", "1"))
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start());
        }
        for (int i = 0; i < runs.size(); i++) {
            assertTrue(runs.get(i).waitFor(120, TimeUnit.SECONDS), "run " + i + " finished");
            String output = Files.readString(outs.get(i));
            assertEquals(130, runs.get(i).exitValue(), "run " + i + ":\n" + output);
            for (int t : new int[] {2, 3, 4}) {
                assertTrue(output.contains("get_html(" + t + ") finally: cancelled"), "run " + i + ":\n" + output);
            }
        }
    }
}

package dev.weft.http.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * With no SLF4J provider at all (SLF4J alone would drop everything), the errors a user must see
 * still reach stderr: a handler's exception behind a 500, a task exception nobody retrieved,
 * and certificate checks turned off.
 */
class ErrorsWithoutProviderTest {

    @Test
    void errorsAUserMustSeeReachStderrWithoutAnSlf4jProvider() throws Exception {
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.contains("slf4j-simple"))
                .collect(Collectors.joining(File.pathSeparator));
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-cp", classPath,
                ErrorsWithoutProviderMain.class.getName());
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        byte[] err = p.getErrorStream().readAllBytes();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child ended");
        String stdout = new String(out, StandardCharsets.UTF_8);
        String stderr = new String(err, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), stdout + stderr);
        assertTrue(stdout.contains("status 500"), stdout);
        assertTrue(stdout.contains("unretrieved reports 1"), stdout);
        assertTrue(stderr.contains("No SLF4J providers were found"), "the setting is the one under test: " + stderr);

        assertTrue(stderr.contains("ERROR dev.weft.http.server.HttpConnection - handler failed on GET /boom"), stderr);
        assertTrue(stderr.contains("java.lang.IllegalStateException: the handler broke"), "with its stack: " + stderr);
        assertTrue(stderr.contains("ERROR dev.weft.unretrieved - Task 'doomed' exception was never retrieved"), stderr);
        assertTrue(stderr.contains("java.lang.IllegalArgumentException: nobody looks at me"), stderr);
        assertTrue(stderr.contains("WARN dev.weft.net.TlsOptions - TLS certificate and host name verification are OFF"),
                stderr);
    }
}

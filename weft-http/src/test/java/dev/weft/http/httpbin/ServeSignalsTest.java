package dev.weft.http.httpbin;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code ./weft serve httpbin} in its own JVM, stopped by SIGTERM or SIGINT while a response is
 * being sent: the response is finished (within the grace period), then the process exits with
 * the signal's status (143, 130).
 */
class ServeSignalsTest {

    /** A safety net so that a hung child fails the test instead of hanging it; never the thing tested. */
    private static final int SAFETY_SECONDS = 20;

    @Test
    void sigtermLetsTheResponseInFlightFinishThenExits143() throws Exception {
        assertEquals(143, stopDuringADrip("TERM"));
    }

    @Test
    void sigintLetsTheResponseInFlightFinishThenExits130() throws Exception {
        assertEquals(130, stopDuringADrip("INT"));
    }

    /** Starts the server, begins a one-second drip, sends the signal, and checks the whole body arrives. */
    private static int stopDuringADrip(String signal) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED", "-Djdk.pollerMode=1", "-cp",
                System.getProperty("java.class.path"), Serve.class.getName(), "httpbin", "--port", "0"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            int port = -1;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("serving httpbin on http://")) {
                    port = Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).trim());
                    break;
                }
            }
            assertTrue(port > 0, "the server printed its address");
            Thread drain = Thread.ofPlatform().daemon().start(() -> out.lines().forEach(l -> { }));
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(SAFETY_SECONDS * 1000);
                OutputStream w = s.getOutputStream();
                w.write("GET /drip?duration=1&numbytes=4 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                w.flush();
                InputStream in = s.getInputStream();
                String head = readHead(in);
                assertTrue(head.startsWith("HTTP/1.1 200"), head);
                assertTrue(head.contains("Transfer-Encoding: chunked"), head);
                // the response has begun: now stop the server
                new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
                String body = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
                assertTrue(body.endsWith("0\r\n\r\n"), "the chunked body was finished: " + body);
                assertEquals(4, body.chars().filter(c -> c == '*').count(), body);
            }
            assertTrue(p.waitFor(SAFETY_SECONDS, TimeUnit.SECONDS), "the server exited");
            drain.join(1000);
            return p.exitValue();
        } finally {
            p.destroyForcibly();
        }
    }

    private static String readHead(InputStream in) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            String s = b.toString(StandardCharsets.ISO_8859_1);
            if (s.endsWith("\r\n\r\n")) {
                return s;
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }
}

package dev.weft.http.client;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a test opened (servers, sessions), closed after each test in the reverse order:
 * {@code @RegisterExtension final OpenResources open = new OpenResources();} then
 * {@code open.keep(ClientSession.builder().build())}.
 */
final class OpenResources implements AfterEachCallback {

    private final List<AutoCloseable> open = new ArrayList<>();

    /** Registers {@code c} to be closed after the test, and returns it. */
    <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            for (AutoCloseable c : open.reversed()) {
                c.close();
            }
        } finally {
            open.clear();
        }
    }
}

package dev.weft.http.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.weft.CancelledException;
import dev.weft.Task;
import dev.weft.testing.WeftTest;
import org.junit.jupiter.api.Test;

@WeftTest
class ConnectionCountTest {

    @Test
    void awaitAtMostIsACancellationPointEvenWhenItNeedNotWait() {
        ConnectionCount count = new ConnectionCount();
        Task.current().cancel("stop");
        CancelledException e = assertThrows(CancelledException.class, () -> count.awaitAtMost(5));
        assertEquals("stop", e.getMessage());
        count.awaitAtMost(5); // the cancellation was delivered once
    }
}

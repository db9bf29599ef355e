package dev.weft.net;

/**
 * Serves one accepted connection (asyncio's {@code client_connected_cb}); runs as a task.
 * When it returns or is cancelled the connection is closed (after flushing what was written);
 * when it throws, the exception is logged and the connection is reset.
 */
@FunctionalInterface
public interface ConnectionHandler {

    /**
     * Serves the connection whose two halves are {@code reader} and {@code writer}.
     *
     * @param reader the connection's reading half
     * @param writer the connection's writing half
     * @throws Exception anything; the server logs it and closes the connection
     */
    void handle(StreamReader reader, StreamWriter writer) throws Exception;
}

package dev.weft.http.client;

/**
 * The client could not connect to the server or proxy: refused, unreachable, the name did not
 * resolve (aiohttp's {@code ClientConnectorError}). The cause is the JDK's exception
 * ({@link java.net.ConnectException}, {@link java.net.UnknownHostException}…).
 */
public class ClientConnectionException extends ClientException {

    /** The host that could not be reached. */
    private final String host;
    /** Its port. */
    private final int port;

    /**
     * A failure to reach {@code host:port}.
     *
     * @param host the host name or address
     * @param port the port number
     * @param cause the cause
     */
    public ClientConnectionException(String host, int port, Throwable cause) {
        super("cannot connect to " + host + ":" + port + ": " + cause.getMessage(), cause);
        this.host = host;
        this.port = port;
    }

    /** {@return the host that could not be reached} */
    public String host() {
        return host;
    }

    /** {@return its port} */
    public int port() {
        return port;
    }
}

package dev.weft.http.client;

import dev.weft.http.Headers;
import dev.weft.internal.Loggers;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;

/** Fans events out to several listeners, isolating their failures. Immutable. */
final class Tracer implements TraceListener {

    private static final Logger LOG = Loggers.get(Tracer.class);

    private final List<TraceListener> listeners;

    Tracer(List<TraceListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    boolean isEmpty() {
        return listeners.isEmpty();
    }

    private void each(Consumer<TraceListener> event) {
        for (TraceListener l : listeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                LOG.warn("trace listener {} failed", l, e);
            }
        }
    }

    @Override
    public void requestStart(String method, URI url, Headers headers) {
        each(l -> l.requestStart(method, url, headers));
    }

    @Override
    public void connectionQueuedStart(Origin origin) {
        each(l -> l.connectionQueuedStart(origin));
    }

    @Override
    public void connectionQueuedEnd(Origin origin) {
        each(l -> l.connectionQueuedEnd(origin));
    }

    @Override
    public void connectionReused(Origin origin) {
        each(l -> l.connectionReused(origin));
    }

    @Override
    public void connectionCreateStart(Origin origin) {
        each(l -> l.connectionCreateStart(origin));
    }

    @Override
    public void connectionCreateEnd(Origin origin) {
        each(l -> l.connectionCreateEnd(origin));
    }

    @Override
    public void dnsResolveStart(String host) {
        each(l -> l.dnsResolveStart(host));
    }

    @Override
    public void dnsResolveEnd(String host, List<InetAddress> addresses) {
        each(l -> l.dnsResolveEnd(host, addresses));
    }

    @Override
    public void tlsHandshakeEnd(Origin origin, SSLSession session) {
        each(l -> l.tlsHandshakeEnd(origin, session));
    }

    @Override
    public void requestHeadersSent(String method, URI url, Headers headers) {
        each(l -> l.requestHeadersSent(method, url, headers));
    }

    @Override
    public void interimResponse(String method, URI url, int status, Headers headers) {
        each(l -> l.interimResponse(method, url, status, headers));
    }

    @Override
    public void responseFirstByte(String method, URI url, int status) {
        each(l -> l.responseFirstByte(method, url, status));
    }

    @Override
    public void redirect(String method, URI from, URI to, int status) {
        each(l -> l.redirect(method, from, to, status));
    }

    @Override
    public void requestEnd(String method, URI url, int status) {
        each(l -> l.requestEnd(method, url, status));
    }

    @Override
    public void requestException(String method, URI url, Throwable error) {
        each(l -> l.requestException(method, url, error));
    }

    @Override
    public void responseBodyEnd(String method, URI url, long bytes) {
        each(l -> l.responseBodyEnd(method, url, bytes));
    }
}

package dev.weft.net;

import dev.weft.internal.Durations;
import dev.weft.internal.Loggers;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;

/**
 * TLS settings of a client or server stream ({@link ConnectOptions#tls}, {@link ServerOptions#tls},
 * {@link Streams#startTls}); immutable, each {@code with}-style method returns a changed copy.
 * Python's {@code ssl.SSLContext} plays this part in asyncio and aiohttp.
 *
 * <pre>{@code
 * // client: the JDK's trust store, certificate and host name checked (ssl.create_default_context())
 * TlsOptions tls = TlsOptions.client().alpn("h2", "http/1.1");
 * Connection c = Streams.openConnection("example.com", 443, ConnectOptions.defaults().tls(tls));
 *
 * // client trusting a private CA (cafile=...)
 * TlsOptions mine = TlsOptions.client().trustPem(Path.of("ca.pem"));
 *
 * // server (ssl_context.load_cert_chain(cert, key))
 * TlsOptions srv = TlsOptions.server(Path.of("cert.pem"), Path.of("key.pem")).alpn("http/1.1");
 * }</pre>
 *
 * <p><b>Client defaults</b>: the JDK's default trust store ({@code cacerts}), certificate
 * verification and host name verification on (endpoint identification {@code "HTTPS"}), SNI set
 * to the host name given to {@code openConnection} (never to an IP literal), TLS 1.3 and 1.2 as
 * the JDK enables them, a 10 s handshake timeout. {@link #insecure()} turns verification off.
 *
 * <p><b>Server</b>: {@link #server(KeyStore, char[])} or {@link #server(Path, Path)}; the ALPN
 * protocol is chosen in the server's order of preference among those the client offers (no
 * overlap: the connection goes on without ALPN). {@link #clientAuth} asks for client certificates.
 *
 * <p>The {@link SSLContext} is built on first use and then shared by every connection made with
 * this instance (so TLS session resumption works); keep and reuse one instance.
 */
public final class TlsOptions {

    private static final Logger LOG = Loggers.get(TlsOptions.class);
    private static final AtomicBoolean INSECURE_WARNED = new AtomicBoolean();

    /** Whether and how a server asks for client certificates. */
    public enum ClientAuth {
        /** No client certificate asked (the default). */
        NONE,
        /** Asked for; a client without one is still accepted. */
        WANT,
        /** Required; a client without a trusted one fails the handshake. */
        NEED
    }

    private final boolean server;
    private final boolean insecure;
    private final boolean hostnameVerification;
    private final KeyStore trustStore;
    private final KeyStore keyStore;
    private final char[] keyPassword;
    private final List<String> alpn;
    private final List<String> protocols;
    private final Duration handshakeTimeout;
    private final ClientAuth clientAuth;
    private final SSLContext customContext;
    /** Built on first use; any thread. */
    private volatile SSLContext context;

    private static final TlsOptions CLIENT = new TlsOptions(new Spec());

    /** Mutable copy used by the withers. */
    private static final class Spec {
        boolean server;
        boolean insecure;
        boolean hostnameVerification = true;
        KeyStore trustStore;
        KeyStore keyStore;
        char[] keyPassword;
        List<String> alpn = List.of();
        List<String> protocols;
        Duration handshakeTimeout = Duration.ofSeconds(10);
        ClientAuth clientAuth = ClientAuth.NONE;
        SSLContext customContext;
    }

    private TlsOptions(Spec s) {
        server = s.server;
        insecure = s.insecure;
        hostnameVerification = s.hostnameVerification;
        trustStore = s.trustStore;
        keyStore = s.keyStore;
        keyPassword = s.keyPassword;
        alpn = s.alpn;
        protocols = s.protocols;
        handshakeTimeout = s.handshakeTimeout;
        clientAuth = s.clientAuth;
        customContext = s.customContext;
    }

    private Spec edit() {
        Spec s = new Spec();
        s.server = server;
        s.insecure = insecure;
        s.hostnameVerification = hostnameVerification;
        s.trustStore = trustStore;
        s.keyStore = keyStore;
        s.keyPassword = keyPassword;
        s.alpn = alpn;
        s.protocols = protocols;
        s.handshakeTimeout = handshakeTimeout;
        s.clientAuth = clientAuth;
        s.customContext = customContext;
        return s;
    }

    // ------------------------------------------------------------------ factories

    /** {@return client defaults: the JDK trust store, certificate and host name verification on (see the class comment)} */
    public static TlsOptions client() {
        return CLIENT;
    }

    /**
     * A client that checks neither the server's certificate nor its host name (aiohttp's
     * {@code ssl=False}): encryption without authentication, open to any man in the middle.
     * For tests and trusted networks only; the first connection made with it logs a warning.
     *
     * @return a client that checks neither the server's certificate nor its host name (aiohttp's {@code ssl=False}): encryption without authentication, open to any man in the middle
     */
    public static TlsOptions insecure() {
        Spec s = CLIENT.edit();
        s.insecure = true;
        s.hostnameVerification = false;
        return new TlsOptions(s);
    }

    /**
     * A server presenting the key entry of {@code keyStore} (its chain included) unlocked by {@code password}.
     *
     * @param keyStore the key store
     * @param password the password
     * @return a server presenting the key entry of {@code keyStore} (its chain included) unlocked by {@code password}
     */
    public static TlsOptions server(KeyStore keyStore, char[] password) {
        Spec s = CLIENT.edit();
        s.server = true;
        s.hostnameVerification = false;
        s.keyStore = Objects.requireNonNull(keyStore, "keyStore");
        s.keyPassword = password == null ? new char[0] : password.clone();
        return new TlsOptions(s);
    }

    /**
     * A server presenting the certificate chain in {@code certChainPem} (leaf first) with the
     * PKCS#8 private key in {@code keyPem} ({@code -----BEGIN PRIVATE KEY-----}; RSA, EC or EdDSA).
     *
     * @param certChainPem the cert chain pem
     * @param keyPem the key pem
     * @return a server presenting the certificate chain in {@code certChainPem} (leaf first) with the PKCS#8 private key in {@code keyPem} ({@code -----BEGIN PRIVATE KEY-----}; RSA, EC or EdDSA)
     * @throws IOException if a file cannot be read or parsed
     */
    public static TlsOptions server(Path certChainPem, Path keyPem) throws IOException {
        char[] pw = new char[0];
        return server(keyStoreOf(certChainPem, keyPem, pw), pw);
    }

    // ------------------------------------------------------------------ settings

    /** {@return true for server options} */
    public boolean isServer() {
        return server;
    }

    /** {@return true if certificate verification is off ({@link #insecure()})} */
    public boolean isInsecure() {
        return insecure;
    }

    /** {@return whether a client checks that the certificate names the host it connected to} */
    public boolean hostnameVerification() {
        return hostnameVerification;
    }

    /**
     * Turns the host name check of a client on or off (Python's {@code check_hostname}); the
     * certificate chain is still verified unless the options are {@link #insecure()}.
     *
     * @param on true to turn it on
     * @return the TLS options
     */
    public TlsOptions hostnameVerification(boolean on) {
        Spec s = edit();
        s.hostnameVerification = on;
        return new TlsOptions(s);
    }

    /**
     * Trusts the certificates of {@code trustStore} instead of the JDK's default trust store
     * (a client verifies servers with it; a server with {@link #clientAuth} verifies clients).
     *
     * @param trustStore the trust store
     * @return the TLS options
     */
    public TlsOptions trustStore(KeyStore trustStore) {
        Spec s = edit();
        s.trustStore = Objects.requireNonNull(trustStore, "trustStore");
        return new TlsOptions(s);
    }

    /**
     * Trusts the CA certificates in the PEM file {@code caFile} instead of the JDK's default trust
     * store (Python's {@code cafile=}).
     *
     * @param caFile the ca file
     * @return the TLS options
     * @throws IOException if the file cannot be read or holds no certificate
     */
    public TlsOptions trustPem(Path caFile) throws IOException {
        List<X509Certificate> certs = readCertificates(caFile);
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            for (int i = 0; i < certs.size(); i++) {
                ks.setCertificateEntry("ca-" + i, certs.get(i));
            }
            return trustStore(ks);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot build a trust store from " + caFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * A client presents the key entry of {@code keyStore} when the server asks for a certificate.
     *
     * @param keyStore the key store
     * @param password the password
     * @return a client presents the key entry of {@code keyStore} when the server asks for a certificate
     */
    public TlsOptions clientCertificate(KeyStore keyStore, char[] password) {
        Spec s = edit();
        s.keyStore = Objects.requireNonNull(keyStore, "keyStore");
        s.keyPassword = password == null ? new char[0] : password.clone();
        return new TlsOptions(s);
    }

    /**
     * Like {@link #clientCertificate(KeyStore, char[])} from a PEM chain and a PKCS#8 PEM key.
     *
     * @param certChainPem the cert chain pem
     * @param keyPem the key pem
     * @return the TLS options
     * @throws IOException if an I/O error occurs
     */
    public TlsOptions clientCertificate(Path certChainPem, Path keyPem) throws IOException {
        char[] pw = new char[0];
        return clientCertificate(keyStoreOf(certChainPem, keyPem, pw), pw);
    }

    /** {@return the ALPN protocols, in order of preference (empty: no ALPN)} */
    public List<String> alpn() {
        return alpn;
    }

    /**
     * Sets the ALPN protocols in order of preference, for example {@code "h2", "http/1.1"}; the
     * negotiated one is {@link Connection#alpnProtocol()}.
     *
     * @param protocols the protocols
     * @return the TLS options
     */
    public TlsOptions alpn(String... protocols) {
        Spec s = edit();
        s.alpn = List.of(protocols);
        return new TlsOptions(s);
    }

    /** {@return the enabled protocol versions, or null for the JDK's defaults} */
    public List<String> protocols() {
        return protocols;
    }

    /**
     * Restricts the protocol versions, for example {@code "TLSv1.3"}; null: the JDK's defaults.
     *
     * @param versions the protocol versions, e.g. {@code TLSv1.3}
     * @return the TLS options
     */
    public TlsOptions protocols(String... versions) {
        Spec s = edit();
        s.protocols = versions == null ? null : List.of(versions);
        return new TlsOptions(s);
    }

    /** {@return the longest time a handshake may take, or null for no limit} */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /**
     * Sets the handshake timeout (default 10 s; null: none); past it the handshake fails with {@link java.net.SocketTimeoutException}.
     *
     * @param timeout the time limit
     * @return the TLS options
     */
    public TlsOptions handshakeTimeout(Duration timeout) {
        Spec s = edit();
        s.handshakeTimeout = timeout;
        return new TlsOptions(s);
    }

    /** {@return whether a server asks for client certificates} */
    public ClientAuth clientAuth() {
        return clientAuth;
    }

    /**
     * Makes a server ask for ({@code WANT}) or require ({@code NEED}) a client certificate.
     *
     * @param mode the mode
     * @return the TLS options
     */
    public TlsOptions clientAuth(ClientAuth mode) {
        Spec s = edit();
        s.clientAuth = Objects.requireNonNull(mode);
        return new TlsOptions(s);
    }

    /**
     * Uses {@code context} as is for keys and trust (trust and key settings of these options are
     * then ignored); ALPN, protocols, timeouts and host name verification still apply.
     *
     * @param context the context
     * @return the TLS options
     */
    public TlsOptions sslContext(SSLContext context) {
        Spec s = edit();
        s.customContext = Objects.requireNonNull(context);
        return new TlsOptions(s);
    }

    // ------------------------------------------------------------------ engines (package-private)

    /** The context, built once. */
    SSLContext context() throws SSLException {
        SSLContext c = context;
        if (c != null) {
            return c;
        }
        synchronized (this) {
            if (context == null) {
                context = buildContext();
            }
            return context;
        }
    }

    private SSLContext buildContext() throws SSLException {
        if (customContext != null) {
            return customContext;
        }
        try {
            KeyManager[] km = null;
            if (keyStore != null) {
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keyStore, keyPassword);
                km = kmf.getKeyManagers();
            }
            TrustManager[] tm = null;
            if (insecure) {
                tm = new TrustManager[] {new TrustAll()};
            } else if (trustStore != null) {
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trustStore);
                tm = tmf.getTrustManagers();
            }
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(km, tm, null);
            return c;
        } catch (GeneralSecurityException e) {
            throw new SSLException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /**
     * A configured engine. For a client, {@code peerHost} is the name to verify and send as SNI
     * (null: neither); for a server both peer arguments may be null.
     */
    SSLEngine newEngine(String peerHost, int peerPort) throws SSLException {
        if (insecure && INSECURE_WARNED.compareAndSet(false, true)) {
            LOG.warn("TLS certificate and host name verification are OFF (TlsOptions.insecure()): "
                    + "connections can be intercepted");
        }
        SSLEngine engine = peerHost == null ? context().createSSLEngine() : context().createSSLEngine(peerHost, peerPort);
        engine.setUseClientMode(!server);
        SSLParameters p = engine.getSSLParameters();
        if (protocols != null) {
            p.setProtocols(protocols.toArray(String[]::new));
        }
        if (server) {
            if (clientAuth == ClientAuth.NEED) {
                p.setNeedClientAuth(true);
            } else if (clientAuth == ClientAuth.WANT) {
                p.setWantClientAuth(true);
            }
        } else {
            if (hostnameVerification && !insecure) {
                p.setEndpointIdentificationAlgorithm("HTTPS");
            }
            p.setServerNames(List.of());
            if (peerHost != null && !isIpLiteral(peerHost)) {
                try {
                    p.setServerNames(List.of(new SNIHostName(stripDot(peerHost))));
                } catch (IllegalArgumentException notAHostName) {
                    LOG.debug("no SNI for {}: {}", peerHost, notAHostName.getMessage());
                }
            }
        }
        if (!alpn.isEmpty()) {
            p.setApplicationProtocols(alpn.toArray(String[]::new));
        }
        engine.setSSLParameters(p);
        if (server && !alpn.isEmpty()) {
            List<String> preferred = alpn;
            engine.setHandshakeApplicationProtocolSelector((e, offered) -> {
                for (String mine : preferred) {
                    if (offered.contains(mine)) {
                        return mine;
                    }
                }
                return ""; // no overlap: go on without ALPN (as OpenSSL does)
            });
        }
        return engine;
    }

    private static String stripDot(String host) {
        return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }

    /** True for an IPv4 or IPv6 literal (with or without brackets). */
    static boolean isIpLiteral(String host) {
        if (host.indexOf(':') >= 0 || host.startsWith("[")) {
            return true;
        }
        return host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    // ------------------------------------------------------------------ PEM

    private static final Pattern PRIVATE_KEY = Pattern.compile(
            "-----BEGIN ([A-Z ]*)PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END \\1PRIVATE KEY-----");

    static List<X509Certificate> readCertificates(Path pem) throws IOException {
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends Certificate> all = CertificateFactory.getInstance("X.509").generateCertificates(in);
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : all) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new IOException("no certificate in " + pem);
            }
            return out;
        } catch (java.security.cert.CertificateException e) {
            throw new IOException("cannot read certificates from " + pem + ": " + e.getMessage(), e);
        }
    }

    static PrivateKey readPrivateKey(Path pem) throws IOException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        Matcher m = PRIVATE_KEY.matcher(text);
        if (!m.find()) {
            throw new IOException("no PEM private key in " + pem);
        }
        if (!m.group(1).isEmpty()) {
            throw new IOException(pem + " holds a \"" + m.group(1) + "PRIVATE KEY\"; only unencrypted PKCS#8 "
                    + "(\"PRIVATE KEY\") is read: convert it with `openssl pkcs8 -topk8 -nocrypt`");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(2));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String alg : new String[] {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "EdDSA"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(spec);
            } catch (GeneralSecurityException tryNext) {
                // not this algorithm
            }
        }
        throw new IOException("unsupported private key algorithm in " + pem);
    }

    private static KeyStore keyStoreOf(Path certChainPem, Path keyPem, char[] password) throws IOException {
        List<X509Certificate> chain = readCertificates(certChainPem);
        PrivateKey key = readPrivateKey(keyPem);
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("key", key, password, chain.toArray(new Certificate[0]));
            return ks;
        } catch (GeneralSecurityException e) {
            throw new IOException("the key in " + keyPem + " does not fit the chain in " + certChainPem + ": "
                    + e.getMessage(), e);
        }
    }

    /** Accepts every certificate ({@link #insecure()}); extended, so that the JDK adds no host name check. */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    @Override
    public String toString() {
        return "TlsOptions[" + (server ? "server" : insecure ? "client, INSECURE" : "client") + ", alpn=" + alpn
                + ", handshakeTimeout=" + Durations.format(handshakeTimeout) + "]";
    }
}

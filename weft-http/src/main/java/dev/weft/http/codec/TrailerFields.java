package dev.weft.http.codec;

import dev.weft.http.Headers;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Which fields a sender may put in a trailer section (RFC 9110 section 6.5.1), for the client's
 * request trailers and the server's response trailers alike. Refused: the fields that frame the
 * message or route it ({@code Content-Length}, {@code Transfer-Encoding}, {@code Trailer},
 * {@code Host}, and the connection-specific {@code Connection}, {@code Keep-Alive},
 * {@code Proxy-Connection}, {@code Upgrade}, {@code TE}), request modifiers ({@code Expect},
 * {@code Max-Forwards}, {@code Cache-Control}, {@code Pragma}, {@code Range}, the {@code If-*}
 * conditionals), authentication and cookies ({@code Authorization}, {@code Proxy-Authorization},
 * {@code WWW-Authenticate}, {@code Proxy-Authenticate}, {@code Cookie}, {@code Set-Cookie}), what
 * decides how the content is processed ({@code Content-Type}, {@code Content-Encoding},
 * {@code Content-Range}), response control data ({@code Age}, {@code Date}, {@code Expires},
 * {@code Location}, {@code Retry-After}, {@code Vary}), and any pseudo-header field
 * ({@code :status}…). A recipient that already acted on the header section could not honour
 * them, and a proxy that merges trailers into the head would be misled (smuggling). Not API.
 */
public final class TrailerFields {

    private static final Set<String> FORBIDDEN = Set.of(
            "content-length", "transfer-encoding", "trailer", "host",
            "connection", "keep-alive", "proxy-connection", "upgrade", "te",
            "expect", "max-forwards", "cache-control", "pragma", "range",
            "if-match", "if-none-match", "if-modified-since", "if-unmodified-since", "if-range",
            "authorization", "proxy-authorization", "www-authenticate", "proxy-authenticate", "cookie", "set-cookie",
            "content-type", "content-encoding", "content-range",
            "age", "date", "expires", "location", "retry-after", "vary");

    private TrailerFields() {
    }

    /**
     * {@return true if a field named {@code name} may be sent in a trailer section}
     *
     * @param name the field name, any case
     */
    public static boolean allowed(String name) {
        return !name.startsWith(":") && !FORBIDDEN.contains(name.toLowerCase(Locale.ROOT));
    }

    /**
     * Checks trailer fields before they are sent.
     *
     * @param fields the fields, or null for none
     * @return {@code fields}, or empty headers for null
     * @throws IllegalArgumentException naming the first field a trailer section may not carry
     */
    public static Headers check(Headers fields) {
        if (fields == null) {
            return new Headers();
        }
        for (int i = 0; i < fields.size(); i++) {
            String name = fields.name(i);
            if (!allowed(name)) {
                throw new IllegalArgumentException("the field " + name + " may not be sent as a trailer (RFC 9110"
                        + " section 6.5.1: fields that frame, route or modify the message, authenticate it or"
                        + " describe its content belong in the header section)");
            }
        }
        return fields;
    }

    /**
     * Asks a trailer supplier for its fields, once the body is out, and checks them.
     *
     * @param trailers the supplier, or null for none
     * @return the checked fields (empty for none)
     * @throws IllegalArgumentException naming the first field a trailer section may not carry
     */
    public static Headers ask(Supplier<Headers> trailers) {
        return check(trailers == null ? null : trailers.get());
    }

    /**
     * Fixed trailer fields, checked and copied now, as the supplier every trailer setter keeps.
     *
     * @param fields the fields
     * @return a supplier of a fresh copy of them each time it is asked
     * @throws IllegalArgumentException naming the first field a trailer section may not carry
     */
    public static Supplier<Headers> fixed(Headers fields) {
        Headers copy = check(fields).copy();
        return copy::copy;
    }
}

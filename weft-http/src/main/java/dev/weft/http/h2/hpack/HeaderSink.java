package dev.weft.http.h2.hpack;

/** Receives the fields of a decoded header block, in order ({@link HpackDecoder#decode}). */
@FunctionalInterface
public interface HeaderSink {

    /**
     * One decoded field.
     *
     * @param name the name as sent (HPACK does not check it; HTTP/2 requires lower case)
     * @param value the value, its octets as Latin-1 characters
     */
    void field(String name, String value);
}

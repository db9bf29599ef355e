/**
 * HPACK, the header compression of HTTP/2 (RFC 7541), written by hand: the static table, a
 * dynamic table with size updates, Huffman coding, prefixed integers and string literals.
 * {@link dev.weft.http.h2.hpack.HpackEncoder} and {@link dev.weft.http.h2.hpack.HpackDecoder}
 * each hold one direction's context of one connection; the decoder is strict and bounded against
 * hostile blocks (see its Javadoc). Used by {@code dev.weft.http.h2}; internal to weft-http.
 */
package dev.weft.http.h2.hpack;

/**
 * Weft's HTTP/1.1 client ({@code dev.weft.http.client}) and server
 * ({@code dev.weft.http.server}), with the types they share ({@code dev.weft.http}). The wire
 * codec ({@code dev.weft.http.codec}) and the httpbin stand-in ({@code dev.weft.http.httpbin})
 * are not API and are not exported.
 */
module dev.weft.http {
    requires transitive dev.weft.core;
    requires transitive com.fasterxml.jackson.databind; // json() returns a JsonNode
    requires org.slf4j;
    // Google's Brotli decoder (org.brotli:dec) has no module name of its own: its automatic
    // module is named after the jar, "dec". It has had no release since 0.1.2 (2017), so the
    // name is stable; revisit if a release adds an Automatic-Module-Name.
    requires dec;
    requires com.github.albfernandez.juniversalchardet; // charset detection when a text body declares none

    exports dev.weft.http;
    exports dev.weft.http.client;
    exports dev.weft.http.server;
}

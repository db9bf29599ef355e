/**
 * An HTTP/1.1 client on Weft's loop, shaped like aiohttp's client: {@link dev.weft.http.client.ClientSession}
 * (pool, cookies, redirects, timeouts, decompression), {@link dev.weft.http.client.ClientRequest},
 * {@link dev.weft.http.client.Body}, {@link dev.weft.http.client.ClientResponse}, and
 * {@link dev.weft.http.client.BlockingClient} for plain threads. See docs/guide-http-client.md.
 */
package dev.weft.http.client;

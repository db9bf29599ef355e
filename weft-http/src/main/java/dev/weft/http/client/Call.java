package dev.weft.http.client;

/**
 * What every hop and attempt of one {@link ClientSession#request(ClientRequest)} shares: the
 * caller's request and its time limits. Immutable.
 *
 * @param request  the request as the caller made it
 * @param timeout  its time limits (the request's own, or the session's)
 * @param deadline the end of its total time, started when the call began
 */
record Call(ClientRequest request, ClientTimeout timeout, Deadline deadline) {
}

package dev.weft.http.client;

import dev.weft.http.HttpLimits;
import java.time.Duration;

/**
 * What every {@link Exchange} of a session shares, whatever its protocol. Immutable.
 *
 * @param limits                limits on response heads (and the codec's other limits)
 * @param expectContinueTimeout how long a body waits for {@code 100 Continue}
 * @param decompress            whether responses are decompressed
 * @param decompressionLimits   caps on decompressed bodies
 * @param maxBodySize           the most bytes of one body kept in memory
 * @param trace                 the session's trace listeners
 */
record ExchangeSettings(HttpLimits limits, Duration expectContinueTimeout, boolean decompress,
        DecompressionLimits decompressionLimits, long maxBodySize, Tracer trace) {
}

package dev.weft;

/** When {@link Weft#wait} returns (asyncio's {@code FIRST_COMPLETED} and friends). */
public enum ReturnWhen {
    /** As soon as any future is done. */
    FIRST_COMPLETED,
    /** As soon as any future fails, or when all are done; a cancelled future is not a failure (as in asyncio). */
    FIRST_EXCEPTION,
    /** When all futures are done. */
    ALL_COMPLETED
}

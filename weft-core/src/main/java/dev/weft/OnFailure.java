package dev.weft;

/** What {@link Weft#gather(OnFailure, java.util.Collection)} does with the others when one fails. */
public enum OnFailure {
    /** Cancel the others, wait for them to finish, then throw the first failure (the default). */
    CANCEL_OTHERS,
    /** Throw the first failure at once and leave the others running (asyncio's behaviour). */
    LEAVE_OTHERS_RUNNING
}

/**
 * Weft's core: event loops that schedule their tasks' virtual threads, futures and task
 * groups and signal handlers ({@code dev.weft}), parallel maps ({@code dev.weft.exec}), streams, TLS
 * and UDP ({@code dev.weft.net}), subprocesses ({@code dev.weft.process}), queues
 * ({@code dev.weft.queue}) and synchronisation primitives ({@code dev.weft.sync}).
 *
 * <p>The fast path needs {@code java.lang} opened to this module: on the module path run the
 * JVM with {@code --add-opens java.base/java.lang=dev.weft.core} (on the class path,
 * {@code =ALL-UNNAMED}). Without it Weft runs in compatibility mode and says so once.
 */
module dev.weft.core {
    requires org.slf4j;
    requires jdk.unsupported; // sun.misc.Signal, used by dev.weft.Signals only: handlers on the loop, Weft.run's Ctrl-C
    requires jdk.jfr;         // debug mode's report of virtual threads pinned to their loop

    exports dev.weft;
    exports dev.weft.exec;
    exports dev.weft.net;
    exports dev.weft.process;
    exports dev.weft.queue;
    exports dev.weft.sync;
    // Not API: the loggers Weft's modules share (errors never silent, tests capture them).
    exports dev.weft.internal to dev.weft.http, dev.weft.test;
}

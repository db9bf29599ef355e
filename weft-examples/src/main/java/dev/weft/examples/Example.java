package dev.weft.examples;

/**
 * One ported seed example, runnable with {@code ./weft example NAME}. Implementations live in
 * this package, have a public no-argument constructor, and are found by {@link Examples}.
 */
public interface Example {

    /** The name used on the command line, e.g. {@code sequential-vs-concurrent}. */
    String name();

    /** Which seed it ports and what it shows, in one line. */
    String description();

    /** Runs the example, printing what the seed's Python version prints. */
    void run(String[] args) throws Exception;
}

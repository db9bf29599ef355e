/**
 * Weft's benchmarks, side by side with its peers: JDK virtual threads on the default scheduler,
 * Kotlin coroutines and (in {@code weft-bench/python}) CPython asyncio. Run them with
 * {@code ./weft bench [switch|million|queue|all]}; {@code docs/benchmarks.md} explains each
 * measurement and records the results.
 */
package dev.weft.bench;

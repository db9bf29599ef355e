package dev.weft.bench.kotlin

import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.yield

/**
 * The Kotlin-coroutine peers of Weft's benchmarks, called from the JMH benchmarks in Java.
 *
 * Every function runs in `runBlocking` without a dispatcher: an event loop on the calling
 * thread, one coroutine at a time, the counterpart of `Weft.run` and `asyncio.run`.
 */
object KotlinPeers {

    /** Two coroutines that each call `yield()` `rounds` times: `2 * rounds` switches. */
    @JvmStatic
    fun yieldPingPong(rounds: Int) {
        runBlocking {
            launch { repeat(rounds) { yield() } }
            launch { repeat(rounds) { yield() } }
        }
    }

    /**
     * Two coroutines that wake each other through a fresh `CompletableDeferred` per message
     * (the same protocol as Weft's and asyncio's future ping-pong): `2 * rounds` switches.
     * A message is the deferred on which the receiver replies; the reply is the deferred that
     * carries the next message.
     */
    @JvmStatic
    fun deferredPingPong(rounds: Int): Unit = runBlocking {
        val first = CompletableDeferred<Any>()
        launch {
            var toB = first
            repeat(rounds) {
                val reply = CompletableDeferred<Any>()
                toB.complete(reply)
                @Suppress("UNCHECKED_CAST")
                toB = reply.await() as CompletableDeferred<Any>
            }
        }
        launch {
            var inbox = first
            repeat(rounds) {
                @Suppress("UNCHECKED_CAST")
                val reply = inbox.await() as CompletableDeferred<Any>
                val next = CompletableDeferred<Any>()
                reply.complete(next)
                inbox = next
            }
        }
    }

    /** A producer sends `messages` integers through a `Channel(capacity)` to a consumer. */
    @JvmStatic
    fun channelTransfer(messages: Int, capacity: Int): Long = runBlocking {
        val channel = Channel<Int>(capacity)
        var sum = 0L
        launch { for (i in 0 until messages) channel.send(i and 127) }
        launch { repeat(messages) { sum += channel.receive() } }.join()
        sum
    }
}

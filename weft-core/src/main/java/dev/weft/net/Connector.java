package dev.weft.net;

import dev.weft.CancelledException;
import dev.weft.EventLoop;
import dev.weft.Readiness;
import dev.weft.Task;
import dev.weft.TaskGroup;
import dev.weft.TaskFailedException;
import dev.weft.TimeoutException;
import dev.weft.Weft;
import dev.weft.internal.Durations;
import dev.weft.queue.Queue;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens client sockets: resolves the name off the loop, then tries the addresses the way RFC
 * 8305 ("happy eyeballs") says: families interleaved, the next attempt started when the
 * previous one failed or after a short delay, the first connection wins and the others are
 * cancelled and closed. All under one connect deadline.
 */
final class Connector {

    private Connector() {
    }

    /** Connects to {@code host:port} from a task; the returned channel is non-blocking. */
    static SocketChannel connect(String host, int port, ConnectOptions opts) throws IOException {
        Task<?> me = Task.current();
        if (me == null) {
            throw new dev.weft.InvalidStateException("openConnection must be called from a task");
        }
        EventLoop loop = EventLoop.running();
        Duration timeout = opts.connectTimeout();
        long deadline = timeout == null ? Long.MAX_VALUE : loop.nanoTime() + timeout.toNanos();
        List<InetAddress> addresses = resolve(host, opts.resolver(), timeout);
        List<InetSocketAddress> targets = new ArrayList<>();
        for (InetAddress a : interleaveFamilies(addresses)) {
            targets.add(new InetSocketAddress(a, port));
        }
        if (targets.size() == 1) {
            return connectOne(loop, targets.get(0), host, opts, deadline);
        }
        return race(loop, targets, host, opts, deadline);
    }

    private static List<InetAddress> resolve(String host, Resolver resolver, Duration timeout) throws IOException {
        if (timeout == null) {
            return resolver.resolve(host);
        }
        try {
            return Weft.withTimeout(timeout, () -> resolver.resolve(host));
        } catch (TimeoutException e) {
            SocketTimeoutException s = new SocketTimeoutException("resolving " + host + " took longer than " + Durations.format(timeout));
            s.initCause(e);
            throw s;
        } catch (TaskFailedException e) {
            throw e.rethrowIoCause();
        }
    }

    /** RFC 8305 section 4: alternate address families, starting with the first address's family. */
    static List<InetAddress> interleaveFamilies(List<InetAddress> addresses) {
        if (addresses.size() < 2) {
            return addresses;
        }
        boolean firstIs6 = addresses.get(0) instanceof Inet6Address;
        List<InetAddress> first = new ArrayList<>();
        List<InetAddress> second = new ArrayList<>();
        for (InetAddress a : addresses) {
            ((a instanceof Inet6Address) == firstIs6 ? first : second).add(a);
        }
        List<InetAddress> out = new ArrayList<>(addresses.size());
        for (int i = 0; i < Math.max(first.size(), second.size()); i++) {
            if (i < first.size()) {
                out.add(first.get(i));
            }
            if (i < second.size()) {
                out.add(second.get(i));
            }
        }
        return out;
    }

    /** State shared by the attempts of one race. Loop thread only. */
    private static final class Race {
        boolean decided;
    }

    private static SocketChannel race(EventLoop loop, List<InetSocketAddress> targets, String host,
            ConnectOptions opts, long deadline) throws IOException {
        Race race = new Race();
        Queue<Object> outcomes = new Queue<>();
        List<Task<Void>> attempts = new ArrayList<>();
        TaskGroup group = TaskGroup.open();
        IOException failures = null;
        int finished = 0;
        try {
            while (true) {
                if (attempts.size() < targets.size()) {
                    InetSocketAddress target = targets.get(attempts.size());
                    attempts.add(group.spawn(() -> {
                        SocketChannel ch;
                        try {
                            ch = connectOne(loop, target, host, opts, Long.MAX_VALUE);
                        } catch (IOException e) {
                            outcomes.putNowait(e);
                            return;
                        } catch (CancelledException e) {
                            throw e; // a loser of a decided race
                        } catch (RuntimeException e) {
                            // An address this host cannot use (no IPv6, a local address of the
                            // other family...): a failed attempt like any other, so the race
                            // goes on at once instead of waiting for an outcome until the deadline.
                            SocketException failed = new SocketException("cannot connect to " + host + " (" + target + "): " + e);
                            failed.initCause(e);
                            outcomes.putNowait(failed);
                            return;
                        }
                        if (race.decided) {
                            Readiness.close(ch);
                        } else {
                            outcomes.putNowait(ch);
                        }
                    }));
                }
                long left = deadline - loop.nanoTime();
                if (left <= 0) {
                    throw timedOut(host, targets);
                }
                long wait = attempts.size() < targets.size() ? Math.min(left, opts.happyEyeballsDelay().toNanos()) : left;
                Object outcome;
                try {
                    outcome = outcomes.get(Duration.ofNanos(wait));
                } catch (TimeoutException noneYet) {
                    continue; // start the next address, or notice the deadline
                }
                finished++;
                if (outcome instanceof SocketChannel ch) {
                    race.decided = true;
                    return ch;
                }
                IOException e = (IOException) outcome;
                if (failures == null) {
                    failures = e;
                } else {
                    failures.addSuppressed(e);
                }
                if (finished == targets.size()) {
                    throw failures;
                }
            }
        } finally {
            race.decided = true;
            group.cancel();
            group.close(); // the losers have closed their sockets when this returns
            Object left;
            while (!outcomes.isEmpty() && (left = outcomes.getNowait()) != null) {
                if (left instanceof SocketChannel ch) {
                    Readiness.close(ch);
                }
            }
        }
    }

    private static SocketTimeoutException timedOut(String host, Object target) {
        return new SocketTimeoutException("connect to " + host + " (" + target + ") timed out");
    }

    /** One connection attempt; closes the socket on any failure or cancellation. */
    static SocketChannel connectOne(EventLoop loop, InetSocketAddress target, String host, ConnectOptions opts,
            long deadline) throws IOException {
        SocketChannel ch = SocketChannel.open(target.getAddress() instanceof Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        boolean ok = false;
        try {
            ch.configureBlocking(false);
            SocketTransport.tuneTcp(ch);
            if (opts.localAddress() != null) {
                ch.bind(opts.localAddress());
            }
            finishConnect(loop, ch, target, host, deadline);
            ok = true;
            return ch;
        } finally {
            if (!ok) {
                Readiness.close(ch);
            }
        }
    }

    /** Connects a Unix domain socket. */
    static SocketChannel connectUnix(EventLoop loop, SocketAddress path, long deadline) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        boolean ok = false;
        try {
            ch.configureBlocking(false);
            finishConnect(loop, ch, path, path.toString(), deadline);
            ok = true;
            return ch;
        } finally {
            if (!ok) {
                Readiness.close(ch);
            }
        }
    }

    private static void finishConnect(EventLoop loop, SocketChannel ch, SocketAddress target, String host,
            long deadline) throws IOException {
        try {
            if (ch.connect(target)) {
                return;
            }
            while (true) {
                if (deadline == Long.MAX_VALUE) {
                    Readiness.awaitWritable(ch);
                } else {
                    long left = deadline - loop.nanoTime();
                    if (left <= 0 || !Readiness.awaitWritable(ch, Duration.ofNanos(left))) {
                        throw timedOut(host, target);
                    }
                }
                if (ch.finishConnect()) {
                    return;
                }
            }
        } catch (ConnectException e) {
            ConnectException named = new ConnectException(e.getMessage() + ": " + host + " (" + target + ")");
            named.initCause(e);
            throw named;
        }
    }
}

package io.jlvs.proxy;

import java.util.Locale;

/**
 * Which transport the FULLNAT proxy asks for; an unavailable one falls back with a logged reason. UDP always
 * runs on Netty (epoll, else NIO); RELAY only changes TCP.
 */
public enum ProxyTransportKind {
    /** RELAY, else Netty epoll, else NIO (io_uring is not the default: it measured no better, docs/benchmarks.md). */
    AUTO,
    /** jlvs's own epoll relay for TCP (FFM system calls, no Netty channel per connection); UDP on Netty epoll. */
    RELAY,
    /** io_uring when the kernel allows it, else epoll, else NIO. */
    IO_URING,
    EPOLL,
    NIO;

    /** Parses {@code auto}, {@code relay}, {@code io_uring} (or {@code iouring}), {@code epoll}, {@code nio}. */
    public static ProxyTransportKind parse(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT).replace("-", "_");
        return switch (v) {
            case "auto" -> AUTO;
            case "relay" -> RELAY;
            case "io_uring", "iouring", "uring" -> IO_URING;
            case "epoll" -> EPOLL;
            case "nio" -> NIO;
            default -> throw new IllegalArgumentException(
                    "unknown proxy transport '" + s + "' (expected auto, relay, io_uring, epoll or nio)");
        };
    }
}

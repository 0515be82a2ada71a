package io.jlvs.proxy;

import java.util.Locale;

/** Which Netty transport the FULLNAT proxy asks for; an unavailable native one falls back with a logged reason. */
public enum ProxyTransportKind {
    /** epoll, else NIO (io_uring is not the default until it measures better: docs/benchmarks.md). */
    AUTO,
    /** io_uring when the kernel allows it, else epoll, else NIO. */
    IO_URING,
    EPOLL,
    NIO;

    /** Parses {@code auto}, {@code io_uring} (or {@code iouring}), {@code epoll}, {@code nio}. */
    public static ProxyTransportKind parse(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT).replace("-", "_");
        return switch (v) {
            case "auto" -> AUTO;
            case "io_uring", "iouring", "uring" -> IO_URING;
            case "epoll" -> EPOLL;
            case "nio" -> NIO;
            default -> throw new IllegalArgumentException(
                    "unknown proxy transport '" + s + "' (expected auto, io_uring, epoll or nio)");
        };
    }
}

package io.jlvs.sys;

import static io.jlvs.sys.NetlinkCodec.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A bound NETLINK_ROUTE socket with its request and response buffers: a request is built in
 * {@link #request()}, sent, and answered within 5 s; every answer of the request's sequence number goes to a
 * visitor until NLMSG_DONE, an acknowledgement or the last part of a non-multipart answer. A refusal becomes a
 * {@link NativeIoException} naming the request and the kernel's errno. Shared by {@link RtNetlink} (queries)
 * and {@link RtNetlinkWriter} (changes); one owning thread.
 */
final class NetlinkRouteSocket implements AutoCloseable {
    private static final int NETLINK_ROUTE = 0;
    private static final int TIMEOUT_MILLIS = 5000;

    @FunctionalInterface
    interface MessageVisitor {
        void visit(int type, int at, int length);
    }

    private final Syscalls sys = new Syscalls();
    private final Arena arena = Arena.ofShared();
    private final int fd;
    private final MemorySegment request;
    private final MemorySegment response;
    private final MemorySegment kernel;
    private final MemorySegment pollfd;
    private int seq = (int) (System.nanoTime() & 0x3fffffff);
    private boolean closed;

    NetlinkRouteSocket(int requestBytes, int responseBytes) {
        this.fd = sys.socket(Abi.AF_NETLINK, Abi.SOCK_RAW | Abi.SOCK_CLOEXEC, NETLINK_ROUTE);
        this.request = arena.allocate(requestBytes, 8);
        this.response = arena.allocate(responseBytes, 8);
        this.kernel = arena.allocate(Abi.SOCKADDR_NL_SIZE, 4);
        kernel.set(ValueLayout.JAVA_SHORT, 0, (short) Abi.AF_NETLINK);
        this.pollfd = arena.allocate(8, 4);
        pollfd.set(ValueLayout.JAVA_INT, 0, fd);
        try {
            sys.bind(fd, kernel);
        } catch (RuntimeException e) {
            sys.close(fd);
            arena.close();
            throw e;
        }
    }

    MemorySegment request() {
        return request;
    }

    MemorySegment response() {
        return response;
    }

    /** The next sequence number. */
    int next() {
        return ++seq;
    }

    /** Sends the request in {@code request[0, length)} and waits for its acknowledgement. */
    void acknowledge(int length, String what) {
        transact(length, what, (t, at, len) -> { });
    }

    /** Sends the request in {@code request[0, length)} and feeds each answer to {@code visitor}. */
    void transact(int length, String what, MessageVisitor visitor) {
        int mySeq = request.get(U32, 8);
        sys.sendto(fd, request, length, 0, kernel);
        long deadline = System.nanoTime() + TIMEOUT_MILLIS * 1_000_000L;
        while (true) {
            pollfd.set(ValueLayout.JAVA_SHORT, 4, Abi.POLLIN);
            int left = (int) Math.max(0, (deadline - System.nanoTime()) / 1_000_000L);
            if (left == 0 || sys.poll(pollfd, 1, left) == 0) {
                throw new NativeIoException(what + " (no answer in " + TIMEOUT_MILLIS + " ms)", Errno.ETIMEDOUT.number());
            }
            long n = sys.recvfrom(fd, response, 0, MemorySegment.NULL, MemorySegment.NULL);
            if (n <= 0) {
                continue;
            }
            int at = 0;
            while (at + NLMSG_HDRLEN <= n) {
                int len = response.get(U32, at);
                int type = response.get(U16, at + 4) & 0xffff;
                int flags = response.get(U16, at + 6) & 0xffff;
                int s = response.get(U32, at + 8);
                if (len < NLMSG_HDRLEN || at + len > n) {
                    break;
                }
                if (s == mySeq) {
                    if (type == NLMSG_DONE) {
                        return;
                    }
                    if (type == NLMSG_ERROR) {
                        int error = response.get(U32, at + NLMSG_HDRLEN);
                        if (error != 0) {
                            throw new NativeIoException(what, -error);
                        }
                        return;
                    }
                    visitor.visit(type, at, len);
                    if ((flags & NLM_F_MULTI) == 0) {
                        return;
                    }
                }
                at += align(len);
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        sys.close(fd);
        arena.close();
    }
}

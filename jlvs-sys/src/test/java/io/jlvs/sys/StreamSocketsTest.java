package io.jlvs.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlvs.core.IpAddress;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The relay's socket and epoll calls on loopback, against plain Java sockets on the other end. */
class StreamSocketsTest {
    private final StreamSockets io = new StreamSockets();
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment buf = arena.allocate(4096);
    private final MemorySegment events = arena.allocate(16L * StreamSockets.EPOLL_EVENT_SIZE, 8);
    private int listener = -1;
    private int epfd = -1;

    @AfterEach
    void close() {
        if (listener >= 0) {
            io.close(listener);
        }
        if (epfd >= 0) {
            io.close(epfd);
        }
        arena.close();
    }

    private InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    @Test
    void acceptedSocketsKnowTheirClientInheritNoDelayAndCarryBytesBothWays() throws Exception {
        listener = io.listen(loopback(0), false, 16);
        int port = io.localPort(listener);
        assertThat(port).isPositive();
        epfd = io.epollCreate();
        assertThat(io.epollCtl(epfd, StreamSockets.EPOLL_CTL_ADD, listener, StreamSockets.EPOLLIN, 7L)).isZero();
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
            assertThat(io.epollWait(epfd, events, 16, 5000)).isEqualTo(1);
            assertThat(StreamSockets.eventToken(events, 0)).isEqualTo(7L);
            int fd = io.accept(listener);
            assertThat(fd).isPositive();
            assertThat(io.peerAddress()).isEqualTo(IpAddress.parse("127.0.0.1"));
            assertThat(io.peerPort()).isEqualTo(client.getLocalPort());
            assertThat(io.noDelayOption(fd)).isEqualTo(1);
            assertThat(io.accept(listener)).isEqualTo(-StreamSockets.EAGAIN);

            long token = (42L << 32) | 3;
            assertThat(io.epollCtl(epfd, StreamSockets.EPOLL_CTL_ADD, fd,
                    StreamSockets.EPOLLIN | StreamSockets.EPOLLRDHUP | StreamSockets.EPOLLET, token)).isZero();
            assertThat(io.recv(fd, buf, 0, 4096)).isEqualTo(-StreamSockets.EAGAIN);
            client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            assertThat(io.epollWait(epfd, events, 16, 5000)).isEqualTo(1);
            assertThat(StreamSockets.eventToken(events, 0)).isEqualTo(token);
            assertThat(StreamSockets.eventMask(events, 0) & StreamSockets.EPOLLIN).isNotZero();
            assertThat(io.recv(fd, buf, 100, 4096 - 100)).isEqualTo(4);
            assertThat(buf.asSlice(100, 4).toArray(ValueLayout.JAVA_BYTE))
                    .isEqualTo("ping".getBytes(StandardCharsets.US_ASCII));

            assertThat(io.send(fd, buf, 100, 4)).isEqualTo(4);
            assertThat(io.shutdown(fd, StreamSockets.SHUT_WR)).isZero();
            InputStream in = client.getInputStream();
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("ping");

            client.shutdownOutput();
            assertThat(io.epollWait(epfd, events, 16, 5000)).isEqualTo(1);
            assertThat(StreamSockets.eventMask(events, 0) & StreamSockets.EPOLLRDHUP).isNotZero();
            assertThat(io.recv(fd, buf, 0, 4096)).isZero();
            assertThat(io.close(fd)).isZero();
        }
    }

    @Test
    void aRefusedConnectIsReportedByEpollAndSoError() {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        epfd = io.epollCreate();
        int fd = io.socket(StreamSockets.AF_INET);
        MemorySegment sa = arena.allocate(28, 8);
        int len = StreamSockets.sockaddr(sa, IpAddress.parse("127.0.0.1"), port);
        assertThat(len).isEqualTo(16);
        int rc = io.connect(fd, sa, len);
        assertThat(rc).isIn(-StreamSockets.EINPROGRESS, -111);
        if (rc == -StreamSockets.EINPROGRESS) {
            io.epollCtl(epfd, StreamSockets.EPOLL_CTL_ADD, fd, StreamSockets.EPOLLOUT | StreamSockets.EPOLLET, 1L);
            assertThat(io.epollWait(epfd, events, 16, 5000)).isEqualTo(1);
            assertThat(StreamSockets.eventMask(events, 0) & StreamSockets.EPOLLERR).isNotZero();
            assertThat(io.socketError(fd)).isEqualTo(111);   // ECONNREFUSED
        }
        io.close(fd);
    }

    @Test
    void aPortInUseIsOneNamedError() {
        listener = io.listen(loopback(0), false, 16);
        int port = io.localPort(listener);
        assertThatThrownBy(() -> io.listen(loopback(port), false, 16))
                .isInstanceOf(NativeIoException.class)
                .satisfies(e -> assertThat(((NativeIoException) e).errno()).isEqualTo(98));
    }

    @Test
    void anEventfdWakesAnEpollWait() {
        epfd = io.epollCreate();
        int efd = io.eventfd();
        io.epollCtl(epfd, StreamSockets.EPOLL_CTL_ADD, efd, StreamSockets.EPOLLIN, -1L);
        assertThat(io.epollWait(epfd, events, 16, 0)).isZero();
        assertThat(io.eventfdSignal(efd)).isEqualTo(8);
        assertThat(io.epollWait(epfd, events, 16, 5000)).isEqualTo(1);
        assertThat(StreamSockets.eventToken(events, 0)).isEqualTo(-1L);
        assertThat(io.eventfdDrain(efd)).isEqualTo(8);
        assertThat(io.eventfdDrain(efd)).isEqualTo(-StreamSockets.EAGAIN);
        io.close(efd);
    }
}

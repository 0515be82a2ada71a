package io.jlvs.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jlvs.core.model.InetServiceKey;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Memory per idle proxied connection: heap (after full collections) plus direct memory, with N idle
 * clients through the proxy minus the same N clients straight to the backend (clients and backend
 * sockets live in this JVM too, so they cancel out). The goal is 8 KiB per connection.
 */
class IdleFootprintTest {
    private static final int WANTED = 2000;
    private static final long GOAL_BYTES = 8 * 1024;

    @Test
    void anIdleProxiedConnectionCostsAtMostEightKibibytes() throws Exception {
        int n = connectionsWithinFdLimit();
        Assumptions.assumeTrue(n >= 500, "too few file descriptors for the measurement");
        try (HoldingBackend backend = new HoldingBackend(); ProxyFixture f = new ProxyFixture()) {
            InetServiceKey key = f.tcpService("wlc");
            f.addServer(key, backend.port(), 1);
            f.awaitListening(key);
            // warm up both paths (class loading, pools) before measuring
            measure(f, backend, backend.port(), 200, 0);
            measure(f, backend, key.port(), 200, 200);

            long direct = measure(f, backend, backend.port(), n, 0);
            long proxied = measure(f, backend, key.port(), n, n);
            long perConnection = (proxied - direct) / n;
            System.out.printf("idle footprint: %d connections, direct %d B, proxied %d B, proxy %d B/connection%n",
                    n, direct, proxied, perConnection);
            assertThat(perConnection).isLessThanOrEqualTo(GOAL_BYTES);
        }
    }

    private static int connectionsWithinFdLimit() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os) {
            long max = os.getMaxFileDescriptorCount();
            // each proxied connection holds four descriptors here: client, proxy front, proxy back, backend
            return (int) Math.min(WANTED, (max - 1000) / 4);
        }
        return WANTED;
    }

    /**
     * Memory held with {@code n} idle connections to {@code port} open (and {@code flows} proxied flows),
     * minus before; all closed after.
     */
    private static long measure(ProxyFixture f, HoldingBackend backend, int port, int n, int flows) throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> f.proxy.metrics().openFlows() == 0);
        int acceptedBefore = backend.accepted();
        long before = usedMemory();
        List<SocketChannel> clients = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                clients.add(SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> backend.accepted() - acceptedBefore == n
                    && f.proxy.metrics().openFlows() == flows);
            return usedMemory() - before;
        } finally {
            for (SocketChannel c : clients) {
                c.close();
            }
            backend.closeAll();
        }
    }

    private static long usedMemory() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long nio = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            nio += pool.getMemoryUsed();
        }
        long netty = ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider p
                ? p.metric().usedDirectMemory() + p.metric().usedHeapMemory() : 0;
        return heap + nio + netty;
    }

    /** Accepts connections and keeps them open, reading nothing. */
    private static final class HoldingBackend implements AutoCloseable {
        private final ServerSocketChannel server = ServerSocketChannel.open();
        private final List<SocketChannel> open = new CopyOnWriteArrayList<>();
        private final Thread acceptor;
        private volatile int accepted;

        HoldingBackend() throws IOException {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
            acceptor = Thread.ofPlatform().daemon().start(() -> {
                while (server.isOpen()) {
                    try {
                        open.add(server.accept());
                        accepted++;
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        int port() throws IOException {
            return ((InetSocketAddress) server.getLocalAddress()).getPort();
        }

        int accepted() {
            return accepted;
        }

        void closeAll() throws IOException {
            for (SocketChannel c : open) {
                c.close();
            }
            open.clear();
        }

        @Override
        public void close() throws IOException {
            server.close();
            closeAll();
            acceptor.interrupt();
        }
    }
}

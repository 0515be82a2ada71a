package io.jlvs.proxy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A real server for tests: a blocking TCP server on 127.0.0.1 (or another address) with a virtual thread per connection. */
final class TcpBackend implements AutoCloseable {
    interface Handler {
        void handle(Socket s) throws IOException;
    }

    private final ServerSocket server;
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    TcpBackend(Handler handler) throws IOException {
        this(InetAddress.getLoopbackAddress(), handler);
    }

    /** A real server on {@code address} (::1 for an IPv6 one). */
    TcpBackend(InetAddress address, Handler handler) throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(address, 0), 512);
        acceptor = Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    accepted.incrementAndGet();
                    open.add(s);
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            handler.handle(s);
                        } catch (IOException ignored) {
                            // the client went away
                        } finally {
                            open.remove(s);
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    /** Greets each connection with {@code name} and a newline, then closes it. */
    static TcpBackend greeter(String name) throws IOException {
        return greeter(InetAddress.getLoopbackAddress(), name);
    }

    /** A {@link #greeter(String)} on {@code address}. */
    static TcpBackend greeter(InetAddress address, String name) throws IOException {
        return new TcpBackend(address, s -> {
            s.getOutputStream().write((name + "\n").getBytes());
            s.getOutputStream().flush();
        });
    }

    /** Greets with {@code name}, then echoes until the client closes. */
    static TcpBackend echo(String name) throws IOException {
        return new TcpBackend(s -> {
            s.getOutputStream().write((name + "\n").getBytes());
            s.getInputStream().transferTo(s.getOutputStream());
        });
    }

    int port() {
        return server.getLocalPort();
    }

    int accepted() {
        return accepted.get();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
        acceptor.interrupt();
    }
}

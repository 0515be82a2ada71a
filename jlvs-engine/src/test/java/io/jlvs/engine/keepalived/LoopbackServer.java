package io.jlvs.engine.keepalived;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A TCP server on 127.0.0.1 that answers every request with an HTTP response of {@link #status}; it can stop
 * listening and listen again on the same port.
 */
final class LoopbackServer implements AutoCloseable {
    final int port;
    volatile int status = 200;
    private ServerSocket socket;

    private LoopbackServer(ServerSocket socket) {
        this.socket = socket;
        this.port = socket.getLocalPort();
        accept(socket);
    }

    static LoopbackServer start() throws IOException {
        return new LoopbackServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    }

    synchronized void stop() throws IOException {
        socket.close();
    }

    synchronized void listenAgain() throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        socket = s;
        accept(s);
    }

    private void accept(ServerSocket s) {
        Thread.ofVirtual().start(() -> {
            while (!s.isClosed()) {
                try {
                    Socket c = s.accept();
                    Thread.ofVirtual().start(() -> answer(c));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    private void answer(Socket c) {
        try (c; InputStream in = c.getInputStream(); OutputStream out = c.getOutputStream()) {
            c.setSoTimeout(5000);
            int state = 0;
            int b;
            while (state < 4 && (b = in.read()) >= 0) {
                state = (b == '\r' || b == '\n') ? state + 1 : 0;
            }
            if (state < 4) {
                return;
            }
            String body = "ok " + port;
            out.write(("HTTP/1.0 " + status + " X\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            // the client went away
        }
    }

    @Override
    public void close() throws IOException {
        stop();
    }
}

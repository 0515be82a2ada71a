package io.jlvs.health;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A loopback TCP server for tests: each connection is handed to the handler on its own thread. */
final class TestServer implements AutoCloseable {

    interface Handler {
        void handle(Socket socket, String request) throws IOException, InterruptedException;
    }

    final ServerSocket server;
    final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    TestServer(Handler handler, boolean readRequest) throws IOException {
        this(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), handler, readRequest);
    }

    TestServer(ServerSocket server, Handler handler, boolean readRequest) {
        this.server = server;
        this.acceptor = Thread.ofPlatform().daemon().start(() -> {
            while (!server.isClosed()) {
                Socket s;
                try {
                    s = server.accept();
                } catch (IOException e) {
                    return;
                }
                sockets.add(s);
                Thread.ofPlatform().daemon().start(() -> {
                    try (s) {
                        String request = readRequest ? readHead(s.getInputStream()) : "";
                        requests.add(request);
                        handler.handle(s, request);
                    } catch (IOException | InterruptedException ignored) {
                        // the client went away
                    }
                });
            }
        });
    }

    /** An HTTP server answering every request with this raw response, then closing. */
    static TestServer http(String rawResponse) throws IOException {
        return new TestServer((s, r) -> {
            s.getOutputStream().write(rawResponse.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
        }, true);
    }

    static String ok(String body) {
        return "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    int port() {
        return server.getLocalPort();
    }

    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            byte[] a = b.toByteArray();
            int n = a.length;
            if (n >= 4 && a[n - 4] == '\r' && a[n - 3] == '\n' && a[n - 2] == '\r' && a[n - 1] == '\n') {
                break;
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.jlvs.cli.keepalived;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A real server on 127.0.0.1: a connection whose first line is {@code GET ...} gets an HTTP/1.0 response
 * {@code ok PORT} and is closed; any other line is echoed back as {@code PORT:line} until the client closes.
 * It can stop listening (established connections go on) and listen again on the same port.
 */
final class Backend implements AutoCloseable {
    final int port;
    private ServerSocket socket;

    private Backend(ServerSocket socket) {
        this.socket = socket;
        this.port = socket.getLocalPort();
        accept(socket);
    }

    static Backend start() throws IOException {
        return new Backend(new ServerSocket(0, 100, InetAddress.getLoopbackAddress()));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    synchronized void stop() throws IOException {
        socket.close();
    }

    synchronized void listenAgain() throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 100);
        socket = s;
        accept(s);
    }

    private void accept(ServerSocket s) {
        Thread.ofVirtual().start(() -> {
            while (!s.isClosed()) {
                try {
                    Socket c = s.accept();
                    Thread.ofVirtual().start(() -> serve(c));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    private void serve(Socket c) {
        try (c; BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(),
                StandardCharsets.ISO_8859_1)); OutputStream out = c.getOutputStream()) {
            String first = in.readLine();
            if (first == null) {
                return;
            }
            if (first.startsWith("GET ")) {
                String line;
                do {
                    line = in.readLine();
                } while (line != null && !line.isEmpty());
                String body = "ok " + port;
                out.write(("HTTP/1.0 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                        .getBytes(StandardCharsets.ISO_8859_1));
                return;
            }
            PrintWriter w = new PrintWriter(out, true, StandardCharsets.ISO_8859_1);
            for (String line = first; line != null; line = in.readLine()) {
                w.println(port + ":" + line);
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    /** One HTTP request to {@code 127.0.0.1:port}: the body ({@code ok PORT}), or an exception. */
    static String get(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            int body = response.indexOf("\r\n\r\n");
            if (!response.startsWith("HTTP/1.0 200") || body < 0) {
                throw new IOException("bad response: " + response);
            }
            return response.substring(body + 4);
        }
    }

    @Override
    public void close() throws IOException {
        stop();
    }
}

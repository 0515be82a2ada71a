package io.jlvs.health;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Opening TCP probes: bind as configured, connect within the deadline, reads bounded by the same deadline. */
final class ProbeSocket {

    private ProbeSocket() {
    }

    static Socket connect(CheckTarget target, Deadline deadline) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            InetSocketAddress local = target.localAddress();
            if (local != null) {
                socket.setReuseAddress(true);
                socket.bind(local);
            }
            socket.connect(target.socketAddress(), deadline.remainingMillis());
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** An input stream whose every read waits at most until the deadline. */
    static InputStream boundedInput(Socket socket, Deadline deadline) throws IOException {
        InputStream in = socket.getInputStream();
        return new InputStream() {
            @Override
            public int read() throws IOException {
                socket.setSoTimeout(deadline.remainingMillis());
                int b = in.read();
                deadline.remainingMillis();
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                socket.setSoTimeout(deadline.remainingMillis());
                int n = in.read(b, off, len);
                deadline.remainingMillis();
                return n;
            }
        };
    }
}

package io.jlvs.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Test support: a run of consecutive loopback ports free now (the demo takes its port and the next ones). */
public final class FreePorts {
    private FreePorts() {
    }

    /** The first of {@code length} consecutive ports on 127.0.0.1 that could all be bound just now. */
    public static int run(int length) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                base = s.getLocalPort();
            }
            if (base + length > 65535) {
                continue;
            }
            boolean free = true;
            for (int p = base; p < base + length && free; p++) {
                try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
                    free = s.getLocalPort() == p;
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IllegalStateException("no run of free ports");
    }
}

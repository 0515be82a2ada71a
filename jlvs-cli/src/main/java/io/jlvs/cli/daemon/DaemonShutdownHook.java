package io.jlvs.cli.daemon;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The JVM shutdown hook that closes the daemon (socket, pid file, engine) on SIGTERM or SIGINT. It is installed
 * before the control socket is bound, so a signal that comes as soon as the socket is there (a script waiting for
 * it, then stopping jlvs) still removes it: the hook waits for the start to end, then closes what it started.
 */
final class DaemonShutdownHook {
    private final CountDownLatch startEnded = new CountDownLatch(1);
    private volatile DaemonProcess daemon;

    /** Installs the hook; call {@link #started} or {@link #failed} afterwards, whatever happens. */
    static DaemonShutdownHook install() {
        DaemonShutdownHook hook = new DaemonShutdownHook();
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("jlvs-shutdown").unstarted(hook::run));
        return hook;
    }

    void started(DaemonProcess started) {
        daemon = started;
        startEnded.countDown();
    }

    void failed() {
        startEnded.countDown();
    }

    private void run() {
        try {
            // binding a socket and writing a pid file: seconds would mean something is stuck; stop anyway
            startEnded.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        DaemonProcess started = daemon;
        if (started != null) {
            started.close();
        }
    }
}

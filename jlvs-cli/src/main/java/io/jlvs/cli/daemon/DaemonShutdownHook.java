package io.jlvs.cli.daemon;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The JVM shutdown hook that closes the daemon (socket, pid file, engine) on SIGTERM or SIGINT. It is installed
 * before keepalived.conf starts anything, so a signal that comes as soon as something is visible (a script waiting
 * for the socket or a VIP, then stopping jlvs) still stops it gracefully: the hook waits for the start to end, then
 * closes what it started (after a failed start, the start's own clean-up has run when {@link #failed} is called).
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
            // keepalived.conf, the packet data plane, the socket and the pid file: a minute would mean something is
            // stuck; stop anyway
            startEnded.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        DaemonProcess started = daemon;
        if (started != null) {
            started.close();
        }
    }
}

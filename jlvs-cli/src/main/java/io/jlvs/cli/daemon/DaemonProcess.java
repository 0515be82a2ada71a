package io.jlvs.cli.daemon;

import io.jlvs.engine.control.ControlServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running jlvs daemon: the engine behind its control socket, and its pid file. {@link #close()} stops
 * it and removes both files; the shutdown hook of {@code jlvs run} calls it. Under systemd
 * ({@code Type=notify}) it reports READY=1 once {@link #ready()} is called, and STOPPING=1 on close.
 */
public final class DaemonProcess implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DaemonProcess.class);

    private final DaemonOptions options;
    private final ControlServer server;
    private final PidFile pidFile;
    private final SystemdNotify systemd;
    private final AtomicBoolean announced = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private DaemonProcess(DaemonOptions options, ControlServer server, PidFile pidFile, SystemdNotify systemd) {
        this.options = options;
        this.server = server;
        this.pidFile = pidFile;
        this.systemd = systemd;
    }

    /** {@link #start(DaemonOptions, SystemdNotify)} notifying the $NOTIFY_SOCKET of this process, if any. */
    public static DaemonProcess start(DaemonOptions options) throws DaemonStartException {
        return start(options, SystemdNotify.fromEnvironment(System.getenv()));
    }

    /**
     * Checks the pid file, binds the control socket, writes the pid file, and logs that it is ready.
     *
     * @throws DaemonStartException with one line for the user; nothing is left behind
     */
    public static DaemonProcess start(DaemonOptions options, SystemdNotify systemd) throws DaemonStartException {
        long self = ProcessHandle.current().pid();
        PidFile.checkNotRunning(options.pidFile(), self);
        checkDirectoryOwner(options.socket().toAbsolutePath().getParent());
        ControlServer server;
        try {
            server = ControlServer.start(options.socket(), options.engine());
        } catch (IOException e) {
            throw new DaemonStartException(e.getMessage(), e);
        }
        PidFile pid;
        try {
            pid = PidFile.write(options.pidFile(), self);
        } catch (DaemonStartException e) {
            server.close();
            throw e;
        }
        log.info("jlvs {} ready: control socket {}, pid {}", JlvsVersion.text(), server.path(), self);
        return new DaemonProcess(options, server, pid, systemd);
    }

    /** A directory someone else owns could have our socket swapped under it; refuse it unless we are root. */
    private static void checkDirectoryOwner(Path dir) throws DaemonStartException {
        long uid = SocketPaths.currentUid();
        if (uid <= 0 || !Files.isDirectory(dir)) {
            return;
        }
        try {
            long owner = ((Number) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
            if (owner != uid && owner != 0) {
                throw new DaemonStartException("the socket directory " + dir + " belongs to uid " + owner
                        + ", not to you (uid " + uid + "); choose another --socket");
            }
        } catch (IOException | UnsupportedOperationException e) {
            // cannot tell; the bind will say if the directory is unusable
        }
    }

    public Path socket() {
        return server.path();
    }

    public Path pidFile() {
        return pidFile.path();
    }

    /**
     * Tells systemd that start-up has finished (READY=1): call it when every listener is up. Only the
     * first call sends; a closed daemon sends nothing.
     */
    public void ready() {
        if (!closed.get() && announced.compareAndSet(false, true)) {
            systemd.ready("serving on " + server.path());
        }
    }

    /** Tells systemd that a reload has begun (RELOADING=1); call {@link #reloaded(String)} when it ends. */
    public void reloading() {
        systemd.reloading();
    }

    /** Tells systemd that a reload has ended (READY=1), with one line about its outcome. */
    public void reloaded(String status) {
        systemd.ready(status);
    }

    /**
     * Blocks until {@link #close()} has finished. The caller has finished starting when it waits, so this
     * reports {@link #ready()} first if nobody has.
     */
    public void awaitStopped() throws InterruptedException {
        ready();
        stopped.await();
    }

    /** Stops serving, removes the socket and the pid file, closes the engine. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            systemd.stopping();
            server.close();
            if (options.engine() instanceof AutoCloseable engine) {
                try {
                    engine.close();
                } catch (Exception e) {
                    log.warn("engine did not close cleanly: {}", e.toString());
                }
            }
            pidFile.remove();
            log.info("jlvs stopped");
        } finally {
            stopped.countDown();
        }
    }
}

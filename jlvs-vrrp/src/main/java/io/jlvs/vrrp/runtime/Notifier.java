package io.jlvs.vrrp.runtime;

import io.jlvs.vrrp.notify.NotifyEvent;
import io.jlvs.vrrp.notify.VrrpNotifyFormat;
import io.jlvs.vrrp.settings.NotifySettings;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out notifies as keepalived does: the state's own script (argv as given), the generic {@code notify}
 * script with {@code INSTANCE|GROUP name state priority} appended, and one line to the notify FIFO. Scripts run on
 * virtual threads and never hold up the caller; FIFO lines are written in order by one writer thread per FIFO
 * (opening a FIFO waits for its reader).
 */
final class Notifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);

    private final ScriptExecutor runner;
    private final Set<Thread> running = ConcurrentHashMap.newKeySet();
    private final Map<Path, FifoWriter> fifos = new HashMap<>();

    Notifier(ScriptExecutor runner) {
        this.runner = runner;
    }

    void instance(String name, NotifySettings s, NotifyEvent event, int priority) {
        if (event.isState()) {
            List<String> own = switch (event) {
                case MASTER -> s.master();
                case BACKUP -> s.backup();
                case FAULT -> s.fault();
                case STOP -> s.stop();
                default -> List.of();
            };
            script(own, s.timeoutMillis());
            if (!s.generic().isEmpty()) {
                List<String> argv = new ArrayList<>(s.generic());
                argv.addAll(VrrpNotifyFormat.instanceScriptArgs(name, event, priority));
                script(argv, s.timeoutMillis());
            }
        }
        fifo(s.fifo(), VrrpNotifyFormat.instanceFifoLine(name, event, priority));
    }

    void group(String name, List<NotifySettings> members, NotifyEvent event) {
        members.stream().map(NotifySettings::fifo).filter(java.util.Objects::nonNull).distinct()
                .forEach(f -> fifo(f, VrrpNotifyFormat.groupFifoLine(name, event)));
    }

    private void script(List<String> argv, long timeoutMillis) {
        if (argv.isEmpty()) {
            return;
        }
        Thread t = Thread.ofVirtual().name("jlvs-vrrp-notify").unstarted(() -> {
            try {
                ScriptResult r = runner.run(argv, timeoutMillis);
                if (!r.succeeded()) {
                    LOG.warn("notify script {} {}", argv, r.timedOut() ? "timed out" : r.error() != null
                            ? "failed: " + r.error() : "exited with status " + r.exitCode());
                }
            } finally {
                running.remove(Thread.currentThread());
            }
        });
        running.add(t);
        t.start();
    }

    private void fifo(Path path, String line) {
        if (path != null) {
            fifos.computeIfAbsent(path, FifoWriter::new).write(line);
        }
    }

    /** Waits up to {@code millis} for running scripts and queued FIFO lines. */
    void drain(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        for (Thread t : List.copyOf(running)) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                break;
            }
            try {
                t.join(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        for (FifoWriter w : fifos.values()) {
            w.drain(Math.max(1, (deadline - System.nanoTime()) / 1_000_000L));
        }
    }

    @Override
    public void close() {
        drain(2000);
    }

    /** One FIFO (or plain file), opened once for appending, lines written in order off the router thread. */
    private static final class FifoWriter {
        private final Path path;
        private final ExecutorService writer = Executors.newSingleThreadExecutor(
                Thread.ofPlatform().daemon().name("jlvs-vrrp-fifo").factory());
        private OutputStream out;

        FifoWriter(Path path) {
            this.path = path;
        }

        void write(String line) {
            writer.execute(() -> {
                try {
                    if (out == null) {
                        out = Files.newOutputStream(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND,
                                StandardOpenOption.CREATE);
                    }
                    out.write(line.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                } catch (IOException e) {
                    LOG.warn("notify_fifo {}: {}", path, e.toString());
                    out = null;
                }
            });
        }

        void drain(long millis) {
            writer.shutdown();
            try {
                writer.awaitTermination(millis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (out != null) {
                try {
                    out.close();
                } catch (IOException ignored) {
                    // the reader went away
                }
            }
        }
    }
}

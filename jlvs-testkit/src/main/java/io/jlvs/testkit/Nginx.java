package io.jlvs.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A Debian nginx real server run by a test inside a network namespace: a temporary prefix directory of its
 * own (config, pid file, logs, temp paths), one process ({@code master_process off}), stopped by the pid in
 * its pid file. The test writes the {@code server { ... }} blocks; {@link #stop()} and {@link #start()} may
 * be called repeatedly; {@link #close()} stops it.
 */
public final class Nginx implements AutoCloseable {
    private final String ns;
    private final Path prefix;
    private final Path conf;
    private Process process;

    private Nginx(String ns, Path prefix, Path conf) {
        this.ns = ns;
        this.prefix = prefix;
        this.conf = conf;
    }

    /**
     * Writes the configuration under {@code prefix} and starts nginx in {@code ns}. {@code servers} is the
     * text of the server blocks inside {@code http { }}; it may use {@code %PREFIX%} for the prefix directory.
     */
    public static Nginx start(String ns, Path prefix, String servers) throws IOException {
        Files.createDirectories(prefix.resolve("logs"));
        Path conf = prefix.resolve("nginx.conf");
        Files.writeString(conf, """
                daemon off;
                master_process off;
                worker_processes 1;
                user root;
                pid %1$s/nginx.pid;
                error_log %1$s/logs/error.log;
                events { worker_connections 256; }
                http {
                  access_log off;
                  client_body_temp_path %1$s;
                  proxy_temp_path %1$s;
                  fastcgi_temp_path %1$s;
                  uwsgi_temp_path %1$s;
                  scgi_temp_path %1$s;
                  default_type text/html;
                %2$s
                }
                """.formatted(prefix, servers.replace("%PREFIX%", prefix.toString())));
        Nginx nginx = new Nginx(ns, prefix, conf);
        nginx.start();
        return nginx;
    }

    /** Starts nginx again (after {@link #stop()}). */
    public synchronized void start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("nginx already running");
        }
        Files.deleteIfExists(prefix.resolve("nginx.pid"));
        process = new ProcessBuilder(List.of("ip", "netns", "exec", ns, "nginx", "-p", prefix.toString(),
                "-e", prefix.resolve("logs/error.log").toString(), "-c", conf.toString()))
                .redirectErrorStream(true).redirectOutput(prefix.resolve("logs/stdout.log").toFile()).start();
    }

    /** The pid nginx wrote in its pid file, once it has. */
    public Optional<Long> pid() {
        try {
            String text = Files.readString(prefix.resolve("nginx.pid")).strip();
            return text.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(text));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** True while the process started last is running. */
    public synchronized boolean running() {
        return process != null && process.isAlive();
    }

    /** Stops nginx by its pid (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        Optional<ProcessHandle> byPid = pid().flatMap(ProcessHandle::of);
        byPid.ifPresent(ProcessHandle::destroy);
        if (byPid.isEmpty()) {
            process.destroy();
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                byPid.ifPresent(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** The prefix directory (config, pid file, logs/). */
    public Path prefix() {
        return prefix;
    }

    /** nginx's error log and stdout, for a failure message. */
    public String logs() {
        StringBuilder sb = new StringBuilder();
        for (String name : List.of("logs/error.log", "logs/stdout.log")) {
            try {
                sb.append(Files.readString(prefix.resolve(name)));
            } catch (IOException e) {
                sb.append("(no ").append(name).append(")\n");
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        stop();
    }
}

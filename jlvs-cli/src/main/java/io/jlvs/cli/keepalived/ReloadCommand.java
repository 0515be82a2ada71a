package io.jlvs.cli.keepalived;

import io.jlvs.cli.daemon.SocketPaths;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jlvs reload}: asks the running daemon to re-read its keepalived.conf, by sending SIGHUP to the pid
 * in its pid file (as {@code kill -HUP $(cat keepalived.pid)} does for keepalived). The outcome is in the
 * daemon's log and on its status page.
 */
@Command(name = "reload", mixinStandardHelpOptions = true,
        description = "Make the running daemon re-read its keepalived.conf (sends it SIGHUP).")
public final class ReloadCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--socket", paramLabel = "PATH",
            description = "The daemon's control socket (default: $JLVS_SOCKET, else as for 'jlvs run'); "
                    + "its pid file is found next to it.")
    String socket;

    @Option(names = "--pid-file", paramLabel = "PATH", description = "The daemon's pid file.")
    Path pidFile;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path pid = pidFile != null ? pidFile : SocketPaths.pidFileFor(SocketPaths.current().socket(socket));
        long target;
        try {
            target = Long.parseLong(Files.readString(pid, StandardCharsets.US_ASCII).strip());
        } catch (NoSuchFileException e) {
            return fail(err, "no pid file " + pid + ": is the daemon running?");
        } catch (IOException | NumberFormatException e) {
            return fail(err, "cannot read the pid file " + pid + ": " + e.getMessage());
        }
        Optional<ProcessHandle> process = ProcessHandle.of(target);
        if (process.isEmpty() || !process.get().isAlive()) {
            return fail(err, "the daemon (pid " + target + " from " + pid + ") is not running");
        }
        try {
            Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(target)).redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (kill.waitFor() != 0) {
                return fail(err, "cannot signal pid " + target + ": " + output);
            }
        } catch (IOException e) {
            return fail(err, "cannot run kill: " + e.getMessage());
        }
        out.println("jlvs: reload requested (SIGHUP to pid " + target + "); see the daemon's log for the result");
        out.flush();
        return 0;
    }

    private static int fail(PrintWriter err, String message) {
        err.println("jlvs: " + message);
        err.flush();
        return 1;
    }
}

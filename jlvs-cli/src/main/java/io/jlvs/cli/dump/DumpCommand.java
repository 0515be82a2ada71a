package io.jlvs.cli.dump;

import io.jlvs.cli.daemon.SocketPaths;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jlvs dump}: asks the running daemon for keepalived's dump files, as {@code kill -USR1} does for
 * keepalived, waits (up to 10 s) for the file to be rewritten and prints its path.
 */
@Command(name = "dump", mixinStandardHelpOptions = true,
        description = "Make the running daemon write keepalived.data (SIGUSR1; also keepalived.json) or "
                + "keepalived.stats (--stats, SIGUSR2) and print the file's path.")
public final class DumpCommand implements Callable<Integer> {
    private static final long WAIT_NANOS = 10_000_000_000L;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print the path of keepalived.json (written with keepalived.data).")
    boolean json;

    @Option(names = "--stats", description = "The VRRP counters (keepalived.stats, SIGUSR2).")
    boolean stats;

    @Option(names = "--socket", paramLabel = "PATH",
            description = "The daemon's control socket (default: $JLVS_SOCKET, else as for 'jlvs run'); "
                    + "its pid file is found next to it.")
    String socket;

    @Option(names = "--pid-file", paramLabel = "PATH", description = "The daemon's pid file.")
    Path pidFile;

    @Option(names = "--dump-dir", paramLabel = "DIR",
            description = "The daemon's --dump-dir (default: $TMPDIR, else /tmp).")
    Path dumpDir;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (json && stats) {
            return fail(err, "--json and --stats: pick one");
        }
        DumpKind kind = stats ? DumpKind.STATS : json ? DumpKind.JSON : DumpKind.DATA;
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
        Path file = (dumpDir != null ? dumpDir : DumpFileWriter.defaultDirectory()).resolve(kind.fileName());
        FileTime before = modified(file);
        try {
            Process kill = new ProcessBuilder("kill", "-" + kind.signal(), Long.toString(target))
                    .redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (kill.waitFor() != 0) {
                return fail(err, "cannot signal pid " + target + ": " + output);
            }
        } catch (IOException e) {
            return fail(err, "cannot run kill: " + e.getMessage());
        }
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (sameAs(before, modified(file))) {
            if (System.nanoTime() - deadline > 0) {
                return fail(err, "SIG" + kind.signal() + " sent to pid " + target + " but " + file
                        + " was not rewritten within 10 s; see the daemon's log (is its --dump-dir the same?)");
            }
            Thread.sleep(50);
        }
        out.println(file);
        out.flush();
        return 0;
    }

    private static boolean sameAs(FileTime before, FileTime now) {
        return now == null || now.equals(before);
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return null;
        }
    }

    private static int fail(PrintWriter err, String message) {
        err.println("jlvs: " + message);
        err.flush();
        return 1;
    }
}

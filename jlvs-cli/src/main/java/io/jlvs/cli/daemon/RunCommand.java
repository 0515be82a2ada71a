package io.jlvs.cli.daemon;

import io.jlvs.admin.AdminOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jlvs run}: the daemon, in the foreground, until SIGTERM or SIGINT. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the jlvs daemon in the foreground until SIGTERM or SIGINT.")
public final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--socket", paramLabel = "PATH",
            description = "Control socket (default: $JLVS_SOCKET, else /run/jlvs/jlvs.sock as root, "
                    + "else $XDG_RUNTIME_DIR/jlvs/jlvs.sock or /tmp/jlvs-UID/jlvs.sock).")
    String socket;

    @Option(names = "--pid-file", paramLabel = "PATH",
            description = "Pid file (default: next to the socket, /run/jlvs/jlvs.pid as root).")
    Path pidFile;

    @Option(names = {"-f", "--use-file"}, paramLabel = "FILE", description = "keepalived.conf to load (not supported yet).")
    Path useFile;

    @Option(names = "--admin", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9900",
            description = "Where the REST API, /metrics and the status page listen (default: ${DEFAULT-VALUE}).")
    String admin;

    @Option(names = "--admin-token-file", paramLabel = "FILE",
            description = "Bearer token for API changes; the file must not be readable by group or others. "
                    + "Without it the API is read-only.")
    Path adminTokenFile;

    @Option(names = "--no-admin", description = "Do not serve the REST API, /metrics or the status page.")
    boolean noAdmin;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        if (useFile != null) {
            err.println("jlvs: -f/--use-file is not supported yet; run without it and configure services with jlvsadm");
            err.flush();
            return 1;
        }
        AdminOptions adminOptions = null;
        if (!noAdmin) {
            try {
                adminOptions = AdminAddress.parse(admin).withTokenFile(adminTokenFile);
            } catch (IllegalArgumentException e) {
                err.println("jlvs: " + e.getMessage());
                err.flush();
                return 2;
            }
        }
        Path socketPath = SocketPaths.current().socket(socket);
        Path pid = pidFile != null ? pidFile.toAbsolutePath() : SocketPaths.pidFileFor(socketPath);
        Director director = Director.start(EngineFactory.create());
        DaemonProcess daemon;
        try {
            daemon = DaemonProcess.start(new DaemonOptions(socketPath, pid, director));
        } catch (DaemonStartException e) {
            director.close();
            err.println("jlvs: " + e.getMessage());
            err.flush();
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("jlvs-shutdown").unstarted(daemon::close));
        if (adminOptions != null) {
            try {
                director.startAdmin(adminOptions);
            } catch (IOException e) {
                daemon.close();
                err.println("jlvs: " + e.getMessage() + " (or run with --no-admin)");
                err.flush();
                return 1;
            }
        }
        daemon.awaitStopped();
        return 0;
    }
}

package io.jlvs.cli.demo;

import io.jlvs.core.sched.SchedulerFactory;
import io.jlvs.cli.daemon.InterruptSignal;
import io.jlvs.cli.daemon.SocketPaths;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * `jlvs demo`: load balancing on 127.0.0.1 without root. Starts built-in HTTP real servers, a FULLNAT
 * virtual service in front of them, prints the table and a curl line, and runs until Ctrl-C.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run a FULLNAT load balancer on 127.0.0.1 with built-in demo HTTP real servers.",
                "Needs no root. Stop it with Ctrl-C."})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--port", description = "Virtual service port (default: ${DEFAULT-VALUE}); "
            + "the demo real servers use the next ports.", defaultValue = "8080")
    int port;

    @Option(names = "--admin-port", defaultValue = "9900",
            description = "Port of the status page, REST API and /metrics on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int adminPort;

    @Option(names = "--socket", paramLabel = "PATH",
            description = "Control socket for jlvsadm (default: as for `jlvs run`).")
    String socket;

    @Option(names = "--servers", description = "Number of demo real servers (default: ${DEFAULT-VALUE}).",
            defaultValue = "3")
    int servers;

    private final List<SchedulerFactory> schedulers;
    private final PrintStream out;
    private final PrintStream err;
    private final CountDownLatch stop;

    public DemoCommand() {
        this(ServiceLoader.load(SchedulerFactory.class).stream().map(ServiceLoader.Provider::get).toList(),
                System.out, System.err, null);
    }

    /** For tests: schedulers and streams given; {@code stop} (if not null) ends the run instead of Ctrl-C. */
    DemoCommand(List<SchedulerFactory> schedulers, PrintStream out, PrintStream err, CountDownLatch stop) {
        this.schedulers = schedulers;
        this.out = out;
        this.err = err;
        this.stop = stop;
    }

    @Override
    public Integer call() throws IOException {
        CountDownLatch done = stop != null ? stop : new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        boolean interruptWasIgnored = false;
        if (stop == null) {
            // before anything listens: a SIGINT or SIGTERM that comes once the socket is there must stop the demo
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                done.countDown();
                awaitQuietly(closed);
            }, "jlvs-demo-stop"));
            interruptWasIgnored = InterruptSignal.stopOnInterrupt("jlvs demo");
        }
        DemoRun run;
        try {
            run = DemoRun.start(port, servers, port + 1, schedulers, SocketPaths.current().socket(socket), adminPort);
        } catch (DemoFailure e) {
            closed.countDown();
            err.println("jlvs demo: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            closed.countDown();
            throw e;
        }
        if (interruptWasIgnored) {
            // once started: a start that fails says only why
            InterruptSignal.announce("jlvs demo");
        }
        try {
            out.printf("jlvs demo: FULLNAT virtual service 127.0.0.1:%d (%s) with %d demo real servers (%s)%n%n",
                    port, DemoRun.SCHEDULER, servers, run.transport());
            out.print(run.table());
            out.printf("%nTry:   curl http://127.0.0.1:%d/%n", port);
            if (run.controlSocket() != null) {
                boolean standard = run.controlSocket().equals(SocketPaths.current().socket(null));
                out.printf("Watch: %s./jlvsadm -Ln --stats   (or -Lnc for connections)%n",
                        standard ? "" : "JLVS_SOCKET=" + run.controlSocket() + " ");
            } else {
                out.printf("(jlvsadm cannot reach this demo: %s)%n", run.controlProblem());
            }
            if (run.adminAddress() != null) {
                out.printf("Page:  http://127.0.0.1:%d/        Metrics: http://127.0.0.1:%d/metrics%n",
                        run.adminAddress().getPort(), run.adminAddress().getPort());
            } else {
                out.printf("(no status page: %s)%n", run.adminProblem());
            }
            out.println("Stop:  Ctrl-C");
            out.flush();
            awaitQuietly(done);
            out.println("jlvs demo: stopping");
        } finally {
            run.close();
            closed.countDown();
        }
        return 0;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}

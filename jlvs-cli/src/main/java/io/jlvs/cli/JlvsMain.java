package io.jlvs.cli;

import io.jlvs.cli.daemon.JlvsVersion;
import io.jlvs.cli.demo.DemoCommand;
import io.jlvs.cli.daemon.RunCommand;
import io.jlvs.cli.daemon.VersionCommand;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code jlvs}: the daemon and its subcommands. Each subcommand is its own class, listed once below. */
@Command(name = "jlvs", mixinStandardHelpOptions = true,
        versionProvider = JlvsMain.Version.class,
        description = "Linux Virtual Server in Java: the IPVS load balancer and keepalived, as one daemon.",
        subcommands = {
            RunCommand.class,
            DemoCommand.class,
            VersionCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class JlvsMain implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line: one-line errors for bad arguments, no stack traces for them. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new JlvsMain());
        cl.setParameterExceptionHandler((e, args) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("jlvs: " + e.getMessage());
            err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for more information.");
            err.flush();
            return 2;
        });
        cl.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            LoggerFactory.getLogger(JlvsMain.class).error("unexpected failure", e);
            commandLine.getErr().println("jlvs: unexpected failure: " + e);
            commandLine.getErr().flush();
            return 70;
        });
        return cl;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /** Answers --version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"jlvs " + JlvsVersion.text()};
        }
    }
}

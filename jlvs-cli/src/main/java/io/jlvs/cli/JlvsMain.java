package io.jlvs.cli;

import io.jlvs.cli.daemon.JlvsVersion;
import io.jlvs.cli.demo.DemoCommand;
import io.jlvs.cli.daemon.RunCommand;
import io.jlvs.cli.daemon.VersionCommand;
import io.jlvs.cli.keepalived.ReloadCommand;
import io.jlvs.cli.vrrp.VrrpSettingsMapper;
import io.jlvs.config.ConfigCheck;
import io.jlvs.config.model.KeepalivedConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jlvs}: the daemon and its subcommands. Each subcommand is its own class, listed once below. The
 * top-level options are keepalived's: {@code -t} checks a keepalived.conf, {@code -d} dumps it.
 */
@Command(name = "jlvs", mixinStandardHelpOptions = true,
        versionProvider = JlvsMain.Version.class,
        description = "Linux Virtual Server in Java: the IPVS load balancer and keepalived, as one daemon.",
        subcommands = {
            RunCommand.class,
            ReloadCommand.class,
            io.jlvs.cli.dump.DumpCommand.class,
            DemoCommand.class,
            GenhashCommand.class,
            io.jlvs.cli.rs.RsSetupCommand.class,
            io.jlvs.cli.rs.RsTunnelCommand.class,
            VersionCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class JlvsMain implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-t", "--config-test"},
            description = "Check the keepalived.conf (-f) and exit with keepalived's config-test code.")
    boolean configTest;

    @Option(names = {"-d", "--dump-conf"},
            description = "Print the keepalived.conf (-f) as read (includes and definitions expanded), then its problems.")
    boolean dumpConf;

    @Option(names = {"-f", "--use-file"}, paramLabel = "FILE",
            description = "The keepalived.conf for -t and -d (default: /etc/keepalived/keepalived.conf).")
    Path useFile;

    @Option(names = {"-i", "--config-id"}, paramLabel = "ID",
            description = "The id @ID lines are matched against (default: the host name).")
    String configId;

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
        if (configTest || dumpConf) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            int code;
            try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
                // what jlvs run's VRRP runtime will warn about (not supported, not acted on), as it logs it
                Function<KeepalivedConfig, List<String>> notes =
                        c -> VrrpSettingsMapper.map(c).warnings().stream().map(w -> "VRRP: " + w).toList();
                code = configTest ? ConfigCheck.run(useFile, configId, out, notes)
                        : ConfigCheck.dump(useFile, configId, out, notes);
            }
            PrintWriter w = configTest ? spec.commandLine().getErr() : spec.commandLine().getOut();
            w.print(buffer.toString(StandardCharsets.UTF_8));
            w.flush();
            return code;
        }
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

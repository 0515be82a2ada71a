package io.jlvs.cli.daemon;

import io.jlvs.engine.control.ControlProtocol;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code jlvs version}: the build, its control protocol, and the Java it runs on. */
@Command(name = "version", description = "Print the jlvs version.")
public final class VersionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().println("jlvs " + JlvsVersion.text() + " (control protocol "
                + ControlProtocol.VERSION + ", Java " + Runtime.version() + ")");
        spec.commandLine().getOut().flush();
        return 0;
    }
}

package io.jlvs.cli;

import io.jlvs.cli.adm.ControlConnector;
import io.jlvs.cli.adm.Jlvsadm;
import io.jlvs.cli.adm.LazyControl;
import io.jlvs.cli.adm.SystemNameResolver;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.util.Iterator;
import java.util.ServiceLoader;

/** The jlvsadm process: ipvsadm's syntax against the jlvs daemon found through a {@link ControlConnector}. */
public final class JlvsadmMain {
    private JlvsadmMain() {
    }

    public static void main(String[] args) {
        Iterator<ControlConnector> found = ServiceLoader.load(ControlConnector.class).iterator();
        ControlConnector connector = found.hasNext() ? found.next() : Jlvsadm.missingConnector();
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 14), false);
        int status = Jlvsadm.run(args, new LazyControl(connector), out, System.err, System.in,
                SystemNameResolver.standard());
        out.flush();
        System.exit(status);
    }
}

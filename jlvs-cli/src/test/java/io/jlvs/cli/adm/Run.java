package io.jlvs.cli.adm;

import io.jlvs.core.command.IpvsControl;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** One jlvsadm run in memory: its exit status, stdout and stderr. */
record Run(int status, String out, String err) {

    static Run of(IpvsControl control, NameResolver names, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Jlvsadm.run(args, control, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), names);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Run of(IpvsControl control, String... args) {
        return of(control, FakeNames.standard(), "", args);
    }

    /** Splits a command line on blanks. */
    static Run line(IpvsControl control, String commandLine) {
        String t = commandLine.trim();
        return of(control, t.isEmpty() ? new String[0] : t.split("\\s+"));
    }
}

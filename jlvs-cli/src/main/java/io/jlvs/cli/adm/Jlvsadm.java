package io.jlvs.cli.adm;

import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.command.IpvsControl;
import io.jlvs.core.command.IpvsException;
import io.jlvs.core.model.VirtualServiceKey;
import io.jlvs.core.view.IpvsTableView;
import io.jlvs.core.view.IpvsadmOrder;
import io.jlvs.core.view.SyncDaemonView;
import io.jlvs.core.view.Timeouts;
import io.jlvs.core.view.VirtualServiceView;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * jlvsadm: ipvsadm 1.31's command line, messages, exit statuses and output, over an {@link IpvsControl}.
 * {@link #run} is the whole program minus the process: it never calls System.exit.
 */
public final class Jlvsadm {
    /** The one line printed when the daemon cannot be reached: where, then why. */
    public static final String NO_DAEMON = "jlvsadm: cannot reach the jlvs daemon at %s: %s; start it with 'jlvs run'";
    /** The name used in "Try `jlvsadm -h' ..." and the usage text. */
    public static final String PROGRAM = "jlvsadm";

    private final IpvsControl control;
    private final PrintStream out;
    private final PrintStream err;
    private final InputStream in;
    private final NameResolver resolver;
    private final CommandLine commandLine;

    private Jlvsadm(IpvsControl control, PrintStream out, PrintStream err, InputStream in, NameResolver resolver) {
        this.control = control;
        this.out = out;
        this.err = err;
        this.in = in;
        this.resolver = resolver;
        this.commandLine = new CommandLine(resolver, PROGRAM);
    }

    /** Runs one jlvsadm command line and returns its exit status. */
    public static int run(String[] args, IpvsControl control, PrintStream out, PrintStream err, InputStream in,
                          NameResolver resolver) {
        Jlvsadm adm = new Jlvsadm(control, out, err, in, resolver);
        try {
            if (args.length == 0) {
                return adm.execute(new String[] {"-L"}, false);
            }
            return adm.execute(args, false);
        } catch (DaemonUnreachableException e) {
            err.println(e.getMessage());
            return ExitCodes.NO_DAEMON;
        } catch (IOException e) {
            err.println("jlvsadm: the jlvs daemon did not answer: " + e.getMessage());
            return ExitCodes.NO_DAEMON;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** A connector for when none is installed: connecting fails and says so. */
    public static ControlConnector missingConnector() {
        return new MissingConnector();
    }

    /** The no-daemon line for a place and a reason. */
    public static String noDaemonMessage(String where, String reason) {
        if (reason != null && reason.contains("Permission denied")) {
            // the daemon runs, its socket is not ours to use: as ipvsadm says when not root
            return "jlvsadm: cannot use the jlvs daemon's socket " + where + ": Permission denied (you must be root, "
                    + "or the daemon's user)";
        }
        return String.format(NO_DAEMON, where, reason);
    }

    private int execute(String[] args, boolean readingStdin) throws IOException {
        Request r;
        try {
            r = commandLine.parse(args, readingStdin);
        } catch (UsageException e) {
            err.print(e.getMessage());
            return e.exitCode();
        }
        return perform(r);
    }

    private int perform(Request r) throws IOException {
        if (r.help) {
            out.print(Usage.help(PROGRAM));
            return ExitCodes.OK;
        }
        if (r.version) {
            out.print(Usage.version(PROGRAM));
            return ExitCodes.OK;
        }
        try {
            return switch (r.command) {
                case LIST -> list(r);
                case SAVE -> {
                    StringBuilder sb = new StringBuilder(4096);
                    new TableListing(r, resolver, true).all(control.table(), sb);
                    out.print(sb);
                    yield ExitCodes.OK;
                }
                case RESTORE -> restore();
                default -> change(r);
            };
        } catch (IllegalArgumentException e) {
            err.print("jlvsadm: " + e.getMessage() + "\n");
            return ExitCodes.USAGE;
        }
    }

    private int change(Request r) throws IOException {
        IpvsCommand command = switch (r.command) {
            case ADD -> new IpvsCommand.AddService(r.service());
            case EDIT -> new IpvsCommand.EditService(r.service());
            case DELETE -> new IpvsCommand.DeleteService(r.serviceKey());
            case FLUSH -> new IpvsCommand.Clear();
            case ZERO -> new IpvsCommand.Zero(r.hasService() ? r.serviceKey() : null);
            case ADD_SERVER -> new IpvsCommand.AddServer(r.serviceKey(), r.realServer());
            case EDIT_SERVER -> new IpvsCommand.EditServer(r.serviceKey(), r.realServer());
            case DELETE_SERVER -> new IpvsCommand.DeleteServer(r.serviceKey(), r.serverAddress, r.serverPort);
            case SET_TIMEOUT -> new IpvsCommand.SetTimeouts(r.timeouts);
            case START_DAEMON -> new IpvsCommand.StartDaemon(r.daemon());
            case STOP_DAEMON -> new IpvsCommand.StopDaemon(r.daemonState);
            default -> throw new IllegalStateException("not a change: " + r.command);
        };
        try {
            control.execute(command);
            return ExitCodes.OK;
        } catch (IpvsException e) {
            err.print(ErrorTexts.forErrno(r.command, e.error().errno(), e.getMessage()) + "\n");
            return ExitCodes.REFUSED;
        }
    }

    private int list(Request r) throws IOException {
        boolean json = r.has(AdmOption.JSON);
        StringBuilder sb = new StringBuilder(4096);
        if (r.has(AdmOption.CONNECTION)) {
            if (json) {
                JsonListing.connections(control.connections(), sb);
            } else {
                ConnectionListing.print(control.connections(), r.has(AdmOption.NUMERIC),
                        r.has(AdmOption.PERSISTENT_CONN), resolver, sb);
            }
        } else if (r.hasService()) {
            IpvsTableView table = control.table();
            VirtualServiceKey key = r.serviceKey();
            VirtualServiceView found = null;
            for (VirtualServiceView v : table.services()) {
                if (v.service().key().equals(key)) {
                    found = v;
                    break;
                }
            }
            if (found == null) {
                err.print(ErrorTexts.forErrno(AdmCommand.LIST, 3, "No such service") + "\n");
                return ExitCodes.FAILURE;
            }
            if (json) {
                JsonListing.table(table.connTableSize(), List.of(found), !r.has(AdmOption.NOSORT), sb);
            } else {
                new TableListing(r, resolver, false).one(found, sb);
            }
        } else if (r.has(AdmOption.TIMEOUT)) {
            Timeouts t = control.table().timeouts();
            if (json) {
                JsonListing.timeouts(t, sb);
            } else {
                sb.append("Timeout (tcp tcpfin udp): ").append(t.tcp()).append(' ').append(t.tcpFin()).append(' ')
                        .append(t.udp()).append('\n');
            }
        } else if (r.has(AdmOption.DAEMON)) {
            List<SyncDaemonView> daemons = new ArrayList<>(control.syncDaemons());
            daemons.sort((a, b) -> Boolean.compare(!"master".equals(a.state()), !"master".equals(b.state())));
            if (json) {
                JsonListing.daemons(daemons, sb);
            } else {
                for (SyncDaemonView d : daemons) {
                    daemon(d, sb);
                }
            }
        } else {
            IpvsTableView table = control.table();
            if (json) {
                List<VirtualServiceView> services = table.services();
                if (!r.has(AdmOption.NOSORT)) {
                    services = IpvsadmOrder.services(services);
                }
                JsonListing.table(table.connTableSize(), services, !r.has(AdmOption.NOSORT), sb);
            } else {
                new TableListing(r, resolver, false).all(table, sb);
            }
        }
        out.print(sb);
        return ExitCodes.OK;
    }

    private static void daemon(SyncDaemonView d, StringBuilder sb) {
        sb.append(d.state()).append(" sync daemon (mcast=").append(d.mcastInterface()).append(", syncid=")
                .append(d.syncId());
        if (d.maxLen() != 0) {
            sb.append(", maxlen=").append(Integer.toUnsignedString(d.maxLen()));
        }
        if (d.group() != null) {
            sb.append(", group=").append(d.group());
        }
        if (d.port() != 0) {
            sb.append(", port=").append(Integer.toUnsignedString(d.port()));
        }
        if (d.ttl() != 0) {
            sb.append(", ttl=").append(Integer.toUnsignedString(d.ttl()));
        }
        sb.append(")\n");
    }

    /**
     * -R: one command a line, with or without a leading "ipvsadm"; blank lines and # comments skipped. As
     * ipvsadm's restore_table: an option popt refuses (unknown, missing its argument) and a command the table
     * refuses are reported and the rest goes on, while ipvsadm's own checks (a bad value, a wrong combination)
     * stop the restore with their status. Each failure also names its line (ipvsadm does not), and the status
     * is 255 when any line failed (ipvsadm's is the last line's), so that a script sees a partial restore.
     * A line of -h or -v prints and ends the restore, as ipvsadm's usage_exit and version_exit end the process.
     */
    private int restore() throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        int number = 0;
        boolean failed = false;
        while ((line = readLine(reader)) != null) {
            number++;
            String[] words = words(line);
            if (words.length == 0) {
                continue;
            }
            Request r;
            try {
                r = commandLine.parse(words, true);
            } catch (UsageException e) {
                err.print(e.getMessage());
                err.print(lineReport(number, line));
                if (!e.optionError()) {
                    return e.exitCode();
                }
                failed = true;
                continue;
            }
            if (r.help || r.version) {
                perform(r);
                break;
            }
            if (perform(r) != ExitCodes.OK) {
                err.print(lineReport(number, line));
                failed = true;
            }
        }
        return failed ? ExitCodes.REFUSED : ExitCodes.OK;
    }

    private static String lineReport(int number, String line) {
        return "jlvsadm: restore: line " + number + ": " + line.strip() + "\n";
    }

    /** A line up to '\n' (not '\r', a blank to ipvsadm's config_stream), or null at the end. */
    private static String readLine(BufferedReader reader) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = reader.read()) >= 0 && c != '\n') {
            sb.append((char) c);
        }
        return c < 0 && sb.isEmpty() ? null : sb.toString();
    }

    /**
     * The words of a rules line as ipvsadm's config_stream splits it: on space, tab and carriage return, every word
     * "ipvsadm" dropped wherever it stands. jlvsadm also drops a leading jlvsadm or path to either program, and
     * ignores a word starting with '#' and the rest of the line (ipvsadm reads them as arguments).
     */
    static String[] words(String line) {
        List<String> words = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r') {
                i++;
                continue;
            }
            if (c == '#') {
                break;
            }
            int start = i;
            while (i < n && " \t\r".indexOf(line.charAt(i)) < 0) {
                i++;
            }
            String word = line.substring(start, i);
            boolean leadingProgram = words.isEmpty() && (word.endsWith("/ipvsadm") || word.equals("jlvsadm")
                    || word.endsWith("/jlvsadm"));
            if (!word.equals("ipvsadm") && !leadingProgram) {
                words.add(word);
            }
        }
        return words.toArray(new String[0]);
    }
}

package io.jlvs.config;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The logic behind {@code jlvs -t [-f FILE]}: parse, print every problem as keepalived words it, and
 * return keepalived 2.2.7's config-test exit code.
 */
public final class ConfigCheck {
    public static final Path DEFAULT_FILE = Path.of("/etc/keepalived/keepalived.conf");

    /** Configuration fine (KEEPALIVED_CHK_EXIT_OK). */
    public static final int EXIT_OK = 0;
    /** keepalived stopped at once on a missing parameter (KEEPALIVED_EXIT_CONFIG). */
    public static final int EXIT_CONFIG = 2;
    /** A file not found, a bad interface or a fatal error (KEEPALIVED_CHK_EXIT_CONFIG). */
    public static final int EXIT_CHECK_CONFIG = 4;
    /** Any other configuration error or warning (KEEPALIVED_CHK_EXIT_CONFIG_TEST). */
    public static final int EXIT_CHECK_CONFIG_TEST = 5;
    /** Scripts configured without script security (KEEPALIVED_CHK_EXIT_CONFIG_TEST_SECURITY). */
    public static final int EXIT_CHECK_SECURITY = 6;

    private ConfigCheck() {
    }

    /** {@code jlvs -t -f file}: {@code file} null means the default; {@code configId} null the host name. */
    public static int run(Path file, String configId, PrintStream out) {
        KeepalivedParser parser = new KeepalivedParser(configId == null ? HostName.get() : configId,
                HostInterfaces.system(), System.nanoTime());
        return report(parser.parse(file == null ? DEFAULT_FILE : file), out);
    }

    /** {@code jlvs --dump-conf}: prints the effective configuration, then the problems; returns the exit code. */
    public static int dump(Path file, String configId, PrintStream out) {
        KeepalivedParser parser = new KeepalivedParser(configId == null ? HostName.get() : configId,
                HostInterfaces.system(), System.nanoTime());
        ParseResult r = parser.parse(file == null ? DEFAULT_FILE : file);
        out.print(ConfigDump.render(r.config()));
        return report(r, out);
    }

    /** Prints the problems of a parse and returns the exit code keepalived -t would give. */
    public static int report(ParseResult result, PrintStream out) {
        for (String line : lines(result)) {
            out.println(line);
        }
        return exitCode(result.problems());
    }

    /** The lines keepalived 2.2.7 would print: {@code (FILE: Line N) message}, FILE as it was given. */
    public static List<String> lines(ParseResult result) {
        // keepalived 2.2.7 names the file even when it read only one: "(keepalived.conf: Line 12) ..."
        return result.problems().stream().map(p -> p.format(true)).toList();
    }

    /**
     * keepalived keeps the highest-numbered error class it saw (config_err_t order) and maps it: none 0,
     * file not found / bad interface / fatal 4, security 6, anything else 5. A missing parameter makes it
     * exit at once with 2.
     */
    public static int exitCode(List<ConfigProblem> problems) {
        ProblemKind worst = null;
        for (ConfigProblem p : problems) {
            if (p.kind() == ProblemKind.MISSING_PARAMETER) {
                return EXIT_CONFIG;
            }
            if (p.kind() != ProblemKind.NOTICE && (worst == null || p.kind().ordinal() > worst.ordinal())) {
                worst = p.kind();
            }
        }
        if (worst == null) {
            return EXIT_OK;
        }
        return switch (worst) {
            case FILE_NOT_FOUND, BAD_IF, FATAL -> EXIT_CHECK_CONFIG;
            case SECURITY_ERROR -> EXIT_CHECK_SECURITY;
            default -> EXIT_CHECK_CONFIG_TEST;
        };
    }
}

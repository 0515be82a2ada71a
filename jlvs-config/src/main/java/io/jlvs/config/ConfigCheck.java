package io.jlvs.config;

import io.jlvs.config.model.KeepalivedConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

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
        return run(file, configId, out, c -> List.of());
    }

    /**
     * {@code jlvs -t}, then the lines {@code runtimeNotes} makes of the configuration: what jlvs run will log
     * about it beyond keepalived's messages (the VRRP runtime's "not supported" warnings, which live outside
     * this module), unless jlvs run would refuse the file. They do not change the exit code, which stays
     * keepalived's.
     */
    public static int run(Path file, String configId, PrintStream out,
            Function<KeepalivedConfig, List<String>> runtimeNotes) {
        ParseResult r = parser(configId).parse(file == null ? DEFAULT_FILE : file);
        int code = report(r, out);
        notes(r, runtimeNotes).forEach(out::println);
        return code;
    }

    /** {@code jlvs --dump-conf}: prints the effective configuration, then the problems; returns the exit code. */
    public static int dump(Path file, String configId, PrintStream out) {
        return dump(file, configId, out, c -> List.of());
    }

    /** {@code jlvs --dump-conf}, with what jlvs run will log about the file listed after the no-effect keywords. */
    public static int dump(Path file, String configId, PrintStream out,
            Function<KeepalivedConfig, List<String>> runtimeNotes) {
        ParseResult r = parser(configId).parse(file == null ? DEFAULT_FILE : file);
        out.print(ConfigDump.render(r.config()));
        List<String> notes = notes(r, runtimeNotes);
        if (!notes.isEmpty()) {
            out.print("\n# jlvs run also logs:\n");
            notes.forEach(n -> out.println("#   " + n));
        }
        return report(r, out);
    }

    private static KeepalivedParser parser(String configId) {
        return new KeepalivedParser(configId == null ? HostName.get() : configId, HostInterfaces.system(),
                System.nanoTime());
    }

    private static List<String> notes(ParseResult r, Function<KeepalivedConfig, List<String>> runtimeNotes) {
        if (r.problems().stream().anyMatch(p -> p.severity() == Severity.FATAL)) {
            return List.of(); // jlvs run does not start with this file: nothing more would be logged
        }
        try {
            return runtimeNotes.apply(r.config());
        } catch (RuntimeException e) {
            return List.of("(could not tell what jlvs run would log: " + e + ")");
        }
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

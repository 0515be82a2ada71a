package io.jlvs.config;

import io.jlvs.core.ScriptCommandLine;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * Whether a configured script can be run, looked up as keepalived 2.2.7 does when it loads a configuration, before
 * any script runs: the first word is the program; with a '/' it is a path (relative to the working directory),
 * else it is searched on PATH as an executable regular file. A script that is not found is not a script as far as
 * keepalived is concerned: a vrrp_script or MISC_CHECK using it is disabled, and it does not count towards
 * "SECURITY VIOLATION - ... script_security not enabled". A line whose first word is {@code </path} only tests
 * that a file can be opened and is not a script at all.
 */
final class ScriptFiles {
    /** glibc's confstr(_CS_PATH), which keepalived searches when PATH is not set. */
    private static final String DEFAULT_PATH = "/bin:/usr/bin";

    private ScriptFiles() {
    }

    /**
     * The script's words as they will be run ({@link ScriptCommandLine}: keepalived's quoting); none when its
     * quote is not closed (it could not be run either).
     */
    static List<String> words(String command) {
        return ScriptCommandLine.splitOrEmpty(command);
    }

    /** The script as keepalived names it in its log: every word in single quotes ({@code '/bin/chk' '10.0.0.1'}). */
    static String quoted(String command) {
        return String.join(" ", words(command).stream().map(w -> "'" + w + "'").toList());
    }

    /** True unless the script is a program that cannot be found (keepalived: "... since not found/accessible"). */
    static boolean found(String command) {
        List<String> w = words(command);
        return !w.isEmpty() && (opensFile(w.getFirst()) || locate(w.getFirst()));
    }

    /** True when the script is a program that exists: keepalived counts these for enable_script_security. */
    static boolean isScript(String command) {
        List<String> w = words(command);
        return !w.isEmpty() && !opensFile(w.getFirst()) && locate(w.getFirst());
    }

    /** {@code </path}: keepalived only checks the file can be opened (nothing is executed). */
    private static boolean opensFile(String program) {
        return program.startsWith("<") && program.substring(1).stripLeading().startsWith("/");
    }

    private static boolean locate(String program) {
        try {
            if (program.contains("/")) {
                return Files.exists(Path.of(program));
            }
            String path = System.getenv("PATH");
            for (String dir : (path == null ? DEFAULT_PATH : path).split(":", -1)) {
                Path p = Path.of(dir.isEmpty() ? "." : dir, program);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return true;
                }
            }
            return false;
        } catch (InvalidPathException e) {
            return false;
        }
    }
}

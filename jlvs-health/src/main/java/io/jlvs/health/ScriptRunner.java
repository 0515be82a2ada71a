package io.jlvs.health;

import io.jlvs.core.ScriptCommandLine;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs scripts (MISC_CHECK, notify_up/down, quorum_up/down) as argv, never through a shell.
 * <ul>
 * <li>the configured string is split by {@link ScriptCommandLine} (keepalived's quoting);</li>
 * <li>with enable_script_security, a script that would run as root is refused when it, or a directory on its
 *     path, is writable by a non-root user ({@link ScriptSecurity});</li>
 * <li>a user (per script, else script_user) is switched to with {@code runuser -u USER [-g GROUP] --} when
 *     we are root; when we are not root only our own user is possible;</li>
 * <li>at its timeout the script and all its descendants get SIGTERM, then SIGKILL 500 ms later; the child is
 *     always waited for (no zombie). Descendants that left the tree (daemonized) are not followed.</li>
 * </ul>
 */
public final class ScriptRunner {

    private static final Duration KILL_GRACE = Duration.ofMillis(500);

    private final boolean scriptSecurity;
    private final String scriptUser;
    private final int ourUid;

    /** @param scriptUser global script_user ("user" or "user group"), or null to run as ourselves */
    public ScriptRunner(boolean scriptSecurity, String scriptUser) {
        this.scriptSecurity = scriptSecurity;
        this.scriptUser = scriptUser == null || scriptUser.isBlank() ? null : scriptUser.trim();
        this.ourUid = ScriptSecurity.currentUid();
    }

    public ScriptResult run(String commandLine, Duration timeout, String user) {
        List<String> argv;
        try {
            argv = ScriptCommandLine.split(commandLine);
        } catch (IllegalArgumentException e) {
            return ScriptResult.refused(e.getMessage());
        }
        return run(argv, timeout, user);
    }

    public ScriptResult run(List<String> argv, Duration timeout, String user) {
        if (argv.isEmpty()) {
            return ScriptResult.refused("empty script");
        }
        Path program = resolve(argv.getFirst());
        if (program == null) {
            return ScriptResult.refused("Script " + argv.getFirst() + " cannot be accessed - not found");
        }
        String runAs = user != null && !user.isBlank() ? user.trim() : scriptUser;
        boolean asRoot = runAs == null ? ourUid == 0 : isRoot(runAs);
        if (scriptSecurity && asRoot) {
            String problem = ScriptSecurity.check(program);
            if (problem != null) {
                return ScriptResult.refused(problem + " - disabling");
            }
        }
        List<String> command = new ArrayList<>();
        if (runAs != null && !(isRoot(runAs) && ourUid == 0)) {
            if (ourUid != 0) {
                return ScriptResult.refused("cannot run script as " + runAs + ": not root");
            }
            String[] ug = runAs.split("[\\s:]+");
            command.addAll(List.of("runuser", "-u", ug[0]));
            if (ug.length > 1) {
                command.addAll(List.of("-g", ug[1]));
            }
            command.add("--");
        }
        command.add(program.toString());
        command.addAll(argv.subList(1, argv.size()));
        return execute(command, timeout);
    }

    private static boolean isRoot(String user) {
        String name = user.split("[\\s:]+")[0];
        return name.equals("root") || name.equals("0");
    }

    private ScriptResult execute(List<String> command, Duration timeout) {
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            return ScriptResult.refused("cannot start " + command.getFirst() + ": " + e.getMessage());
        }
        try {
            if (process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                return new ScriptResult(process.exitValue(), false, null);
            }
            killTree(process);
            return new ScriptResult(-1, true, null);
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            return new ScriptResult(-1, true, null);
        }
    }

    private static void killTree(Process process) {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.forEach(ProcessHandle::destroy);
        process.destroy();
        boolean exited;
        try {
            exited = process.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exited = false;
        }
        tree.addAll(process.descendants().toList());
        tree.forEach(ProcessHandle::destroyForcibly);
        if (!exited) {
            process.destroyForcibly();
        }
        boolean interrupted = false;
        while (true) {
            try {
                process.waitFor();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** An absolute or relative path as given, else the first executable of that name on PATH. */
    private static Path resolve(String program) {
        if (program.contains("/")) {
            Path p = Path.of(program).toAbsolutePath();
            return Files.isRegularFile(p) ? p : null;
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}

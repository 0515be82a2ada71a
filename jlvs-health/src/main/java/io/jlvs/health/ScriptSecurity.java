package io.jlvs.health;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * keepalived's enable_script_security rule for a script run as root: the script and every directory on its
 * (resolved) path must be owned by root, and not writable by a non-root group or by others
 * (a directory with the sticky bit, like /tmp, may be world writable).
 */
public final class ScriptSecurity {

    private static final int GROUP_WRITE = 0020;
    private static final int OTHER_WRITE = 0002;
    private static final int STICKY = 01000;

    private ScriptSecurity() {
    }

    /** Null when safe, else the first unsafe path with the reason. */
    public static String check(Path script) {
        Path real;
        try {
            real = script.toRealPath();
        } catch (IOException e) {
            return "Script " + script + " cannot be accessed - " + e.getMessage();
        }
        Path current = real.getRoot();
        String problem = checkOne(current, true);
        for (Path part : real) {
            if (problem != null) {
                return problem;
            }
            current = current.resolve(part);
            problem = checkOne(current, !current.equals(real));
        }
        return problem;
    }

    private static String checkOne(Path p, boolean directory) {
        try {
            int uid = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            int gid = (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if (directory ? !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                    : !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                return "Wrong file type found in script path '" + p + "'.";
            }
            boolean stickyDir = directory && (mode & STICKY) != 0;
            if (uid != 0 || !stickyDir && ((gid != 0 && (mode & GROUP_WRITE) != 0) || (mode & OTHER_WRITE) != 0)) {
                return "Unsafe permissions found for script '" + p + "'";
            }
            return null;
        } catch (IOException | UnsupportedOperationException e) {
            return "Script path '" + p + "' cannot be checked - " + e.getMessage();
        }
    }

    /** Our own uid (from the owner of /proc/self), or -1 when unknown. */
    public static int currentUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
    }
}

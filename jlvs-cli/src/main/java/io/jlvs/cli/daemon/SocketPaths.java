package io.jlvs.cli.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the control socket lives, for the daemon and for jlvsadm alike: {@code --socket PATH} first,
 * then {@code $JLVS_SOCKET}, then /run/jlvs/jlvs.sock for root, $XDG_RUNTIME_DIR/jlvs/jlvs.sock for
 * other users, or /tmp/jlvs-UID/jlvs.sock when XDG_RUNTIME_DIR is unset.
 *
 * @param env the environment to read
 * @param uid the effective user id (0 = root)
 */
public record SocketPaths(Map<String, String> env, long uid) {
    public static final String ENV_SOCKET = "JLVS_SOCKET";
    public static final Path ROOT_SOCKET = Path.of("/run/jlvs/jlvs.sock");

    public SocketPaths {
        env = Map.copyOf(env);
    }

    /** The paths for this process: its environment and its effective uid. */
    public static SocketPaths current() {
        return new SocketPaths(System.getenv(), currentUid());
    }

    /** The socket to use; {@code option} is the --socket value, or null. */
    public Path socket(String option) {
        if (option != null && !option.isBlank()) {
            return Path.of(option).toAbsolutePath();
        }
        String fromEnv = env.get(ENV_SOCKET);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv).toAbsolutePath();
        }
        if (uid == 0) {
            return ROOT_SOCKET;
        }
        String runtime = env.get("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank()) {
            return Path.of(runtime, "jlvs", "jlvs.sock");
        }
        return Path.of("/tmp", "jlvs-" + uid, "jlvs.sock");
    }

    /** The default pid file: next to the socket, named after it ({@code jlvs.sock} -> {@code jlvs.pid}). */
    public static Path pidFileFor(Path socket) {
        String name = socket.getFileName().toString();
        String base = name.endsWith(".sock") ? name.substring(0, name.length() - ".sock".length()) : name;
        return socket.resolveSibling(base + ".pid");
    }

    /** The effective uid, read from the owner of /proc/self; -1 when that cannot be read. */
    public static long currentUid() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name")) ? 0 : -1;
        }
    }
}

package io.jlvs.cli.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's pid file, as keepalived keeps one: the decimal pid and a newline. A file naming a live
 * process other than this one means a daemon is already running; any other content is stale.
 */
public final class PidFile {
    private static final Logger log = LoggerFactory.getLogger(PidFile.class);

    private final Path path;
    private final long pid;

    private PidFile(Path path, long pid) {
        this.path = path;
        this.pid = pid;
    }

    public Path path() {
        return path;
    }

    /** Refuses when {@code path} names a live process other than {@code self}. */
    public static void checkNotRunning(Path path, long self) throws DaemonStartException {
        OptionalLong recorded = read(path);
        if (recorded.isPresent() && recorded.getAsLong() != self
                && ProcessHandle.of(recorded.getAsLong()).map(ProcessHandle::isAlive).orElse(false)) {
            throw new DaemonStartException("jlvs is already running as pid " + recorded.getAsLong()
                    + " (pid file " + path + "); stop it first, or remove the file if that process is not jlvs");
        }
    }

    /** Writes {@code pid} to {@code path} atomically, creating the directory when missing. */
    public static PidFile write(Path path, long pid) throws DaemonStartException {
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
            Path tmp = path.resolveSibling(path.getFileName() + ".tmp" + pid);
            Files.writeString(tmp, pid + "\n", StandardCharsets.US_ASCII);
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AccessDeniedException e) {
            throw new DaemonStartException("cannot write the pid file " + path + ": permission denied"
                    + " (run as root, or choose another --pid-file)", e);
        } catch (IOException e) {
            throw new DaemonStartException("cannot write the pid file " + path + ": " + e.getMessage(), e);
        }
        return new PidFile(path, pid);
    }

    /** Deletes the file if it still holds our pid. */
    public void remove() {
        try {
            if (read(path).orElse(-1) == pid) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            log.warn("could not remove the pid file {}: {}", path, e.getMessage());
        }
    }

    private static OptionalLong read(Path path) {
        try {
            String text = Files.readString(path, StandardCharsets.US_ASCII).strip();
            return OptionalLong.of(Long.parseLong(text));
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (IOException | NumberFormatException e) {
            log.debug("pid file {} unreadable, treating it as stale: {}", path, e.getMessage());
            return OptionalLong.empty();
        }
    }
}

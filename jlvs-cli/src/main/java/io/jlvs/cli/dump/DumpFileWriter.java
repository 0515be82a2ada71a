package io.jlvs.cli.dump;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a dump file the safe way: the text goes to a new mode-0600 file created in the same directory, which is
 * then renamed over the target in one step. A symlink at the target is refused (rename would replace the link, not
 * follow it, so even one planted after the check is never written through); readers never see half a file.
 */
public final class DumpFileWriter {
    private final Path directory;

    public DumpFileWriter(Path directory) {
        this.directory = directory;
    }

    /** The default directory, as keepalived's: $TMPDIR, else /tmp. */
    public static Path defaultDirectory() {
        String tmp = System.getenv("TMPDIR");
        return Path.of(tmp == null || tmp.isBlank() ? "/tmp" : tmp);
    }

    public Path directory() {
        return directory;
    }

    /**
     * Writes {@code text} to {@code name} in the directory; returns the file.
     *
     * @throws IOException when the target is a symlink or not a regular file, or the directory is not writable
     */
    public Path write(String name, String text) throws IOException {
        Path target = directory.resolve(name);
        if (Files.isSymbolicLink(target)) {
            throw new IOException("refusing to write " + target + ": it is a symbolic link");
        }
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("refusing to write " + target + ": not a regular file");
        }
        Path temp = Files.createTempFile(directory, "." + name + ".", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        return target;
    }
}

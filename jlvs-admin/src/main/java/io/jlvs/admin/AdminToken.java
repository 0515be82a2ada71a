package io.jlvs.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.Set;

/**
 * The bearer token that API mutations must present. Read once from a file that only its owner may read
 * (mode 0600 or 0400); a group- or other-readable file is refused, as ssh refuses a readable key.
 */
public final class AdminToken {
    private static final Set<PosixFilePermission> TOO_OPEN = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private final byte[] expected;

    private AdminToken(byte[] expected) {
        this.expected = expected;
    }

    /**
     * Reads the token (the file's first line, trimmed).
     *
     * @throws IOException with a one-line reason when the file is missing, empty or open to others
     */
    public static AdminToken read(Path file) throws IOException {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("admin token file " + file + " does not exist");
        }
        Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
        open.addAll(perms);
        open.retainAll(TOO_OPEN);
        if (!open.isEmpty()) {
            throw new IOException("admin token file " + file + " is accessible by group or others ("
                    + PosixFilePermissions.toString(perms) + "); chmod 600 it");
        }
        String text = Files.readString(file, StandardCharsets.UTF_8).strip();
        int nl = text.indexOf('\n');
        String token = (nl < 0 ? text : text.substring(0, nl)).strip();
        if (token.isEmpty()) {
            throw new IOException("admin token file " + file + " is empty");
        }
        return new AdminToken(token.getBytes(StandardCharsets.UTF_8));
    }

    /** True when {@code authorization} is {@code Bearer <token>} with this token (constant-time compare). */
    public boolean accepts(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] given = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected, given);
    }
}

package io.jlvs.config;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Expands an {@code include} pattern as keepalived's glob(3) call does: relative to the directory of
 * the including file, with {@code * ? [..]} and brace alternatives, sorted, directories and executable
 * files skipped. Whether a missing file is an error depends on the include variant.
 */
final class IncludeResolver {
    /** Include variants: includer (read errors), includem (missing), includew (no wildcard match), includeb. */
    static final int R = 1;
    static final int M = 2;
    static final int W = 4;
    static final int B = 8;
    private static final int MAX_MATCHES = 1000;

    private IncludeResolver() {
    }

    /** Include flags for "include", "includer", "includem", "includew", "includeb", "includea". */
    static int flagsFor(char variant) {
        return switch (variant) {
            case 'r' -> R;
            case 'm' -> R | M;
            case 'w' -> R | M | W;
            case 'b' -> R | B;
            case 'a' -> R | M | W | B;
            default -> 0;
        };
    }

    /** Returns the readable files the pattern names, reporting what keepalived would report. */
    static List<Path> resolve(String pattern, Path baseDir, int flags, ProblemLog log) {
        String p = pattern.strip();
        Path start = p.startsWith("/") ? Path.of("/") : baseDir;
        String[] segments = (p.startsWith("/") ? p.substring(1) : p).split("/+");
        boolean wildcards = p.chars().anyMatch(ch -> "*?[".indexOf(ch) >= 0);
        boolean brace = p.indexOf('{') >= 0 && p.indexOf('}') > p.indexOf('{');
        List<Path> current = new ArrayList<>(List.of(start));
        try {
            for (String seg : segments) {
                if (seg.isEmpty()) {
                    continue;
                }
                List<Path> next = new ArrayList<>();
                boolean glob = seg.chars().anyMatch(ch -> "*?[{".indexOf(ch) >= 0);
                for (Path dir : current) {
                    if (!glob) {
                        Path c = dir.resolve(seg);
                        if (Files.exists(c)) {
                            next.add(c);
                        }
                        continue;
                    }
                    if (!Files.isDirectory(dir)) {
                        continue;
                    }
                    PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + seg);
                    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                        for (Path e : ds) {
                            String name = e.getFileName().toString();
                            if ((!name.startsWith(".") || seg.startsWith(".")) && m.matches(e.getFileName())) {
                                next.add(e);
                            }
                            if (next.size() > MAX_MATCHES) {
                                break;
                            }
                        }
                    }
                }
                next.sort(null);
                current = next;
            }
        } catch (IOException | RuntimeException e) {
            error(log, flags, R, "Error reading config file(s): glob(\"" + pattern + "\") failed, skipping.");
            return List.of();
        }
        if (current.isEmpty()) {
            if (!wildcards || brace) {
                error(log, flags, brace ? B : M, "Config files missing '" + pattern + "'.");
            } else {
                error(log, flags, W, "No config files matched '" + pattern + "'.");
            }
            return List.of();
        }
        List<Path> files = new ArrayList<>();
        for (Path f : current) {
            if (Files.isDirectory(f)) {
                error(log, flags, R, "Configuration file '" + f + "/' is a directory - skipping");
            } else if (!Files.isRegularFile(f) || executable(f)) {
                error(log, flags, R, "Configuration file '" + f
                        + "' is not a regular non-executable file - skipping");
            } else if (!Files.isReadable(f)) {
                error(log, flags, R, "Configuration file '" + f + "' open problem (Permission denied) - skipping");
            } else {
                files.add(f);
            }
        }
        return files;
    }

    private static boolean executable(Path f) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(f);
            return perms.contains(PosixFilePermission.OWNER_EXECUTE)
                    || perms.contains(PosixFilePermission.GROUP_EXECUTE)
                    || perms.contains(PosixFilePermission.OTHERS_EXECUTE);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static void error(ProblemLog log, int flags, int type, String message) {
        log.report((flags & type) != 0 ? ProblemKind.FILE_NOT_FOUND : ProblemKind.NOTICE, message);
    }
}

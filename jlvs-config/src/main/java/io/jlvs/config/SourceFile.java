package io.jlvs.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One configuration file being read, split into the chunks keepalived's fgets() into a 1024-byte
 * buffer would return (a longer line arrives as several), each cut at a NUL byte as C strings are.
 */
final class SourceFile {
    private static final int CHUNK = Definitions.MAX_LINE - 1;

    final String displayName;
    final Path path;
    final Path dir;
    private final List<String> chunks = new ArrayList<>();
    private final List<Integer> lineNumbers = new ArrayList<>();
    private int next;

    private SourceFile(String displayName, Path path, byte[] bytes) {
        this.displayName = displayName;
        this.path = path;
        Path parent = path.toAbsolutePath().getParent();
        this.dir = parent == null ? Path.of("/") : parent;
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int line = 0;
        int pos = 0;
        while (pos < text.length()) {
            int nl = text.indexOf('\n', pos);
            int end = nl < 0 ? text.length() : nl;
            line++;
            for (int s = pos; s < end || s == pos; s += CHUNK) {
                int e = Math.min(end, s + CHUNK);
                chunks.add(cStringOf(text.substring(s, e)));
                lineNumbers.add(line);
                if (e >= end) {
                    break;
                }
            }
            pos = end + 1;
        }
        if (!chunks.isEmpty() && chunks.getFirst().startsWith(BOM_AS_LATIN1)) {
            // keepalived 2.2.7 does not skip a UTF-8 byte order mark: it is part of the first word. Kept as the
            // one character it is, so that it is printed as the bytes keepalived prints, not as 'ï»¿'
            chunks.set(0, BOM + chunks.getFirst().substring(BOM_AS_LATIN1.length()));
        }
    }

    /** A UTF-8 byte order mark, as read (EF BB BF, one character per byte) and as the character it encodes. */
    static final String BOM_AS_LATIN1 = "\u00EF\u00BB\u00BF";
    static final String BOM = "\uFEFF";

    static SourceFile open(String displayName, Path path) throws IOException {
        return new SourceFile(displayName, path, Files.readAllBytes(path));
    }

    static SourceFile ofText(String displayName, Path path, String text) {
        return new SourceFile(displayName, path, text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String cStringOf(String s) {
        int nul = s.indexOf('\0');
        String t = nul < 0 ? s : s.substring(0, nul);
        int len = t.length();
        while (len > 0 && (t.charAt(len - 1) == '\r' || t.charAt(len - 1) == '\n')) {
            len--;
        }
        return t.substring(0, len);
    }

    boolean hasNext() {
        return next < chunks.size();
    }

    /** The next chunk; {@link #lineNumber()} then gives its line. */
    String nextChunk() {
        return chunks.get(next++);
    }

    int lineNumber() {
        return next == 0 ? 0 : lineNumbers.get(next - 1);
    }
}

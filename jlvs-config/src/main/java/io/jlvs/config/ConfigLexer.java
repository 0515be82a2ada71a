package io.jlvs.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Reads keepalived.conf as keepalived's read_line() does and hands out {@link Statement}s: comments
 * ('#', '!') removed, {@code @id} / {@code @^id} lines kept or dropped by the config id, {@code $NAME=}
 * definitions recorded and substituted, {@code ~SEQ} expanded, {@code include} followed, and every
 * '{' and '}' outside quotes split onto a statement of its own. Never throws on bad input.
 */
final class ConfigLexer {
    /** Deepest include nesting accepted (keepalived has no limit; a loop exhausts its file descriptors). */
    static final int MAX_INCLUDE_DEPTH = 32;
    private static final int MAX_RECHECK = 64;
    /**
     * Most lines ~SEQ and multi-line definitions may generate in one parse (keepalived has no limit, and
     * a self-referencing multi-line definition never ends there).
     */
    static final int MAX_GENERATED_LINES = 10_000;

    private final ProblemLog log;
    private final String configId;
    private final Definitions defs;
    private final Deque<Deque<SourceFile>> includeStack = new ArrayDeque<>();
    private final Deque<LineRepeater> seqs = new ArrayDeque<>();
    private final PendingLines pending = new PendingLines();
    private final List<String> filesRead = new ArrayList<>();
    private String residue;
    private String multilineDef;
    private int blockDepth;
    private int generated;
    private boolean generationStopped;
    private String file;
    private int line;

    ConfigLexer(ProblemLog log, String configId, long seed) {
        this.log = log;
        this.configId = configId;
        this.defs = new Definitions(() -> currentDir().toString(), configId == null ? "" : configId, seed);
    }

    /** Opens the main file; false (after reporting) when it cannot be read. */
    boolean open(Path main) {
        log.global();
        try {
            SourceFile f = SourceFile.open(main.toString(), main);
            includeStack.push(new ArrayDeque<>(List.of(f)));
            filesRead.add(f.displayName);
            return true;
        } catch (IOException | RuntimeException e) {
            log.report(ProblemKind.FILE_NOT_FOUND, "Config files missing '" + main + "'.");
            return false;
        }
    }

    /** Reads from text instead of a file (tests, stdin); includes resolve against {@code dir}. */
    void openText(String name, Path dir, String text) {
        SourceFile f = SourceFile.ofText(name, dir.resolve(name), text);
        includeStack.push(new ArrayDeque<>(List.of(f)));
        filesRead.add(name);
    }

    /** Every file that was read, main file first. */
    List<String> filesRead() {
        return List.copyOf(filesRead);
    }

    int blockDepth() {
        return blockDepth;
    }

    /** The next statement, or null at the end of all input. */
    Statement next() {
        while (true) {
            String buf = nextLogicalLine();
            if (buf == null) {
                return null;
            }
            if (buf.isEmpty() || handleInclude(buf)) {
                continue;
            }
            return split(buf);
        }
    }

    private Path currentDir() {
        SourceFile f = currentFile();
        return f == null ? Path.of("").toAbsolutePath() : f.dir;
    }

    private SourceFile currentFile() {
        Deque<SourceFile> top = includeStack.peek();
        return top == null ? null : top.peek();
    }

    /** A raw line from the files, comment-stripped, with multi-line definitions collected; null at EOF. */
    private String nextRawLine() {
        while (true) {
            SourceFile f = currentFile();
            if (f == null) {
                return null;
            }
            if (!f.hasNext()) {
                Deque<SourceFile> top = includeStack.peek();
                top.pop();
                if (top.isEmpty()) {
                    includeStack.pop();
                }
                continue;
            }
            boolean first = f.lineNumber() == 0;
            String raw = f.nextChunk();
            file = f.displayName;
            line = f.lineNumber();
            log.at(file, line, null);
            if (first && raw.startsWith(SourceFile.BOM)) {
                log.report(ProblemKind.NOTICE, "The file starts with a UTF-8 byte order mark, which keepalived"
                        + " reads as part of the first word - remove it");
            }
            if (raw.isEmpty() && multilineDef != null) {
                defs.finishMultiline(multilineDef);
                multilineDef = null;
            }
            if (raw.isEmpty()) {
                continue;
            }
            String s = Decomment.apply(raw, log);
            if (multilineDef != null) {
                boolean more = s.endsWith("\\");
                String part = s;
                if (more) {
                    part = s.substring(0, s.length() - 1).stripTrailing() + "\n";
                }
                if (part.length() >= 2 || !part.isEmpty() && !more) {
                    defs.append(multilineDef, part, more);
                }
                if (!more) {
                    defs.finishMultiline(multilineDef);
                    multilineDef = null;
                }
                continue;
            }
            if (!s.isEmpty()) {
                return s;
            }
        }
    }

    private String nextLogicalLine() {
        String buf;
        if (residue != null) {
            // the rest of a line after a '{' or '}': already substituted once, not again (a definition
            // that expands to '{' plus itself would otherwise never end)
            buf = residue;
            residue = null;
            return buf;
        }
        if ((!seqs.isEmpty() || !pending.isEmpty()) && ++generated > MAX_GENERATED_LINES) {
            seqs.clear();
            pending.clear();
            if (!generationStopped) {
                generationStopped = true;
                log.report(ProblemKind.GENERAL_ERROR, "~SEQ and definitions generated more than "
                        + MAX_GENERATED_LINES + " lines - ignoring the rest");
            }
        }
        if (!seqs.isEmpty()) {
            LineRepeater seq = seqs.peekLast();
            buf = seq.next(defs);
            if (seq.done()) {
                seqs.pollLast();
            }
        } else if (!pending.isEmpty()) {
            buf = pending.poll();
        } else {
            buf = nextRawLine();
            if (buf == null) {
                return null;
            }
        }
        return preprocess(buf);
    }

    /** Conditional lines, definitions, ~SEQ and substitution, as keepalived applies them. */
    private String preprocess(String in) {
        String buf = in;
        for (int round = 0; round < MAX_RECHECK; round++) {
            boolean recheck = false;
            if (buf.startsWith("@")) {
                buf = conditional(buf);
                if (buf.isEmpty()) {
                    return buf;
                }
            }
            if (buf.startsWith("$")) {
                String name = defs.tryDefine(buf);
                if (name != null) {
                    multilineDef = defs.isMultiline(name) ? name : null;
                    return "";
                }
            }
            if (buf.startsWith("~SEQ")) {
                Sequence seq = Sequence.parse(buf, defs, log);
                if (seq != null && !seq.done()) {
                    seqs.addLast(seq);
                }
                return "";
            }
            if (buf.startsWith("~LST")) {
                ListSequence lst = ListSequence.parse(buf, log);
                if (lst != null) {
                    seqs.addLast(lst);
                }
                return "";
            }
            if (buf.startsWith("~")) {
                return buf;
            }
            if (buf.indexOf('$') >= 0) {
                Definitions.Expansion e = defs.substitute(buf);
                if (e.tooLong()) {
                    log.report(ProblemKind.NOTICE, "Parameter substitution on line '" + buf
                            + "' would exceed maximum line length");
                    return buf;
                }
                if (!e.changed()) {
                    return buf;
                }
                if (e.moreLines() != null) {
                    pending.push(e.moreLines(), e.moreFrom());
                }
                buf = Decomment.apply(e.line(), log);
                recheck = buf.startsWith("@") || buf.indexOf('$') >= 0;
            }
            if (!recheck) {
                return buf;
            }
        }
        return buf;
    }

    private String conditional(String buf) {
        boolean reverse = buf.startsWith("@^");
        int ofs = reverse ? 2 : 1;
        int sp = indexOfBlank(buf, ofs);
        if (sp < 0) {
            return "";
        }
        String id = buf.substring(ofs, sp);
        boolean matches = configId != null && configId.equals(id);
        if (matches == reverse) {
            return "";
        }
        int p = sp;
        while (p < buf.length() && (buf.charAt(p) == ' ' || buf.charAt(p) == '\t')) {
            p++;
        }
        return buf.substring(p);
    }

    private static int indexOfBlank(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) == ' ' || s.charAt(i) == '\t') {
                return i;
            }
        }
        return -1;
    }

    private boolean handleInclude(String buf) {
        if (!buf.startsWith("include") || buf.length() < 8) {
            return false;
        }
        char c7 = buf.charAt(7);
        int flags;
        int start;
        if (Character.isWhitespace(c7)) {
            flags = 0;
            start = 8;
        } else if (buf.length() > 8 && Character.isWhitespace(buf.charAt(8)) && "rmwba".indexOf(c7) >= 0) {
            flags = IncludeResolver.flagsFor(c7);
            start = 9;
        } else {
            return false;
        }
        String pattern = buf.substring(start).strip();
        log.at(file, line, buf.substring(0, start).strip());
        Path base = currentDir();
        List<Path> found = IncludeResolver.resolve(pattern, base, flags, log);
        if (found.isEmpty()) {
            return true;
        }
        if (includeStack.size() >= MAX_INCLUDE_DEPTH) {
            log.report(ProblemKind.GENERAL_ERROR, "include nesting deeper than " + MAX_INCLUDE_DEPTH
                    + " files - skipping '" + pattern + "'");
            return true;
        }
        Deque<SourceFile> group = new ArrayDeque<>();
        for (Path p : found) {
            if (onStack(p)) {
                log.report(ProblemKind.GENERAL_ERROR, "include loop: '" + p.normalize() + "' is already being read - skipping");
                continue;
            }
            try {
                String display = pattern.startsWith("/") ? p.toString() : base.relativize(p).toString();
                group.add(SourceFile.open(display, p));
                filesRead.add(display);
            } catch (IOException | RuntimeException e) {
                log.report((flags & IncludeResolver.R) != 0 ? ProblemKind.FILE_NOT_FOUND : ProblemKind.NOTICE,
                        "Configuration file '" + p + "' open problem (" + e.getMessage() + ") - skipping");
            }
        }
        if (!group.isEmpty()) {
            includeStack.push(group);
        }
        return true;
    }

    private boolean onStack(Path p) {
        Path real = realPath(p);
        for (Deque<SourceFile> group : includeStack) {
            SourceFile f = group.peek();
            if (f != null && realPath(f.path).equals(real)) {
                return true;
            }
        }
        return false;
    }

    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException | RuntimeException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    /** Splits off a '{' or '}' (outside quotes) so that it becomes a statement of its own. */
    private Statement split(String buf) {
        String text = buf;
        int brace = -1;
        if (text.charAt(0) == '{' || text.charAt(0) == '}') {
            brace = 0;
        } else {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '"') {
                    int close = text.indexOf('"', i + 1);
                    if (close < 0) {
                        break;
                    }
                    i = close;
                } else if (c == '{' || c == '}') {
                    brace = i;
                    break;
                }
            }
        }
        if (brace >= 0) {
            int skip = 0;
            if (brace == 0) {
                skip = 1;
                while (skip < text.length() && (text.charAt(skip) == ' ' || text.charAt(skip) == '\t')) {
                    skip++;
                }
            }
            String rest = stripBlanksRight(text.substring(brace + skip));
            if (!rest.isEmpty()) {
                residue = rest;
                text = text.substring(0, brace + skip);
            }
        }
        text = stripBlanksRight(text);
        log.at(file, line, null);
        if (text.equals("{")) {
            blockDepth++;
        } else if (text.equals("}")) {
            if (blockDepth-- < 1) {
                log.report(ProblemKind.UNEXPECTED_EOB, "Extra '}' found");
                blockDepth = 0;
            }
        }
        return new Statement(file, line, Tokenizer.tokens(text, log));
    }

    private static String stripBlanksRight(String s) {
        int len = s.length();
        while (len > 0 && (s.charAt(len - 1) == ' ' || s.charAt(len - 1) == '\t')) {
            len--;
        }
        return s.substring(0, len);
    }
}

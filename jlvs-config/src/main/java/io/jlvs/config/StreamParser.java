package io.jlvs.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Walks the statements against the keyword tables as keepalived's process_stream() does: a block's
 * '{' is expected next, '}' closes it, an unknown keyword is reported and parsing carries on. Nesting
 * only follows the keyword tables, so its depth is bounded whatever the input.
 */
final class StreamParser {
    private final ConfigLexer lexer;
    private final ProblemLog log;

    StreamParser(ConfigLexer lexer, ProblemLog log) {
        this.lexer = lexer;
        this.log = log;
    }

    List<Node> parseAll(KeywordTable root) {
        List<Node> nodes = parseLevel(root, false, 0);
        if (lexer.blockDepth() > 0) {
            log.global();
            log.report(ProblemKind.MISSING_EOB, "There are " + lexer.blockDepth() + " missing '}'s or extra '{'s");
        }
        return nodes;
    }

    private List<Node> parseLevel(KeywordTable table, boolean needBobAtStart, int level) {
        List<Node> nodes = new ArrayList<>();
        boolean needBob = needBobAtStart;
        Statement s;
        while ((s = lexer.next()) != null) {
            if (s.tokens().isEmpty()) {
                continue;
            }
            log.at(s);
            String str = s.first();
            if (needBob) {
                needBob = false;
                if (str.equals("{") && level > 0) {
                    continue;
                }
                log.report(ProblemKind.MISSING_BOB, "Missing '{' at beginning of configuration block");
            } else if (str.equals("{")) {
                log.report(ProblemKind.UNEXPECTED_BOB, "Unexpected '{' - ignoring");
                continue;
            }
            if (str.equals("}") && level > 0) {
                return nodes;
            }
            Keyword kw = table.get(str);
            if (kw == null) {
                log.report(ProblemKind.UNKNOWN_KEYWORD, "Unknown keyword '" + str + "'");
                continue;
            }
            List<String> args = new ArrayList<>(s.tokens().subList(1, s.size()));
            Node node = switch (kw.form()) {
                case LEAF -> leaf(kw, s, args);
                case BLOCK -> block(kw, s, args, level);
                case VALUE_BLOCK -> valueBlock(kw, s, args);
            };
            if (node != null) {
                nodes.add(node);
            }
        }
        return nodes;
    }

    private Node leaf(Keyword kw, Statement s, List<String> args) {
        if (args.size() < kw.minArgs()) {
            missing(s);
            return null;
        }
        return new Node(kw, List.copyOf(args), s.file(), s.line(), List.of(), List.of());
    }

    private Node block(Keyword kw, Statement s, List<String> args, int level) {
        boolean bobNeeded = true;
        if (!args.isEmpty() && args.getLast().equals("{")) {
            args.removeLast();
            bobNeeded = false;
        }
        boolean ok = args.size() >= kw.minArgs();
        if (!ok) {
            missing(s);
        }
        List<Node> children = parseLevel(kw.sub(), bobNeeded, level + 1);
        return ok ? new Node(kw, List.copyOf(args), s.file(), s.line(), List.copyOf(children), List.of()) : null;
    }

    private Node valueBlock(Keyword kw, Statement s, List<String> args) {
        List<Statement> values = new ArrayList<>();
        boolean needBob = true;
        if (args.size() > kw.minArgs()) {
            String extra = args.get(kw.minArgs());
            if (extra.equals("{")) {
                needBob = false;
                List<String> first = new ArrayList<>(args.subList(kw.minArgs() + 1, args.size()));
                boolean closed = !first.isEmpty() && first.getLast().equals("}");
                if (closed) {
                    first.removeLast();
                }
                if (!first.isEmpty()) {
                    values.add(new Statement(s.file(), s.line(), List.copyOf(first)));
                }
                args = new ArrayList<>(args.subList(0, kw.minArgs()));
                if (closed) {
                    return new Node(kw, List.copyOf(args), s.file(), s.line(), List.of(), List.copyOf(values));
                }
            } else {
                log.report(ProblemKind.GENERAL_ERROR, "Block " + s.first() + " has extra parameters " + extra + " ...");
            }
        }
        if (args.size() < kw.minArgs()) {
            missing(s);
        }
        Statement v;
        while ((v = lexer.next()) != null) {
            if (v.tokens().isEmpty()) {
                continue;
            }
            List<String> vec = new ArrayList<>(v.tokens());
            if (needBob) {
                needBob = false;
                if (vec.getFirst().equals("{")) {
                    if (vec.size() == 1) {
                        continue;
                    }
                    vec.removeFirst();
                } else {
                    log.reportAt(v, ProblemKind.NOTICE, "'{' missing from beginning of block " + s.first());
                }
            }
            boolean eob = vec.getLast().equals("}");
            if (eob) {
                if (vec.size() == 1) {
                    break;
                }
                vec.removeLast();
            }
            values.add(new Statement(v.file(), v.line(), List.copyOf(vec)));
            if (eob) {
                break;
            }
        }
        if (args.size() < kw.minArgs()) {
            return null;
        }
        return new Node(kw, List.copyOf(args), s.file(), s.line(), List.of(), List.copyOf(values));
    }

    private void missing(Statement s) {
        log.report(ProblemKind.MISSING_PARAMETER, "*** Configuration line starting `" + s.first()
                + "` is missing a parameter after keyword `" + s.last() + "` at word position " + (s.size() + 1));
    }
}

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
    /**
     * A block being skipped, as keepalived's skip_block(): -1 while its '{' is awaited (anything else ends
     * the skip and is read normally), else the depth of braces still open.
     */
    private int skip;

    StreamParser(ConfigLexer lexer, ProblemLog log) {
        this.lexer = lexer;
        this.log = log;
    }

    List<Node> parseAll(KeywordTable root) {
        List<Node> nodes = parseLevel(root, false, 0, null);
        if (lexer.blockDepth() > 0) {
            log.global();
            log.report(ProblemKind.MISSING_EOB, "There are " + lexer.blockDepth() + " missing '}'s or extra '{'s");
        }
        return nodes;
    }

    /** @param owner the enclosing block's name (its first word), for the messages about its keywords */
    private List<Node> parseLevel(KeywordTable table, boolean needBobAtStart, int level, String owner) {
        List<Node> nodes = new ArrayList<>();
        boolean needBob = needBobAtStart;
        Statement s;
        while ((s = lexer.next()) != null) {
            if (s.tokens().isEmpty()) {
                continue;
            }
            log.at(s);
            String str = s.first();
            if (skipping(s)) {
                continue;
            }
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
                case LEAF -> leaf(kw, s, args, owner);
                case BLOCK -> block(kw, s, args, level, owner);
                case VALUE_BLOCK -> valueBlock(kw, s, args, owner);
            };
            if (node != null) {
                nodes.add(node);
            }
        }
        return nodes;
    }

    /** True while a block dropped for lack of its name is being passed over (keepalived's skip_block). */
    private boolean skipping(Statement s) {
        if (skip == -1) {
            if (s.first().equals("{") && s.size() == 1) {
                skip = 1;
                return true;
            }
            // the keyword had no block: nothing to skip
            skip = 0;
        }
        if (skip == 0) {
            return false;
        }
        for (String t : s.tokens()) {
            if (t.equals("{")) {
                skip++;
            } else if (t.equals("}") && --skip == 0) {
                break;
            }
        }
        return true;
    }

    /**
     * Fewer words than the keyword takes: keepalived's fatal "missing a parameter", or what keepalived
     * does instead for this keyword. Returns true when the node is to be kept.
     */
    private boolean bare(Keyword kw, Statement s, String owner) {
        Bare b = kw.bare();
        if (b == null) {
            missing(s);
            return false;
        }
        if (b.message() != null) {
            log.report(b.kind(), b.message(owner));
        }
        return b.keep();
    }

    private Node leaf(Keyword kw, Statement s, List<String> args, String owner) {
        if (args.size() < kw.minArgs() && !bare(kw, s, owner)) {
            return null;
        }
        return new Node(kw, List.copyOf(args), s.file(), s.line(), List.of(), List.of());
    }

    private Node block(Keyword kw, Statement s, List<String> args, int level, String owner) {
        boolean bobNeeded = true;
        if (!args.isEmpty() && args.getLast().equals("{")) {
            args.removeLast();
            bobNeeded = false;
        }
        boolean ok = args.size() >= kw.minArgs();
        if (!ok && kw.bare() != null) {
            // keepalived reports it and skips the whole block
            if (bare(kw, s, owner)) {
                ok = true;
            } else {
                skip = bobNeeded ? -1 : 1;
                return null;
            }
        } else if (!ok) {
            missing(s);
        }
        List<Node> children = parseLevel(kw.sub(), bobNeeded, level + 1, args.isEmpty() ? null : args.getFirst());
        return ok ? new Node(kw, List.copyOf(args), s.file(), s.line(), List.copyOf(children), List.of()) : null;
    }

    private Node valueBlock(Keyword kw, Statement s, List<String> args, String owner) {
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
                    return valueNode(kw, s, args, values, owner);
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
        return valueNode(kw, s, args, values, owner);
    }

    private Node valueNode(Keyword kw, Statement s, List<String> args, List<Statement> values, String owner) {
        if (values.isEmpty() && kw.bare() != null && kw.bare().message() != null) {
            // an empty value block: keepalived's warning for the keyword, if it has one
            log.reportAt(s, kw.bare().kind(), kw.bare().message(owner));
        }
        return new Node(kw, List.copyOf(args), s.file(), s.line(), List.of(), List.copyOf(values));
    }

    private void missing(Statement s) {
        missingParameter(log, s);
    }

    /** keepalived's fatal message for a line that lacks the word its keyword's handler reads. */
    static void missingParameter(ProblemLog log, Statement s) {
        log.report(ProblemKind.MISSING_PARAMETER, "*** Configuration line starting `" + s.first()
                + "` is missing a parameter after keyword `" + s.last() + "` at word position " + (s.size() + 1));
    }
}

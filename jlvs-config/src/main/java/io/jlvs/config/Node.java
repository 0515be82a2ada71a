package io.jlvs.config;

import java.util.List;

/**
 * One parsed keyword with its words, and its contents when it has a block: child keywords for a
 * keyword block, raw lines for a value block (each with its own file and line, so that a problem in
 * one is reported where it is).
 */
record Node(Keyword keyword, List<String> args, String file, int line, List<Node> children, List<Statement> valueLines) {

    /** The words of each value-block line. */
    List<List<String>> values() {
        return valueLines.stream().map(Statement::tokens).toList();
    }

    String name() {
        return keyword.name();
    }

    String arg(int i) {
        return i < args.size() ? args.get(i) : null;
    }

    Statement statement() {
        return new Statement(file, line, args.isEmpty() ? List.of(name()) : concat());
    }

    private List<String> concat() {
        List<String> all = new java.util.ArrayList<>(args.size() + 1);
        all.add(name());
        all.addAll(args);
        return all;
    }
}

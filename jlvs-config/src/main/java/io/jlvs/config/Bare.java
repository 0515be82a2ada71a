package io.jlvs.config;

/**
 * What a keyword written without the words it takes does when keepalived does not stop on it (its handler
 * checks for the value itself instead of reading past the end of the line): the line is dropped with
 * keepalived's message, dropped silently, or kept for the builder, which applies keepalived's default.
 * A keyword without one stops keepalived with "missing a parameter" (exit 2), and jlvs refuses the file.
 * For a value block (whose words are its lines), the message is what keepalived says of an empty block;
 * the block is kept.
 *
 * @param keep    true: the node is kept, without words, for the builder
 * @param kind    the class of the message, when one is reported
 * @param message keepalived's message; {@code {name}} stands for the enclosing block's name (VI_1, tf1)
 */
record Bare(boolean keep, ProblemKind kind, String message) {
    /** The builder reads the keyword without words (a default value, or its own message). */
    static final Bare KEEP = new Bare(true, null, null);
    /** The line is ignored without a word, as keepalived ignores it. */
    static final Bare SILENT = new Bare(false, null, null);

    /** The line is ignored with keepalived's error (exit 5, the rest of the file is used). */
    static Bare error(String message) {
        return new Bare(false, ProblemKind.GENERAL_ERROR, message);
    }

    /** The line is ignored with a message keepalived only logs (not a configuration error). */
    static Bare notice(String message) {
        return new Bare(false, ProblemKind.NOTICE, message);
    }

    String message(String blockName) {
        return message.replace("{name}", blockName == null ? "" : blockName);
    }
}

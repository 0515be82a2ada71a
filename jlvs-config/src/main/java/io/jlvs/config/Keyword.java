package io.jlvs.config;

/**
 * A keyword keepalived recognises in some block.
 *
 * @param form     LEAF (a line), BLOCK (keywords inside braces), VALUE_BLOCK (raw lines inside braces)
 * @param sub      the keywords of a BLOCK, else null
 * @param minArgs  words required after the keyword; fewer is keepalived's fatal "missing a parameter",
 *                 unless {@code bare} says what keepalived does instead
 * @param effect   true when jlvs acts on it; false: accepted, reported by the dump as "accepted, no effect"
 * @param bare     what fewer than {@code minArgs} words do when keepalived carries on; null: fatal
 */
record Keyword(String name, Form form, KeywordTable sub, int minArgs, boolean effect, Bare bare) {

    Keyword(String name, Form form, KeywordTable sub, int minArgs, boolean effect) {
        this(name, form, sub, minArgs, effect, null);
    }

    enum Form {
        LEAF,
        BLOCK,
        VALUE_BLOCK
    }
}

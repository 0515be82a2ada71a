package io.jlvs.config;

/**
 * A keyword keepalived recognises in some block.
 *
 * @param form     LEAF (a line), BLOCK (keywords inside braces), VALUE_BLOCK (raw lines inside braces)
 * @param sub      the keywords of a BLOCK, else null
 * @param minArgs  words required after the keyword; fewer is keepalived's fatal "missing a parameter"
 * @param effect   true when jlvs acts on it; false: accepted, reported by the dump as "accepted, no effect"
 */
record Keyword(String name, Form form, KeywordTable sub, int minArgs, boolean effect) {

    enum Form {
        LEAF,
        BLOCK,
        VALUE_BLOCK
    }
}

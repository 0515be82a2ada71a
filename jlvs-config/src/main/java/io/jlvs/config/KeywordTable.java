package io.jlvs.config;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** The keywords one block accepts; built once, read-only afterwards. */
final class KeywordTable {
    private final String block;
    private final Map<String, Keyword> keywords = new LinkedHashMap<>();

    KeywordTable(String block) {
        this.block = block;
    }

    String block() {
        return block;
    }

    Keyword get(String name) {
        return keywords.get(name);
    }

    Collection<Keyword> all() {
        return keywords.values();
    }

    /** Keywords taking one value that jlvs uses. */
    KeywordTable used(String... names) {
        for (String n : names) {
            put(new Keyword(n, Keyword.Form.LEAF, null, 1, true));
        }
        return this;
    }

    /** Keywords jlvs accepts and ignores; {@code minArgs} words required after each. */
    KeywordTable ignored(int minArgs, String... names) {
        for (String n : names) {
            put(new Keyword(n, Keyword.Form.LEAF, null, minArgs, false));
        }
        return this;
    }

    /** Keywords that stand alone or take optional words. */
    KeywordTable flags(boolean effect, String... names) {
        for (String n : names) {
            put(new Keyword(n, Keyword.Form.LEAF, null, 0, effect));
        }
        return this;
    }

    KeywordTable leaf(String name, int minArgs, boolean effect) {
        return put(new Keyword(name, Keyword.Form.LEAF, null, minArgs, effect));
    }

    KeywordTable block(String name, int minArgs, KeywordTable sub, boolean effect) {
        return put(new Keyword(name, Keyword.Form.BLOCK, sub, minArgs, effect));
    }

    KeywordTable values(boolean effect, String... names) {
        for (String n : names) {
            put(new Keyword(n, Keyword.Form.VALUE_BLOCK, null, 0, effect));
        }
        return this;
    }

    KeywordTable valuesNamed(String name, boolean effect) {
        return put(new Keyword(name, Keyword.Form.VALUE_BLOCK, null, 1, effect));
    }

    /**
     * What each named keyword (already in the table) does when written without its words, where keepalived
     * does not stop on it.
     */
    KeywordTable bare(Bare bare, String... names) {
        for (String n : names) {
            Keyword k = keywords.get(n);
            if (k == null) {
                throw new IllegalArgumentException(block + " has no keyword " + n);
            }
            put(new Keyword(k.name(), k.form(), k.sub(), k.minArgs(), k.effect(), bare));
        }
        return this;
    }

    KeywordTable put(Keyword k) {
        keywords.put(k.name(), k);
        return this;
    }
}

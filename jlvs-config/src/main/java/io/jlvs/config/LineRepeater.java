package io.jlvs.config;

/** A {@code ~SEQ} or {@code ~LST} line: its text is read again for each value, with definitions set. */
interface LineRepeater {

    /** Sets this round's definitions and returns the text to read; call only while not {@link #done()}. */
    String next(Definitions defs);

    boolean done();
}

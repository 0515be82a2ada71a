package io.jlvs.conn;

import java.util.function.ToIntFunction;

/** Builds an IPVS state transition table from rows of two-letter state codes (one row per event). */
final class StateTable {
    private StateTable() {
    }

    static byte[][] parse(int states, ToIntFunction<String> code, String... rows) {
        byte[][] t = new byte[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            String[] cells = rows[r].split(" ");
            if (cells.length != states) {
                throw new IllegalStateException("row " + r + " has " + cells.length + " cells");
            }
            t[r] = new byte[states];
            for (int c = 0; c < states; c++) {
                t[r][c] = (byte) code.applyAsInt(cells[c]);
            }
        }
        return t;
    }
}

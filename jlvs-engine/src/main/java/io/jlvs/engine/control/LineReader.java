package io.jlvs.engine.control;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** Reads newline-terminated lines from a stream, refusing any line longer than a bound. Not thread-safe. */
final class LineReader {
    private final InputStream in;
    private final int maxBytes;
    private final byte[] buffer = new byte[8192];
    private int start;
    private int end;

    LineReader(InputStream in, int maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /**
     * The next line without its terminator, or null at end of stream (a final unterminated line counts).
     *
     * @throws LineTooLongException when more than {@code maxBytes} arrive without a newline
     */
    byte[] readLine() throws IOException {
        byte[] line = new byte[0];
        int length = 0;
        while (true) {
            for (int i = start; i < end; i++) {
                if (buffer[i] == '\n') {
                    line = append(line, length, i - start);
                    length += i - start;
                    start = i + 1;
                    return length == line.length ? line : Arrays.copyOf(line, length);
                }
            }
            line = append(line, length, end - start);
            length += end - start;
            start = end;
            if (length > maxBytes) {
                throw new LineTooLongException(maxBytes);
            }
            int n = in.read(buffer, 0, buffer.length);
            if (n < 0) {
                return length == 0 ? null : Arrays.copyOf(line, length);
            }
            start = 0;
            end = n;
        }
    }

    private byte[] append(byte[] line, int length, int count) throws LineTooLongException {
        if (count == 0) {
            return line;
        }
        if (length + count > maxBytes) {
            throw new LineTooLongException(maxBytes);
        }
        byte[] out = line;
        if (length + count > line.length) {
            out = Arrays.copyOf(line, Math.max(length + count, Math.min(maxBytes, line.length * 2)));
        }
        System.arraycopy(buffer, start, out, length, count);
        return out;
    }

    /** A line exceeded the bound. */
    static final class LineTooLongException extends IOException {
        private static final long serialVersionUID = 1L;

        LineTooLongException(int maxBytes) {
            super("line longer than " + maxBytes + " bytes");
        }
    }
}

package io.jlvs.conn;

import java.lang.foreign.MemorySegment;

/**
 * Finds the Call-ID of a SIP message in a UDP payload, with the rules IPVS's persistence engine sip uses
 * ({@code ip_vs_pe_sip.c} get_callid over conntrack's ct_sip_get_header in {@code nf_conntrack_sip.c}), so
 * that jlvs keys and drops the same datagrams the kernel does:
 * <ul>
 * <li>a header is looked for at the start of a line: after a CR, an LF or a CRLF, never on the first line
 * (the request or status line); a line starting with a space or tab continues the previous one and is
 * skipped. The search does not stop at the blank line before the body.</li>
 * <li>the name is {@code Call-ID} in any case, or the compact {@code i} followed by a byte that is not a
 * letter; then optional spaces (not tabs) or continuation lines, a colon, the same again.</li>
 * <li>the value is a word, optionally {@code @} and a second word, where a word is a run of letters, digits
 * and {@code ! " % ( ) * + , - . / : < > ? [ \ ] _ ` { } ~} (RFC 3261's word). An empty value, or an
 * {@code @} with nothing after it, makes the search go on below; a later Call-ID header may then be found.</li>
 * <li>the Call-ID found must be at most 255 bytes long (IP_VS_PEDATA_MAXLEN) and be followed at once by a
 * CR or an LF, with at least that byte in the datagram: a value with trailing spaces, a parameter or a
 * comment does not count. Then the message has no Call-ID: IPVS drops it.</li>
 * </ul>
 * Two quirks of the kernel's code are kept, as they decide what a call's key is: a continuation line
 * between the colon and the value makes the value start one byte later; and when an empty value is met
 * the next search starts at an offset counted twice (a message with two empty Call-ID headers before a good
 * one may not find it). Letters include ISO 8859-1's, as the kernel's ctype does.
 *
 * <p>Pure functions over a segment: no state, no allocation, nothing thrown for any bytes. Used by the packet
 * data plane and the FULLNAT proxy to key {@code --pe sip} templates.
 */
public final class SipCallId {
    /** What {@link #find} returns when the message has no usable Call-ID. */
    public static final long NONE = -1;
    /** The longest Call-ID IPVS keeps (IP_VS_PEDATA_MAXLEN). */
    public static final int MAX_LENGTH = 255;

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte[] NAME = {'c', 'a', 'l', 'l', '-', 'i', 'd'};

    private SipCallId() {
    }

    /**
     * The Call-ID of the message in {@code [start, start + length)} of {@code s}: {@code offset << 32 | length},
     * with the offset counted from {@code start}; {@link #NONE} when there is none IPVS would use.
     */
    public static long find(MemorySegment s, long start, int length) {
        if (length <= 0) {
            return NONE;
        }
        int from = 0;
        while (true) {
            long r = header(s, start, length, from);
            if (r == NONE) {
                return NONE;
            }
            int at = (int) (r >>> 32);
            int n = (int) r;
            if (n == 0) {
                // ct_sip_get_header said -1 with the value's offset: get_callid adds it to where it searched from
                from += at;
                if (from >= length) {
                    return NONE;
                }
                continue;
            }
            if (n > MAX_LENGTH || at + n >= length) {
                return NONE;
            }
            byte after = s.get(java.lang.foreign.ValueLayout.JAVA_BYTE, start + at + n);
            return after == CR || after == LF ? r : NONE;
        }
    }

    /** The offset of the Call-ID part of a {@link #find} result. */
    public static int offset(long found) {
        return (int) (found >>> 32);
    }

    /** The length of a {@link #find} result. */
    public static int length(long found) {
        return (int) found;
    }

    /**
     * One header search from {@code from}: {@link #NONE} when no Call-ID header follows (or one is cut off),
     * else the value's offset and length, the length 0 when the value is not a word.
     */
    private static long header(MemorySegment s, long base, int limit, int from) {
        for (int i = from; i < limit; i++) {
            byte c = at(s, base, i);
            if (c != CR && c != LF) {
                continue;
            }
            if (++i >= limit) {
                return NONE;
            }
            if (c == CR && at(s, base, i) == LF && ++i >= limit) {
                return NONE;
            }
            byte first = at(s, base, i);
            if (first == ' ' || first == '\t') {
                continue;
            }
            if (limit - i >= NAME.length && isName(s, base, i)) {
                i += NAME.length;
            } else if (limit - i >= 2 && (first | 0x20) == 'i' && !isAlpha(at(s, base, i + 1))) {
                i += 1;
            } else {
                continue;
            }
            i = skipSpace(s, base, i, limit);
            if (i < 0 || i >= limit || at(s, base, i) != ':' || ++i >= limit) {
                return NONE;
            }
            i = skipSpace(s, base, i, limit);
            if (i < 0) {
                return NONE;
            }
            return (long) i << 32 | callIdLength(s, base, i, limit);
        }
        return NONE;
    }

    private static boolean isName(MemorySegment s, long base, int i) {
        for (int k = 0; k < NAME.length; k++) {
            int c = at(s, base, i + k);
            if (c >= 'A' && c <= 'Z') {
                c |= 0x20;
            }
            if (c != NAME[k]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Past spaces and continuation lines (a line break followed by spaces or tabs), as sip_skip_whitespace:
     * -1 when a line break is not followed by a continuation; the byte that ends a continuation's indent is
     * stepped over as well (the kernel's loop increments past it).
     */
    private static int skipSpace(MemorySegment s, long base, int i, int limit) {
        for (; i < limit; i++) {
            byte c = at(s, base, i);
            if (c == ' ') {
                continue;
            }
            if (c != CR && c != LF) {
                break;
            }
            i = followContinuation(s, base, i, limit);
            if (i < 0) {
                return -1;
            }
        }
        return i;
    }

    /** From a line break at {@code i}: the end of the next line's indent, or -1 when it is not a continuation. */
    private static int followContinuation(MemorySegment s, long base, int i, int limit) {
        if (++i >= limit) {
            return -1;
        }
        if (at(s, base, i - 1) == CR && at(s, base, i) == LF && ++i >= limit) {
            return -1;
        }
        byte c = at(s, base, i);
        if (c != ' ' && c != '\t') {
            return -1;
        }
        while (i < limit && (at(s, base, i) == ' ' || at(s, base, i) == '\t')) {
            i++;
        }
        return i;
    }

    /** callid_len: a word, or word@word; 0 when there is no word or nothing after the {@code @}. */
    private static int callIdLength(MemorySegment s, long base, int i, int limit) {
        int n = wordLength(s, base, i, limit);
        if (n == 0 || i + n >= limit || at(s, base, i + n) != '@') {
            return n;
        }
        int domain = wordLength(s, base, i + n + 1, limit);
        return domain == 0 ? 0 : n + 1 + domain;
    }

    private static int wordLength(MemorySegment s, long base, int i, int limit) {
        int n = 0;
        while (i + n < limit && isWord(at(s, base, i + n))) {
            n++;
        }
        return n;
    }

    static boolean isAlpha(byte b) {
        int c = b & 0xff;
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0xc0 && c != 0xd7 && c != 0xf7;
    }

    static boolean isWord(byte b) {
        int c = b & 0xff;
        if (isAlpha(b) || c >= '0' && c <= '9') {
            return true;
        }
        return switch (c) {
            case '!', '"', '%', '(', ')', '*', '+', ',', '-', '.', '/', ':', '<', '>', '?', '[', '\\', ']',
                 '_', '`', '{', '}', '~' -> true;
            default -> false;
        };
    }

    private static byte at(MemorySegment s, long base, int i) {
        return s.get(java.lang.foreign.ValueLayout.JAVA_BYTE, base + i);
    }
}

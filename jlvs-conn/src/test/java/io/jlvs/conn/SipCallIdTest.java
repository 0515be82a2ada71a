package io.jlvs.conn;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Call-ID as IPVS's sip engine finds it (get_callid over ct_sip_get_header), message by message: the
 * value found, or none (the datagram is then dropped). Escapes in the table: \r \n \t, and {} for 256 x's.
 */
class SipCallIdTest {
    private static final String REQUEST = "INVITE sip:bob@example.com SIP/2.0\r\n";

    /** The Call-ID found in {@code message} placed at offset 5 of a larger segment, or null. */
    static String callId(String message) {
        byte[] m = message.getBytes(StandardCharsets.ISO_8859_1);
        byte[] frame = new byte[m.length + 9];
        System.arraycopy(m, 0, frame, 5, m.length);
        frame[5 + m.length] = 'Z'; // beyond the datagram: never read as part of it
        long r = SipCallId.find(MemorySegment.ofArray(frame), 5, m.length);
        if (r == SipCallId.NONE) {
            return null;
        }
        return new String(m, SipCallId.offset(r), SipCallId.length(r), StandardCharsets.ISO_8859_1);
    }

    private static String unescape(String s) {
        return s.replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "NONE", value = {
        "full name                    | Call-ID: abc@host\\r\\n                  | abc@host",
        "any case                     | cAlL-iD: abc@host\\r\\n                  | abc@host",
        "compact                      | i: abc@host\\r\\n                        | abc@host",
        "compact upper case           | I:abc\\r\\n                              | abc",
        "no space after colon         | Call-ID:abc\\r\\n                        | abc",
        "spaces before colon          | Call-ID   :   abc\\r\\n                  | abc",
        "bare LF line ends            | Call-ID: abc\\n                          | abc",
        "bare CR line ends            | Call-ID: abc\\r                          | abc",
        "latin-1 letters              | Call-ID: caf\u00e9\\r\\n                   | caf\u00e9",
        "tab after colon              | Call-ID:\\tabc\\r\\n                      | NONE",
        "trailing space               | Call-ID: abc \\r\\n                      | NONE",
        "parameter after              | Call-ID: abc;x=1\\r\\n                   | NONE",
        "empty domain                 | Call-ID: abc@\\r\\n                      | NONE",
        "empty then good              | Call-ID: \\r\\nCall-ID: good\\r\\n        | NONE",
        "empty value is skipped       | Call-ID: ;\\r\\nCall-ID: good\\r\\n       | good",
        "header at end, no CRLF       | Call-ID: abc                           | NONE",
        "no colon                     | Call-ID abc\\r\\n                        | NONE",
        "colon at the very end        | Call-ID:                               | NONE",
        "name cut off                 | Call-I                                 | NONE",
        "compact followed by a letter | in: abc\\r\\nCall-ID: good\\r\\n          | good",
        "Call-Info is not it          | Call-Info: <x>\\r\\ni: good\\r\\n          | good",
        "folded before the value      | Call-ID:\\r\\n  abcd\\r\\n                 | bcd",
        "folded line is not a header  | X: y\\r\\n Call-ID: no\\r\\nCall-ID: yes\\r\\n | yes",
        "line break instead of value  | Call-ID:\\r\\nX: y\\r\\n                   | NONE",
        "in the body                  | Content-Length: 9\\r\\n\\r\\nCall-ID: b\\r\\n | b",
    })
    void findsTheCallIdAsIpvs(String description, String headers, String expected) {
        assertThat(callId(REQUEST + unescape(headers))).as(description).isEqualTo(expected);
    }

    @Test
    void aWordIsRfc3261sWordAsTheKernelSpellsIt() {
        String word = "aZ09!\"%()*+,-./:<>?[\\]_`{}~";
        assertThat(callId(REQUEST + "Call-ID: " + word + "\r\n")).isEqualTo(word);
        assertThat(callId(REQUEST + "Call-ID: " + word + "@" + word + "\r\n")).isEqualTo(word + "@" + word);
        for (char c : "'#$&=^|;\t".toCharArray()) {
            assertThat(callId(REQUEST + "Call-ID: ab" + c + "cd\r\n")).as("with %s", c).isNull();
        }
    }

    @Test
    void theLongestCallIdIs255Bytes() {
        String id = "a".repeat(200) + "@" + "b".repeat(54);
        assertThat(callId(REQUEST + "Call-ID: " + id + "\r\n")).hasSize(255).isEqualTo(id);
        assertThat(callId(REQUEST + "Call-ID: " + id + "c\r\n")).isNull();
    }

    @Test
    void theFirstLineIsNeverAHeader() {
        assertThat(callId("Call-ID: abc\r\n\r\n")).isNull();
        assertThat(callId("\r\nCall-ID: abc\r\n")).isEqualTo("abc");
    }

    @Test
    void aLineAfterABareLfBlankLineIsSkippedAsTheKernelSkipsIt() {
        assertThat(callId(REQUEST + "\nCall-ID: abc\r\n")).isNull();
        assertThat(callId(REQUEST + "\r\nCall-ID: abc\r\n")).isEqualTo("abc");
    }

    @Test
    void nothingAtAllOrAnythingCutShortNeverThrows() {
        assertThat(SipCallId.find(MemorySegment.ofArray(new byte[4]), 0, 0)).isEqualTo(SipCallId.NONE);
        assertThat(SipCallId.find(MemorySegment.ofArray(new byte[4]), 0, -3)).isEqualTo(SipCallId.NONE);
        String message = REQUEST + "Via: SIP/2.0/UDP h\r\ni :\r\n \t x@y\r\n\r\n";
        for (int cut = 0; cut <= message.length(); cut++) {
            String prefix = message.substring(0, cut);
            String found = callId(prefix);
            assertThat(found == null || prefix.contains(found)).isTrue();
        }
        Random random = new Random(42);
        byte[] alphabet = "Call-ID:i@ x\r\n\t;".getBytes(StandardCharsets.US_ASCII);
        for (int n = 0; n < 20_000; n++) {
            byte[] b = new byte[random.nextInt(80)];
            for (int i = 0; i < b.length; i++) {
                b[i] = random.nextInt(4) == 0 ? (byte) random.nextInt(256) : alphabet[random.nextInt(alphabet.length)];
            }
            long r = SipCallId.find(MemorySegment.ofArray(b), 0, b.length);
            if (r != SipCallId.NONE) {
                int at = SipCallId.offset(r);
                int len = SipCallId.length(r);
                assertThat(len).isBetween(1, 255);
                assertThat(at + len).isLessThan(b.length);
                assertThat(b[at + len]).isIn((byte) '\r', (byte) '\n');
            }
        }
    }
}

package io.jlvs.vrrp.codec;

import java.util.HexFormat;

final class Hex {
    private Hex() {
    }

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    static String of(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /**
     * RFC 1071 checksum written independently of the production code: sum bytes pairwise as unsigned ints,
     * fold with modulo 0xffff arithmetic.
     */
    static int onesComplement(byte[]... parts) {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            all.writeBytes(p);
        }
        byte[] d = all.toByteArray();
        long sum = 0;
        for (int i = 0; i < d.length; i += 2) {
            int hi = d[i] & 0xff;
            int lo = i + 1 < d.length ? d[i + 1] & 0xff : 0;
            sum += hi * 256L + lo;
        }
        long folded = sum % 0xffff;
        if (folded == 0 && sum != 0) {
            folded = 0xffff;
        }
        return (int) (0xffff - folded);
    }
}

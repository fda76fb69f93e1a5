package io.cardstream.core;

/**
 * A strict UTF-8 check (no overlong forms, no surrogates, nothing above U+10FFFF), with an ASCII fast path: card
 * transactions are almost always pure ASCII. A NUL byte is refused too: it is valid UTF-8, but never part of a JSON
 * text in UTF-8, and it is how UTF-16 and UTF-32 text (which JSON parsers would otherwise detect and accept) shows.
 */
final class Utf8 {

    private Utf8() {}

    /**
     * The offset of the first byte that starts an invalid sequence or is a NUL, or -1 when all of {@code b} is valid
     * UTF-8 without NUL bytes.
     */
    static int firstInvalidByte(byte[] b) {
        int n = b.length;
        int i = 0;
        while (i < n) {
            int c = b[i];
            if (c > 0) {
                i++;
                continue;
            }
            if (c == 0) {
                return i;
            }
            c &= 0xFF;
            if (c < 0xC2) {
                return i;
            }
            if (c < 0xE0) {
                if (i + 1 >= n || !continuation(b[i + 1])) {
                    return i;
                }
                i += 2;
            } else if (c < 0xF0) {
                if (i + 2 >= n || !continuation(b[i + 1]) || !continuation(b[i + 2])) {
                    return i;
                }
                int c1 = b[i + 1] & 0xFF;
                if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0)) {
                    return i;
                }
                i += 3;
            } else if (c < 0xF5) {
                if (i + 3 >= n || !continuation(b[i + 1]) || !continuation(b[i + 2]) || !continuation(b[i + 3])) {
                    return i;
                }
                int c1 = b[i + 1] & 0xFF;
                if ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90)) {
                    return i;
                }
                i += 4;
            } else {
                return i;
            }
        }
        return -1;
    }

    private static boolean continuation(byte b) {
        return (b & 0xC0) == 0x80;
    }
}

package io.cardstream.core;

/**
 * The contract's rule for an amount string: a plain decimal ({@code 123.45}; no sign other than a leading minus, no
 * exponent, no NaN or Infinity), greater than zero, at most two decimals, at most 1,000,000,000. Checked on the
 * characters, so a hostile 60,000-digit number costs no big-number arithmetic.
 */
final class AmountRule {

    private static final int MAX_INTEGER_DIGITS = 10;

    private AmountRule() {}

    /** Null when {@code text} is a valid amount, else the reason it is not. */
    static DecodeResult.Invalid check(String text) {
        int n = text.length();
        int i = 0;
        boolean negative = n > 0 && text.charAt(0) == '-';
        if (negative) {
            i++;
        }
        int intStart = i;
        while (i < n && isDigit(text.charAt(i))) {
            i++;
        }
        int intEnd = i;
        int decimals = 0;
        if (i < n && text.charAt(i) == '.') {
            i++;
            while (i < n && isDigit(text.charAt(i))) {
                i++;
                decimals++;
            }
            if (decimals == 0) {
                return notANumber(text);
            }
        }
        if (intEnd == intStart || i != n) {
            return notANumber(text);
        }
        boolean allZero = true;
        int firstNonZero = intEnd;
        for (int k = intStart; k < n; k++) {
            char c = text.charAt(k);
            if (c != '0' && c != '.') {
                allZero = false;
                if (k < intEnd && firstNonZero == intEnd) {
                    firstNonZero = k;
                }
            }
        }
        if (negative || allZero) {
            return new DecodeResult.Invalid(
                    InvalidReason.AMOUNT_NOT_POSITIVE,
                    "amount must be greater than zero; got " + TransactionCodec.quote(text));
        }
        if (decimals > 2) {
            return new DecodeResult.Invalid(
                    InvalidReason.AMOUNT_TOO_MANY_DECIMALS, "amount may have at most 2 decimals; got " + decimals);
        }
        int integerDigits = intEnd - firstNonZero;
        if (integerDigits > MAX_INTEGER_DIGITS
                || (integerDigits == MAX_INTEGER_DIGITS && !isExactlyOneBillion(text, firstNonZero, intEnd, n))) {
            return new DecodeResult.Invalid(
                    InvalidReason.AMOUNT_TOO_LARGE,
                    "amount must be at most 1000000000; got " + TransactionCodec.quote(text));
        }
        return null;
    }

    /** With ten integer digits, the only allowed value is 1000000000 with zero decimals. */
    private static boolean isExactlyOneBillion(String text, int from, int intEnd, int n) {
        if (!text.startsWith("1000000000", from)) {
            return false;
        }
        for (int k = intEnd; k < n; k++) {
            char c = text.charAt(k);
            if (c != '.' && c != '0') {
                return false;
            }
        }
        return true;
    }

    private static DecodeResult.Invalid notANumber(String text) {
        return new DecodeResult.Invalid(
                InvalidReason.AMOUNT_NOT_A_NUMBER,
                "amount must be a plain decimal string such as \"123.45\"; got " + TransactionCodec.quote(text));
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}

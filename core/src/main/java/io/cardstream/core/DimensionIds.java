package io.cardstream.core;

/**
 * The id format of the dimensions: person {@code n} is {@code P} and {@code n} zero-padded to 9 digits
 * ({@code P000123456}), company {@code n} is {@code C} and 7 digits ({@code C0004242}). The producer draws ids
 * and the dimension loader writes rows with this one definition, so they meet in HBase.
 */
public final class DimensionIds {

    private DimensionIds() {}

    public static String personId(long n) {
        return padded('P', n, 9);
    }

    public static String companyId(long n) {
        return padded('C', n, 7);
    }

    private static String padded(char prefix, long n, int width) {
        if (n < 0) {
            throw new IllegalArgumentException("A dimension number must not be negative; got " + n + ".");
        }
        String digits = Long.toString(n);
        StringBuilder id = new StringBuilder(1 + Math.max(width, digits.length())).append(prefix);
        for (int i = digits.length(); i < width; i++) {
            id.append('0');
        }
        return id.append(digits).toString();
    }
}

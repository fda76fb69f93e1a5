package io.cardstream.schema;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The row-key codecs. {@code tx_enriched}: {@code <salt>-<txId>}, where salt is CRC-32 of the txId's UTF-8 bytes
 * mod 16 as two lower-case hex digits, so writes spread over the 16 pre-split regions and the key depends only on
 * the transaction (a replay overwrites the same row). Hive users can compute it:
 * {@code concat(lpad(lower(hex(pmod(crc32(tx_id), 16))), 2, '0'), '-', tx_id)}. {@code batch_metrics}:
 * {@code Long.MAX_VALUE - batchTimeMs}, zero-padded to 19 digits, so the newest batch sorts first.
 */
public final class RowKeys {

    /** The number of salts, and of pre-split regions of {@code tx_enriched}. */
    public static final int SALTS = 16;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private RowKeys() {}

    /** The salt of a txId: 0 to 15. */
    public static int salt(String txId) {
        CRC32 crc = new CRC32();
        crc.update(txId.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % SALTS);
    }

    public static String txEnriched(String txId) {
        int salt = salt(txId);
        return new StringBuilder(txId.length() + 3)
                .append(HEX[salt >> 4])
                .append(HEX[salt & 0xF])
                .append('-')
                .append(txId)
                .toString();
    }

    /** The txId back from a {@code tx_enriched} row key. */
    public static String txIdOf(String rowKey) {
        if (rowKey.length() < 4 || rowKey.charAt(2) != '-') {
            throw new IllegalArgumentException("Not a tx_enriched row key: " + rowKey);
        }
        return rowKey.substring(3);
    }

    public static String batchMetrics(long batchTimeMs) {
        if (batchTimeMs < 0) {
            throw new IllegalArgumentException("A batch time is not negative; got " + batchTimeMs + ".");
        }
        String digits = Long.toString(Long.MAX_VALUE - batchTimeMs);
        return "0".repeat(19 - digits.length()) + digits;
    }

    /** The batch time back from a {@code batch_metrics} row key. */
    public static long batchTimeOf(String rowKey) {
        return Long.MAX_VALUE - Long.parseLong(rowKey);
    }
}

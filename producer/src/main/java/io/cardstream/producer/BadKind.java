package io.cardstream.producer;

import io.cardstream.core.InvalidReason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The kinds of invalid record the generator injects, each with the reason the job's decoder must give it, so
 * the dead-letter topic can be checked against what was produced.
 */
public enum BadKind {
    TRUNCATED_JSON(InvalidReason.MALFORMED_JSON),
    NOT_JSON(InvalidReason.MALFORMED_JSON),
    MISSING_TX_ID(InvalidReason.MISSING_FIELD),
    EMPTY_PERSON_ID(InvalidReason.EMPTY_ID),
    AMOUNT_AS_NUMBER(InvalidReason.WRONG_TYPE),
    NEGATIVE_AMOUNT(InvalidReason.AMOUNT_NOT_POSITIVE),
    THREE_DECIMALS(InvalidReason.AMOUNT_TOO_MANY_DECIMALS),
    HUGE_AMOUNT(InvalidReason.AMOUNT_TOO_LARGE),
    BAD_CURRENCY(InvalidReason.CURRENCY_INVALID),
    ANCIENT_EVENT_TIME(InvalidReason.EVENT_TIME_TOO_OLD),
    INVALID_UTF8(InvalidReason.INVALID_UTF8);

    private final InvalidReason expectedReason;

    BadKind(InvalidReason expectedReason) {
        this.expectedReason = expectedReason;
    }

    /** The reason the decoder gives a record of this kind. */
    public InvalidReason expectedReason() {
        return expectedReason;
    }

    /** Spoils {@code validJson}, a valid record's JSON, in this kind's way. */
    byte[] spoil(String validJson, String txId, String amount) {
        String json = switch (this) {
            case TRUNCATED_JSON -> validJson.substring(0, validJson.length() / 2);
            case NOT_JSON -> "txId=" + txId + ";amount=" + amount;
            case MISSING_TX_ID -> validJson.replace("\"txId\":\"" + txId + "\",", "");
            case EMPTY_PERSON_ID -> validJson.replaceFirst("\"personId\":\"[^\"]*\"", "\"personId\":\"\"");
            case AMOUNT_AS_NUMBER -> validJson.replace("\"amount\":\"" + amount + "\"", "\"amount\":" + amount);
            case NEGATIVE_AMOUNT -> validJson.replace("\"amount\":\"", "\"amount\":\"-");
            case THREE_DECIMALS -> validJson.replace("\"amount\":\"" + amount + "\"", "\"amount\":\"" + amount + "7\"");
            case HUGE_AMOUNT -> validJson.replace("\"amount\":\"" + amount + "\"", "\"amount\":\"12345678901.00\"");
            case BAD_CURRENCY -> validJson.replaceFirst("\"currency\":\"[A-Z]{3}\"", "\"currency\":\"eur\"");
            case ANCIENT_EVENT_TIME -> validJson.replaceFirst("\"eventTime\":[0-9]+", "\"eventTime\":86400000");
            case INVALID_UTF8 -> null;
        };
        if (json != null) {
            return json.getBytes(StandardCharsets.UTF_8);
        }
        byte[] bytes = validJson.getBytes(StandardCharsets.UTF_8);
        byte[] spoiled = Arrays.copyOf(bytes, bytes.length);
        int at = validJson.indexOf(txId);
        spoiled[at] = (byte) 0xC3;
        spoiled[at + 1] = (byte) 0x28;
        return spoiled;
    }
}

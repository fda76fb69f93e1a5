package io.cardstream.core;

/**
 * Why a Kafka record is not a valid transaction. The names are stable reason codes: they go into the dead-letter
 * topic's {@code error.reason} header and into metrics, so renaming one is a breaking change.
 */
public enum InvalidReason {
    /** The record is larger than {@link TransactionCodec#MAX_RECORD_BYTES}. */
    RECORD_TOO_LARGE,
    /** The record is empty or null. */
    EMPTY_RECORD,
    /** The bytes are not valid UTF-8, or hold a NUL byte (UTF-16 or UTF-32 text). */
    INVALID_UTF8,
    /** The bytes are not well-formed JSON (truncated, garbage, nested too deep, trailing content). */
    MALFORMED_JSON,
    /** Well-formed JSON, but not an object. */
    NOT_AN_OBJECT,
    /** A field appears twice in the object. */
    DUPLICATE_FIELD,
    /** A required field is absent or null. */
    MISSING_FIELD,
    /** A required field has the wrong JSON type (e.g. a number for an id, a float for eventTime). */
    WRONG_TYPE,
    /** txId, personId or companyId is an empty string. */
    EMPTY_ID,
    /** txId, personId or companyId is longer than {@link TransactionCodec#MAX_ID_LENGTH} characters. */
    ID_TOO_LONG,
    /** txId, personId or companyId holds an unpaired surrogate or a control character. */
    ID_NOT_WELL_FORMED,
    /** amount is not a plain decimal number (NaN, Infinity, exponent, letters). */
    AMOUNT_NOT_A_NUMBER,
    /** amount is zero or negative. */
    AMOUNT_NOT_POSITIVE,
    /** amount has more than two decimals. */
    AMOUNT_TOO_MANY_DECIMALS,
    /** amount is over {@link TransactionCodec#MAX_AMOUNT}. */
    AMOUNT_TOO_LARGE,
    /** currency is not an ISO 4217 code of three upper-case letters. */
    CURRENCY_INVALID,
    /** eventTime is before 2000-01-01T00:00:00Z. */
    EVENT_TIME_TOO_OLD,
    /** eventTime is more than a day after the decoder's clock. */
    EVENT_TIME_IN_FUTURE
}

package io.cardstream.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Clock;
import java.util.Currency;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The JSON form of a {@link Transaction} on Kafka (DESIGN.md, "Data contract"): encoding for the producer, and
 * decoding with full validation for the job. {@link #decode} never throws on bad input: it returns a
 * {@link DecodeResult.Invalid} with a stable {@link InvalidReason}. Unknown fields are ignored. Thread-safe.
 * The input must be UTF-8 (a leading UTF-8 byte order mark is ignored, as RFC 8259 allows a parser to; UTF-16 and
 * UTF-32 are refused), and ids must be well-formed Unicode without control characters, so that two different ids
 * never become the same bytes, and so the same row.
 */
public final class TransactionCodec {

    /** Records larger than this are rejected before parsing. */
    public static final int MAX_RECORD_BYTES = 64 * 1024;
    /** The longest txId, personId or companyId, in characters. */
    public static final int MAX_ID_LENGTH = 64;
    /** The largest amount. */
    public static final BigDecimal MAX_AMOUNT = new BigDecimal("1000000000");
    /** 2000-01-01T00:00:00Z: an event time before it is absurd. */
    public static final long MIN_EVENT_TIME = 946_684_800_000L;
    /** How far ahead of the decoder's clock an event time may be. */
    public static final long MAX_FUTURE_MILLIS = 24L * 60 * 60 * 1000;

    static final String TX_ID = "txId";
    static final String PERSON_ID = "personId";
    static final String COMPANY_ID = "companyId";
    static final String AMOUNT = "amount";
    static final String CURRENCY = "currency";
    static final String EVENT_TIME = "eventTime";

    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final Set<String> ISO_CURRENCIES = Currency.getAvailableCurrencies().stream()
            .map(Currency::getCurrencyCode)
            .collect(Collectors.toUnmodifiableSet());

    private final Clock clock;

    private TransactionCodec(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A codec that judges event times against the system clock. */
    public static TransactionCodec create() {
        return new TransactionCodec(Clock.systemUTC());
    }

    /** A codec that judges event times against {@code clock} (for tests). */
    public static TransactionCodec withClock(Clock clock) {
        return new TransactionCodec(clock);
    }

    /** The UTF-8 JSON bytes of {@code tx}, fields in contract order, amount as a plain decimal string. */
    public byte[] encode(Transaction tx) {
        return new JsonBytes(160)
                .string(TX_ID, tx.txId())
                .string(PERSON_ID, tx.personId())
                .string(COMPANY_ID, tx.companyId())
                .string(AMOUNT, tx.amount().toPlainString())
                .string(CURRENCY, tx.currency())
                .number(EVENT_TIME, tx.eventTime())
                .toByteArray();
    }

    /** Decodes and validates one record's value. Never throws on bad bytes. */
    public DecodeResult decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return invalid(InvalidReason.EMPTY_RECORD, "the record is empty");
        }
        if (bytes.length > MAX_RECORD_BYTES) {
            return invalid(
                    InvalidReason.RECORD_TOO_LARGE,
                    "the record has " + bytes.length + " bytes; at most " + MAX_RECORD_BYTES + " are allowed");
        }
        int badByte = Utf8.firstInvalidByte(bytes);
        if (badByte >= 0) {
            return invalid(
                    InvalidReason.INVALID_UTF8,
                    bytes[badByte] == 0
                            ? "the record has a NUL byte at byte offset " + badByte
                                    + ": it is not UTF-8 (UTF-16 and UTF-32" + " are not accepted)"
                            : "the record is not valid UTF-8 (byte offset " + badByte + ")");
        }
        Fields fields = new Fields();
        try (JsonParser p = JSON.createParser(bytes)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                return invalid(InvalidReason.NOT_AN_OBJECT, "the record is JSON but not an object");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (!fields.take(name, value, p)) {
                    return invalid(InvalidReason.DUPLICATE_FIELD, "the field " + name + " appears more than once");
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                return invalid(InvalidReason.MALFORMED_JSON, "the record has content after its JSON object");
            }
        } catch (JsonProcessingException e) {
            return invalid(
                    InvalidReason.MALFORMED_JSON,
                    "the record is not well-formed JSON: " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            return invalid(
                    InvalidReason.MALFORMED_JSON, "the record could not be read as JSON: " + firstLine(e.getMessage()));
        }
        return fields.validate(clock.millis());
    }

    private static DecodeResult invalid(InvalidReason reason, String detail) {
        return new DecodeResult.Invalid(reason, detail);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    /** The required fields as found while scanning, checked in contract order once the object is complete. */
    private static final class Fields {
        private static final Object WRONG_TYPE = new Object();

        private Object txId;
        private Object personId;
        private Object companyId;
        private Object amount;
        private Object currency;
        private Object eventTime;
        private int seen;

        /** Records a field's value; false when the field was seen before. */
        boolean take(String name, JsonToken value, JsonParser p) throws IOException {
            int bit;
            switch (name) {
                case TX_ID -> {
                    bit = 1;
                    txId = string(value, p);
                }
                case PERSON_ID -> {
                    bit = 2;
                    personId = string(value, p);
                }
                case COMPANY_ID -> {
                    bit = 4;
                    companyId = string(value, p);
                }
                case AMOUNT -> {
                    bit = 8;
                    amount = string(value, p);
                }
                case CURRENCY -> {
                    bit = 16;
                    currency = string(value, p);
                }
                case EVENT_TIME -> {
                    bit = 32;
                    eventTime = integer(value, p);
                }
                default -> {
                    p.skipChildren();
                    return true;
                }
            }
            if ((seen & bit) != 0) {
                return false;
            }
            seen |= bit;
            return true;
        }

        private static Object string(JsonToken value, JsonParser p) throws IOException {
            if (value == JsonToken.VALUE_STRING) {
                return p.getText();
            }
            if (value == JsonToken.VALUE_NULL) {
                return null;
            }
            p.skipChildren();
            return WRONG_TYPE;
        }

        private static Object integer(JsonToken value, JsonParser p) throws IOException {
            if (value == JsonToken.VALUE_NUMBER_INT) {
                return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        ? p.getBigIntegerValue()
                        : p.getLongValue();
            }
            if (value == JsonToken.VALUE_NULL) {
                return null;
            }
            p.skipChildren();
            return WRONG_TYPE;
        }

        DecodeResult validate(long now) {
            DecodeResult problem = checkId(TX_ID, txId);
            if (problem == null) {
                problem = checkId(PERSON_ID, personId);
            }
            if (problem == null) {
                problem = checkId(COMPANY_ID, companyId);
            }
            if (problem == null) {
                problem = checkPresentString(AMOUNT, amount);
            }
            if (problem == null) {
                problem = AmountRule.check((String) amount);
            }
            if (problem == null) {
                problem = checkPresentString(CURRENCY, currency);
            }
            if (problem == null && !isIsoCurrency((String) currency)) {
                problem = invalid(
                        InvalidReason.CURRENCY_INVALID,
                        "currency must be an ISO 4217 code of three" + " upper-case letters; got "
                                + quote((String) currency));
            }
            if (problem == null) {
                problem = checkEventTime(now);
            }
            if (problem != null) {
                return problem;
            }
            return new DecodeResult.Valid(new Transaction(
                    (String) txId,
                    (String) personId,
                    (String) companyId,
                    new BigDecimal((String) amount),
                    (String) currency,
                    (Long) eventTime));
        }

        private static DecodeResult checkPresentString(String field, Object value) {
            if (value == null) {
                return invalid(InvalidReason.MISSING_FIELD, "the field " + field + " is missing");
            }
            if (value == WRONG_TYPE) {
                return invalid(InvalidReason.WRONG_TYPE, "the field " + field + " must be a string");
            }
            return null;
        }

        private static DecodeResult checkId(String field, Object value) {
            DecodeResult problem = checkPresentString(field, value);
            if (problem != null) {
                return problem;
            }
            String id = (String) value;
            if (id.isEmpty()) {
                return invalid(InvalidReason.EMPTY_ID, "the field " + field + " is empty");
            }
            if (id.length() > MAX_ID_LENGTH && id.codePointCount(0, id.length()) > MAX_ID_LENGTH) {
                return invalid(
                        InvalidReason.ID_TOO_LONG,
                        "the field " + field + " has " + id.codePointCount(0, id.length()) + " characters; at most "
                                + MAX_ID_LENGTH + " are allowed");
            }
            return checkIdCharacters(field, id);
        }

        /**
         * Refuses an unpaired surrogate (a JSON escape such as {@code \uD800} can make one; its UTF-8 form would be
         * the same {@code ?} for every such id, so two ids would share a row) and any control character.
         */
        private static DecodeResult checkIdCharacters(String field, String id) {
            for (int i = 0; i < id.length(); i++) {
                char c = id.charAt(i);
                if (c >= 0x20 && c < 0x7f) {
                    continue;
                }
                if (Character.isHighSurrogate(c) && i + 1 < id.length() && Character.isLowSurrogate(id.charAt(i + 1))) {
                    i++;
                    continue;
                }
                if (Character.isSurrogate(c)) {
                    return invalid(
                            InvalidReason.ID_NOT_WELL_FORMED,
                            "the field " + field + " has an unpaired"
                                    + " surrogate " + String.format("\\u%04X", (int) c) + " at character " + i
                                    + "; ids must be well-formed Unicode");
                }
                if (Character.getType(c) == Character.CONTROL) {
                    return invalid(
                            InvalidReason.ID_NOT_WELL_FORMED,
                            "the field " + field + " has the control"
                                    + " character " + String.format("U+%04X", (int) c) + " at character " + i
                                    + "; ids must not contain control characters");
                }
            }
            return null;
        }

        private DecodeResult checkEventTime(long now) {
            if (eventTime == null) {
                return invalid(InvalidReason.MISSING_FIELD, "the field " + EVENT_TIME + " is missing");
            }
            if (eventTime == WRONG_TYPE) {
                return invalid(
                        InvalidReason.WRONG_TYPE,
                        "the field " + EVENT_TIME + " must be an integer (epoch milliseconds)");
            }
            if (!(eventTime instanceof Long millis)) {
                boolean negative = ((BigInteger) eventTime).signum() < 0;
                return invalid(
                        negative ? InvalidReason.EVENT_TIME_TOO_OLD : InvalidReason.EVENT_TIME_IN_FUTURE,
                        "the field " + EVENT_TIME + " is out of the range of epoch milliseconds");
            }
            if (millis < MIN_EVENT_TIME) {
                return invalid(
                        InvalidReason.EVENT_TIME_TOO_OLD,
                        "the field " + EVENT_TIME + " is " + millis + ", before 2000-01-01");
            }
            if (millis > now + MAX_FUTURE_MILLIS) {
                return invalid(
                        InvalidReason.EVENT_TIME_IN_FUTURE,
                        "the field " + EVENT_TIME + " is " + millis + ", more than a day after the decoder's clock ("
                                + now + ")");
            }
            return null;
        }
    }

    static boolean isIsoCurrency(String code) {
        return code.length() == 3
                && ISO_CURRENCIES.contains(code)
                && Character.isUpperCase(code.charAt(0))
                && Character.isUpperCase(code.charAt(1))
                && Character.isUpperCase(code.charAt(2));
    }

    /** A value for an error detail: quoted, shortened, control characters escaped. */
    static String quote(String value) {
        StringBuilder s = new StringBuilder("\"");
        int limit = Math.min(value.length(), 32);
        for (int i = 0; i < limit; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                s.append(String.format("\\u%04x", (int) c));
            } else {
                s.append(c);
            }
        }
        return s.append(value.length() > limit ? "...\"" : "\"").toString();
    }
}

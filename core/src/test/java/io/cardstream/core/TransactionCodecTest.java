package io.cardstream.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TransactionCodecTest {

    private static final long NOW = 1_795_567_257_123L;
    private static final TransactionCodec CODEC =
            TransactionCodec.withClock(Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
    private static final Transaction TX =
            new Transaction("7f1c0a", "P000123456", "C0004242", new BigDecimal("123.45"), "EUR", NOW - 1000);

    /** A valid record's JSON with one field's raw JSON value replaced (or the field removed when null). */
    private static byte[] with(String field, String rawValue) {
        StringBuilder json = new StringBuilder("{");
        String[][] fields = {
            {"txId", "\"7f1c0a\""}, {"personId", "\"P000123456\""}, {"companyId", "\"C0004242\""},
            {"amount", "\"123.45\""}, {"currency", "\"EUR\""}, {"eventTime", Long.toString(NOW - 1000)}
        };
        for (String[] f : fields) {
            String value = f[0].equals(field) ? rawValue : f[1];
            if (value != null) {
                json.append(json.length() > 1 ? "," : "")
                        .append('"')
                        .append(f[0])
                        .append("\":")
                        .append(value);
            }
        }
        return json.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static InvalidReason reasonOf(byte[] bytes) {
        DecodeResult result = CODEC.decode(bytes);
        assertThat(result).isInstanceOf(DecodeResult.Invalid.class);
        return ((DecodeResult.Invalid) result).reason();
    }

    private static InvalidReason reasonOf(String json) {
        return reasonOf(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void roundTripsAValidTransaction() {
        DecodeResult result = CODEC.decode(CODEC.encode(TX));
        assertThat(result).isEqualTo(new DecodeResult.Valid(TX));
    }

    @Test
    void encodesTheContractsJsonWithTheAmountAsAString() {
        assertThat(new String(CODEC.encode(TX), StandardCharsets.UTF_8))
                .isEqualTo(
                        "{\"txId\":\"7f1c0a\",\"personId\":\"P000123456\",\"companyId\":\"C0004242\",\"amount\":\"123.45\","
                                + "\"currency\":\"EUR\",\"eventTime\":" + (NOW - 1000) + "}");
    }

    @Test
    void roundTripsIdsWithNonAsciiAndCharactersThatNeedEscaping() {
        Transaction odd = new Transaction(
                "tx-\"<&>'\\-Ødegaard-José", "P\u00e9\u4e2d", "C\ud83d\ude00", new BigDecimal("0.01"), "JPY", NOW);
        assertThat(CODEC.decode(CODEC.encode(odd))).isEqualTo(new DecodeResult.Valid(odd));
    }

    @Test
    void ignoresUnknownFieldsOfAnyShape() {
        String json =
                "{\"extra\":{\"deep\":[1,2,{\"x\":null}]},\"txId\":\"a\",\"personId\":\"P1\",\"companyId\":\"C1\","
                        + "\"amount\":\"1\",\"currency\":\"USD\",\"eventTime\":" + NOW + ",\"more\":[true]}";
        assertThat(CODEC.decode(json.getBytes(StandardCharsets.UTF_8)).isValid())
                .isTrue();
    }

    @Test
    void acceptsTheLargestAmountAndTheLongestId() {
        assertThat(CODEC.decode(with("amount", "\"1000000000.00\"")).isValid()).isTrue();
        assertThat(CODEC.decode(with("txId", "\"" + "x".repeat(64) + "\"")).isValid())
                .isTrue();
        assertThat(CODEC.decode(with("amount", "\"0.01\"")).isValid()).isTrue();
    }

    @Test
    void rejectsAnEmptyRecord() {
        assertThat(reasonOf(new byte[0])).isEqualTo(InvalidReason.EMPTY_RECORD);
        assertThat(reasonOf((byte[]) null)).isEqualTo(InvalidReason.EMPTY_RECORD);
    }

    @Test
    void rejectsARecordOver64KiB() {
        String padding = "\"pad\":\"" + "x".repeat(TransactionCodec.MAX_RECORD_BYTES) + "\",";
        assertThat(reasonOf("{" + padding + new String(with("none", null), StandardCharsets.UTF_8).substring(1)))
                .isEqualTo(InvalidReason.RECORD_TOO_LARGE);
    }

    @Test
    void rejectsInvalidUtf8() {
        byte[] bytes = with("personId", "\"P-xx\"");
        int at = new String(bytes, StandardCharsets.UTF_8).indexOf("xx");
        bytes[at] = (byte) 0xC3;
        bytes[at + 1] = (byte) 0x28;
        assertThat(reasonOf(bytes)).isEqualTo(InvalidReason.INVALID_UTF8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"UTF-16BE", "UTF-16LE", "UTF-16", "UTF-32BE", "UTF-32LE"})
    void rejectsAValidTransactionInAnotherUnicodeEncodingAndSaysSo(String charset) {
        String json = new String(CODEC.encode(TX), StandardCharsets.UTF_8);
        DecodeResult result = CODEC.decode(json.getBytes(java.nio.charset.Charset.forName(charset)));
        assertThat(result).isInstanceOf(DecodeResult.Invalid.class);
        DecodeResult.Invalid invalid = (DecodeResult.Invalid) result;
        assertThat(invalid.reason()).isEqualTo(InvalidReason.INVALID_UTF8);
    }

    @Test
    void namesTheNulByteOfUtf16Text() {
        String json = new String(CODEC.encode(TX), StandardCharsets.UTF_8);
        DecodeResult.Invalid invalid = (DecodeResult.Invalid) CODEC.decode(json.getBytes(StandardCharsets.UTF_16LE));
        assertThat(invalid.detail()).contains("NUL byte at byte offset 1").contains("UTF-16");
    }

    @Test
    void ignoresALeadingUtf8ByteOrderMark() {
        byte[] json = CODEC.encode(TX);
        byte[] withBom = new byte[json.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(json, 0, withBom, 3, json.length);
        assertThat(CODEC.decode(withBom)).isEqualTo(new DecodeResult.Valid(TX));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"\"a\\uD800\"", "\"a\\uDBFF\"", "\"\\uDC00b\"", "\"a\\uD800\\uD800\"", "\"\\uDFFF\\uD800\""})
    void rejectsAnIdWithAnUnpairedSurrogate(String rawId) {
        assertThat(reasonOf(with("txId", rawId))).isEqualTo(InvalidReason.ID_NOT_WELL_FORMED);
        assertThat(reasonOf(with("personId", rawId))).isEqualTo(InvalidReason.ID_NOT_WELL_FORMED);
        assertThat(reasonOf(with("companyId", rawId))).isEqualTo(InvalidReason.ID_NOT_WELL_FORMED);
    }

    @Test
    void twoIdsDifferingOnlyInUnpairedSurrogatesCannotBothBeValid() {
        // as UTF-8 bytes both would be "a?", one row key for two transactions
        assertThat(CODEC.decode(with("txId", "\"a\\uD800\"")).isValid()).isFalse();
        assertThat(CODEC.decode(with("txId", "\"a\\uDBFF\"")).isValid()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "\"a\\u0000\"",
                "\"a\\u0001b\"",
                "\"\\u001f\"",
                "\"a\\u007f\"",
                "\"a\\u0085\"",
                "\"a\\u009F\"",
                "\"tab\\there\"",
                "\"new\\nline\""
            })
    void rejectsAnIdWithAControlCharacter(String rawId) {
        DecodeResult.Invalid invalid = (DecodeResult.Invalid) CODEC.decode(with("txId", rawId));
        assertThat(invalid.reason()).isEqualTo(InvalidReason.ID_NOT_WELL_FORMED);
        assertThat(invalid.detail()).contains("txId").contains("control character U+00");
    }

    @Test
    void acceptsIdsWithPairedSurrogatesAndOtherPlanes() {
        assertThat(CODEC.decode(with("txId", "\"a\\uD83D\\uDE00b\"")).isValid()).isTrue();
        assertThat(CODEC.decode(with("personId", "\"\ud83d\ude00\u00e9\u4e2d\""))
                        .isValid())
                .isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"{\"txId\":\"a\"", "{\"txId\":}", "not json", "{\"a\":1}}", "{'txId':'a'}", "{\"txId\":\"a\nb\"}"
            })
    void rejectsMalformedJson(String json) {
        assertThat(reasonOf(json)).isEqualTo(InvalidReason.MALFORMED_JSON);
    }

    @Test
    void rejectsJsonNestedDeeperThanTheParserAllows() {
        String deep = "{\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        assertThat(reasonOf(deep)).isEqualTo(InvalidReason.MALFORMED_JSON);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1,2]", "\"txId\"", "42", "null"})
    void rejectsJsonThatIsNotAnObject(String json) {
        assertThat(reasonOf(json)).isEqualTo(InvalidReason.NOT_AN_OBJECT);
    }

    @Test
    void rejectsADuplicatedField() {
        String json = new String(with("none", null), StandardCharsets.UTF_8).replace("{", "{\"txId\":\"other\",");
        assertThat(reasonOf(json)).isEqualTo(InvalidReason.DUPLICATE_FIELD);
    }

    @ParameterizedTest
    @ValueSource(strings = {"txId", "personId", "companyId", "amount", "currency", "eventTime"})
    void rejectsAMissingField(String field) {
        assertThat(reasonOf(with(field, null))).isEqualTo(InvalidReason.MISSING_FIELD);
        assertThat(reasonOf(with(field, "null"))).isEqualTo(InvalidReason.MISSING_FIELD);
    }

    @ParameterizedTest
    @ValueSource(strings = {"txId", "personId", "companyId", "amount", "currency"})
    void rejectsANonStringWhereTheContractWantsAString(String field) {
        assertThat(reasonOf(with(field, "12"))).isEqualTo(InvalidReason.WRONG_TYPE);
        assertThat(reasonOf(with(field, "{\"a\":1}"))).isEqualTo(InvalidReason.WRONG_TYPE);
    }

    @Test
    void rejectsAnAmountSentAsABinaryNumber() {
        assertThat(reasonOf(with("amount", "123.45"))).isEqualTo(InvalidReason.WRONG_TYPE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1795567257123.5", "\"1795567257123\"", "true"})
    void rejectsAnEventTimeThatIsNotAnInteger(String raw) {
        assertThat(reasonOf(with("eventTime", raw))).isEqualTo(InvalidReason.WRONG_TYPE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"txId", "personId", "companyId"})
    void rejectsAnEmptyId(String field) {
        assertThat(reasonOf(with(field, "\"\""))).isEqualTo(InvalidReason.EMPTY_ID);
    }

    @ParameterizedTest
    @ValueSource(strings = {"txId", "personId", "companyId"})
    void rejectsAnIdOver64Characters(String field) {
        assertThat(reasonOf(with(field, "\"" + "x".repeat(65) + "\""))).isEqualTo(InvalidReason.ID_TOO_LONG);
    }

    @Test
    void countsIdLengthInCharactersNotBytesOrUtf16Units() {
        String emoji64 = "\ud83d\ude00".repeat(64);
        assertThat(CODEC.decode(with("txId", "\"" + emoji64 + "\"")).isValid()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "abc",
                "NaN",
                "Infinity",
                "-Infinity",
                "1e5",
                "+5",
                ".5",
                "5.",
                "",
                " 5",
                "1,00",
                "0x10",
                "12.3.4"
            })
    void rejectsAnAmountThatIsNotAPlainDecimal(String amount) {
        assertThat(reasonOf(with("amount", "\"" + amount + "\""))).isEqualTo(InvalidReason.AMOUNT_NOT_A_NUMBER);
    }

    @ParameterizedTest
    @CsvSource({
        "0, AMOUNT_NOT_POSITIVE",
        "0.00, AMOUNT_NOT_POSITIVE",
        "-1, AMOUNT_NOT_POSITIVE",
        "-0.01, AMOUNT_NOT_POSITIVE",
        "000, AMOUNT_NOT_POSITIVE",
        "1.234, AMOUNT_TOO_MANY_DECIMALS",
        "0.001, AMOUNT_TOO_MANY_DECIMALS",
        "10.000, AMOUNT_TOO_MANY_DECIMALS"
    })
    void rejectsAnAmountThatIsNotPositiveOrHasMoreThanTwoDecimals(String amount, InvalidReason reason) {
        assertThat(reasonOf(with("amount", "\"" + amount + "\""))).isEqualTo(reason);
    }

    @Test
    void rejectsAnAmountOverOneBillionHoweverManyDigitsItHas() {
        assertThat(reasonOf(with("amount", "\"1000000000.01\""))).isEqualTo(InvalidReason.AMOUNT_TOO_LARGE);
        assertThat(reasonOf(with("amount", "\"9999999999\""))).isEqualTo(InvalidReason.AMOUNT_TOO_LARGE);
        assertThat(reasonOf(with("amount", "\"" + "9".repeat(30_000) + "\"")))
                .isEqualTo(InvalidReason.AMOUNT_TOO_LARGE);
        assertThat(CODEC.decode(with("amount", "\"000999999999.99\"")).isValid())
                .isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"eur", "EU", "EURO", "XYZ", "E1R", "€"})
    void rejectsACurrencyThatIsNotAnIsoCode(String currency) {
        assertThat(reasonOf(with("currency", "\"" + currency + "\""))).isEqualTo(InvalidReason.CURRENCY_INVALID);
    }

    @Test
    void rejectsAnEventTimeBefore2000() {
        assertThat(reasonOf(with("eventTime", "946684799999"))).isEqualTo(InvalidReason.EVENT_TIME_TOO_OLD);
        assertThat(reasonOf(with("eventTime", "-5"))).isEqualTo(InvalidReason.EVENT_TIME_TOO_OLD);
        assertThat(CODEC.decode(with("eventTime", "946684800000")).isValid()).isTrue();
    }

    @Test
    void rejectsAnEventTimeMoreThanADayAhead() {
        long limit = NOW + TransactionCodec.MAX_FUTURE_MILLIS;
        assertThat(CODEC.decode(with("eventTime", Long.toString(limit))).isValid())
                .isTrue();
        assertThat(reasonOf(with("eventTime", Long.toString(limit + 1)))).isEqualTo(InvalidReason.EVENT_TIME_IN_FUTURE);
        assertThat(reasonOf(with("eventTime", "99999999999999999999999")))
                .isEqualTo(InvalidReason.EVENT_TIME_IN_FUTURE);
    }

    @Test
    void everyReasonHasATestAbove() {
        Set<InvalidReason> covered = EnumSet.noneOf(InvalidReason.class);
        covered.add(reasonOf(new byte[0]));
        covered.add(reasonOf(new byte[TransactionCodec.MAX_RECORD_BYTES + 1]));
        covered.add(reasonOf(new byte[] {'{', (byte) 0xFF, '}'}));
        covered.add(reasonOf("{"));
        covered.add(reasonOf("[]"));
        covered.add(reasonOf("{\"txId\":\"a\",\"txId\":\"b\"}"));
        covered.add(reasonOf(with("txId", null)));
        covered.add(reasonOf(with("txId", "1")));
        covered.add(reasonOf(with("txId", "\"\"")));
        covered.add(reasonOf(with("txId", "\"" + "x".repeat(65) + "\"")));
        covered.add(reasonOf(with("txId", "\"a\\uD800\"")));
        covered.add(reasonOf(with("amount", "\"x\"")));
        covered.add(reasonOf(with("amount", "\"0\"")));
        covered.add(reasonOf(with("amount", "\"1.001\"")));
        covered.add(reasonOf(with("amount", "\"1000000001\"")));
        covered.add(reasonOf(with("currency", "\"xx\"")));
        covered.add(reasonOf(with("eventTime", "1")));
        covered.add(reasonOf(with("eventTime", Long.toString(Long.MAX_VALUE))));
        assertThat(covered).containsExactlyInAnyOrder(InvalidReason.values());
    }

    @Test
    void describesAnInvalidRecordWithItsCodeAndNoPayload() {
        DecodeResult.Invalid invalid = (DecodeResult.Invalid) CODEC.decode(with("currency", "\"secret-value-xyz\""));
        assertThat(invalid.describe()).startsWith("CURRENCY_INVALID: currency must be");
        assertThat(CODEC.decode(with("personId", "\"" + "s".repeat(70) + "\"")).toString())
                .doesNotContain("sssss");
    }
}

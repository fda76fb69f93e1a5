package io.cardstream.job;

import io.cardstream.core.DimensionIds;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A seeded corpus of hostile Kafka records for the job: random bytes, truncated and deeply nested JSON, values
 * near the broker's size limit, wrong types, huge numbers, NaN and Infinity, control characters, invalid UTF-8,
 * duplicate keys, and SQL, HTML and script injection strings in ids. Each entry says whether the data contract
 * makes it valid; the valid ones carry unique txIds, and person ids below {@code persons} exist in HBase.
 */
final class HostileCorpus {

    /** Strings an attacker would put in an id or a name; each at most 64 characters, so legal as an id. */
    static final List<String> INJECTIONS = List.of(
            "'; DROP TABLE tx_enriched; --",
            "\" OR \"1\"=\"1",
            "1; DELETE FROM person WHERE 1=1",
            "<script>alert('xss')</script>",
            "<img src=x onerror=alert(1)>",
            "</script><script>window.__pwned=1</script>",
            "javascript:alert(document.cookie)",
            "${jndi:ldap://127.0.0.1:1/a}",
            "{{7*7}}${7*7}<%= 7*7 %>",
            "\\\"\\u0000\\n",
            "line\nbreak\r\ttab",
            "\u0000\u0001\u0007\u001b[31mred\u001b[0m",
            "\u202eevil\u202c mirrored",
            "emoji \uD83D\uDCB3 card",
            "../../etc/passwd",
            "%00%0d%0aSet-Cookie: x=y");

    /** One record: its value, whether it is valid, and for a valid one its txId and personId. */
    record Entry(String kind, byte[] value, boolean valid, String txId, String personId) {}

    private final Random random;
    private final int persons;
    private final long eventTime;
    private final List<Entry> entries = new ArrayList<>();
    private int serial;

    private HostileCorpus(long seed, int persons, long eventTime) {
        this.random = new Random(seed);
        this.persons = persons;
        this.eventTime = eventTime;
    }

    /**
     * About 12,000 records in a seeded random order; {@code largeValueBytes} is the size of the few records near
     * the broker's limit.
     */
    static List<Entry> build(long seed, int persons, long eventTime, int largeValueBytes) {
        HostileCorpus c = new HostileCorpus(seed, persons, eventTime);
        c.addAll(largeValueBytes);
        Collections.shuffle(c.entries, c.random);
        return c.entries;
    }

    private void addAll(int largeValueBytes) {
        for (int i = 0; i < 1_000; i++) {
            String txId = nextTxId("plain");
            String p = person();
            valid("plain", txId, p, json(txId, p, company(), "12.34", "EUR", eventTime));
        }
        for (int i = 0; i < 2_000; i++) {
            byte[] bytes = new byte[1 + random.nextInt(300)];
            random.nextBytes(bytes);
            bytes[0] = (byte) ('{' + 1 + random.nextInt(100)); // never a JSON object by chance
            invalid("random-bytes", bytes);
        }
        for (int i = 0; i < 1_500; i++) {
            String whole = json(nextTxId("trunc"), person(), company(), "5.00", "USD", eventTime);
            invalid("truncated-json", utf8(whole.substring(0, 1 + random.nextInt(whole.length() - 1))));
        }
        for (int i = 0; i < 200; i++) {
            // nested 100 deep in an unknown field: ignored, so the record is valid
            String txId = nextTxId("nested-ok");
            String p = person();
            valid(
                    "nested-unknown-field",
                    txId,
                    p,
                    withExtra(
                            json(txId, p, company(), "1.00", "EUR", eventTime),
                            "\"x\":" + "[".repeat(100) + "]".repeat(100)));
            // nested past the parser's limit: malformed
            invalid(
                    "nested-too-deep",
                    utf8(withExtra(
                            json(nextTxId("nested"), person(), company(), "1.00", "EUR", eventTime),
                            "\"x\":" + "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000))));
        }
        for (int i = 0; i < 4; i++) {
            String head = json(nextTxId("huge"), person(), company(), "1.00", "EUR", eventTime);
            // random letters: compression cannot shrink them back under the limit
            String padded = withExtra(head, "\"pad\":\"" + letters(largeValueBytes - head.length() - 10) + "\"");
            invalid("near-broker-limit", utf8(padded));
        }
        for (int i = 0; i < 250; i++) {
            String txId = nextTxId("types");
            invalid(
                    "wrong-type",
                    utf8("{\"txId\":\"" + txId + "\",\"personId\":\"" + person()
                            + "\",\"companyId\":\"" + company()
                            + "\",\"amount\":12.34,\"currency\":\"EUR\",\"eventTime\":"
                            + eventTime + "}"));
            invalid(
                    "wrong-type",
                    utf8("{\"txId\":{\"a\":1},\"personId\":\"" + person() + "\",\"companyId\":\"" + company()
                            + "\",\"amount\":\"1.00\",\"currency\":\"EUR\",\"eventTime\":" + eventTime + "}"));
            invalid(
                    "wrong-type",
                    utf8("{\"txId\":\"" + nextTxId("types") + "\",\"personId\":[1,2],\"companyId\":\"" + company()
                            + "\",\"amount\":\"1.00\",\"currency\":\"EUR\",\"eventTime\":\"" + eventTime + "\"}"));
            invalid("wrong-type", utf8("[\"" + txId + "\"]"));
        }
        for (int i = 0; i < 100; i++) {
            invalid(
                    "huge-number",
                    utf8(json(
                            nextTxId("big"),
                            person(),
                            company(),
                            "99999999999999999999999999999.99",
                            "EUR",
                            eventTime)));
            invalid("huge-number", utf8(json(nextTxId("big"), person(), company(), "1e400", "EUR", eventTime)));
            invalid(
                    "huge-number",
                    utf8(json(nextTxId("big"), person(), company(), "1.00", "EUR", eventTime)
                            .replace(Long.toString(eventTime), "1" + "0".repeat(40))));
            invalid(
                    "huge-number",
                    utf8(json(nextTxId("big"), person(), company(), "1.00", "EUR", eventTime)
                            .replace(Long.toString(eventTime), "-" + "9".repeat(30))));
            invalid("huge-number", utf8(json(nextTxId("big"), person(), company(), "0.00", "EUR", eventTime)));
        }
        for (int i = 0; i < 100; i++) {
            for (String amount : List.of("NaN", "Infinity", "-Infinity")) {
                invalid("nan-infinity", utf8(json(nextTxId("nan"), person(), company(), amount, "EUR", eventTime)));
            }
            invalid(
                    "nan-infinity",
                    utf8(json(nextTxId("nan"), person(), company(), "1.00", "EUR", eventTime)
                            .replace(Long.toString(eventTime), "NaN")));
            invalid(
                    "nan-infinity",
                    utf8(json(nextTxId("nan"), person(), company(), "1.00", "EUR", eventTime)
                            .replace(Long.toString(eventTime), "Infinity")));
        }
        for (int i = 0; i < 250; i++) {
            // escaped control characters are legal JSON, but the contract refuses them in ids
            invalid(
                    "escaped-control-chars",
                    utf8(json(nextTxId("ctl") + "\u0001\u0002\u001f", person(), company(), "3.00", "EUR", eventTime)));
            // as it refuses unpaired surrogates: "a\uD800" and "a\uDBFF" would be one row
            invalid(
                    "unpaired-surrogate",
                    utf8(json(
                                    nextTxId("sur") + (i % 2 == 0 ? "\uD800" : "\uDBFF"),
                                    person(),
                                    company(),
                                    "3.00",
                                    "EUR",
                                    eventTime)
                            .replace("\uD800", "\\uD800")
                            .replace("\uDBFF", "\\uDBFF")));
            // and every encoding but UTF-8
            invalid(
                    "utf-16",
                    json(nextTxId("u16"), person(), company(), "3.00", "EUR", eventTime)
                            .getBytes(i % 2 == 0 ? StandardCharsets.UTF_16LE : StandardCharsets.UTF_16BE));
            // raw ones inside a string are not JSON
            invalid(
                    "raw-control-chars",
                    utf8(json(nextTxId("ctl"), person(), company(), "3.00", "EUR", eventTime)
                            .replace("\"currency\"", "\"cur\u0001rency\"")));
        }
        for (int i = 0; i < 250; i++) {
            byte[] good = utf8(json(nextTxId("utf"), person(), company(), "2.00", "EUR", eventTime));
            byte[][] bad = {
                {(byte) 0xC3, 0x28},
                {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                {(byte) 0xC0, (byte) 0xAF},
                {(byte) 0xFF},
                {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}
            };
            byte[] b = bad[i % bad.length];
            byte[] value = new byte[good.length + b.length];
            int at = 10; // inside the txId string
            System.arraycopy(good, 0, value, 0, at);
            System.arraycopy(b, 0, value, at, b.length);
            System.arraycopy(good, at, value, at + b.length, good.length - at);
            invalid("invalid-utf8", value);
            invalid("invalid-utf8", b.clone());
        }
        for (int i = 0; i < 500; i++) {
            String txId = nextTxId("dup");
            invalid(
                    "duplicate-key",
                    utf8(json(txId, person(), company(), "1.00", "EUR", eventTime)
                            .replace("{\"txId\"", "{\"txId\":\"" + txId + "-other\",\"txId\"")));
        }
        for (int i = 0; i < 2_000; i++) {
            String injection = INJECTIONS.get(i % INJECTIONS.size());
            String txId = nextTxId("inj") + injection.substring(0, Math.min(injection.length(), 40));
            boolean asPerson = i % 2 == 0;
            String p = asPerson ? injection : person();
            String record = json(txId, p, asPerson ? company() : injection, "7.77", "GBP", eventTime);
            if (injection.chars().anyMatch(Character::isISOControl)) {
                // an id with a control character (an ANSI escape) breaks the contract
                invalid("control-chars-in-ids", utf8(record));
            } else {
                valid("injection-in-ids", txId, p, record);
            }
        }
        for (int i = 0; i < 1_000; i++) {
            // persons 0..INJECTIONS.size()-1 get hostile names in HBase (HostileInputIT renames them)
            String txId = nextTxId("hostile-name");
            String p = DimensionIds.personId(i % INJECTIONS.size());
            valid("hostile-person-name", txId, p, json(txId, p, company(), "9.99", "EUR", eventTime));
        }
    }

    private String letters(int n) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    private String nextTxId(String kind) {
        return "h" + (serial++) + "-" + kind + "-";
    }

    private String person() {
        return DimensionIds.personId(random.nextInt(persons));
    }

    private String company() {
        return DimensionIds.companyId(random.nextInt(100));
    }

    private void valid(String kind, String txId, String personId, String json) {
        entries.add(new Entry(kind, utf8(json), true, txId, personId));
    }

    private void invalid(String kind, byte[] value) {
        entries.add(new Entry(kind, value, false, null, null));
    }

    /** A contract-shaped record, every string JSON-escaped. */
    static String json(String txId, String personId, String companyId, String amount, String currency, long eventTime) {
        return "{\"txId\":" + quote(txId) + ",\"personId\":" + quote(personId) + ",\"companyId\":" + quote(companyId)
                + ",\"amount\":" + quote(amount) + ",\"currency\":" + quote(currency) + ",\"eventTime\":" + eventTime
                + "}";
    }

    private static String withExtra(String json, String field) {
        return json.substring(0, json.length() - 1) + "," + field + "}";
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (ch < 0x20) {
                        b.append(String.format("\\u%04x", (int) ch));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

package io.cardstream.schema;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.cardstream.core.JsonBytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.hbase.client.Delete;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.util.Bytes;

/**
 * One {@code tx_enriched} row as its fields, in either {@link RowLayout}: {@link #put} writes it, {@link #read}
 * reads a row of either layout back (the dashboard, the demo, the benchmark and the tests read through it, so none
 * of them depends on the layout). Names are null when the dimension was not found; amounts are decimal strings,
 * times epoch milliseconds.
 */
public record TxRow(
        String txId,
        String personId,
        String personName,
        String companyId,
        String companyName,
        String amount,
        String currency,
        long eventTime,
        long processedTime,
        long batchTime,
        String status) {

    private static final TableSpec T = Schema.TX_ENRICHED;
    private static final byte[] FAMILY = T.familyBytes();
    /** The one qualifier of the packed layout. */
    public static final String PACKED_QUALIFIER = "v";

    private static final byte[] PACKED = Bytes.toBytes(PACKED_QUALIFIER);
    private static final byte[] TX_ID = q("tx_id");
    private static final byte[] PERSON_ID = q("person_id");
    private static final byte[] PERSON_NAME = q("person_name");
    private static final byte[] COMPANY_ID = q("company_id");
    private static final byte[] COMPANY_NAME = q("company_name");
    private static final byte[] AMOUNT = q("amount");
    private static final byte[] CURRENCY = q("currency");
    private static final byte[] EVENT_TIME = q("event_time");
    private static final byte[] PROCESSED_TIME = q("processed_time");
    private static final byte[] BATCH_TIME = q("batch_time");
    private static final byte[] STATUS = q("enrich_status");
    private static final JsonFactory JSON = new JsonFactory();

    /** The row key: {@code <salt>-<txId>}. */
    public byte[] rowKey() {
        return bytes(RowKeys.txEnriched(txId));
    }

    /** The row in {@code layout}, every cell at timestamp {@code version}. */
    public Put put(RowLayout layout, long version) {
        Put put = new Put(rowKey(), version);
        if (layout == RowLayout.PACKED) {
            return put.addColumn(FAMILY, PACKED, version, json());
        }
        put.addColumn(FAMILY, TX_ID, version, bytes(txId));
        put.addColumn(FAMILY, PERSON_ID, version, bytes(personId));
        if (personName != null) {
            put.addColumn(FAMILY, PERSON_NAME, version, bytes(personName));
        }
        put.addColumn(FAMILY, COMPANY_ID, version, bytes(companyId));
        if (companyName != null) {
            put.addColumn(FAMILY, COMPANY_NAME, version, bytes(companyName));
        }
        put.addColumn(FAMILY, AMOUNT, version, bytes(amount));
        put.addColumn(FAMILY, CURRENCY, version, bytes(currency));
        put.addColumn(FAMILY, EVENT_TIME, version, bytes(Long.toString(eventTime)));
        put.addColumn(FAMILY, PROCESSED_TIME, version, bytes(Long.toString(processedTime)));
        put.addColumn(FAMILY, BATCH_TIME, version, bytes(Long.toString(batchTime)));
        put.addColumn(FAMILY, STATUS, version, bytes(status));
        return put;
    }

    /**
     * In the wide layout, the delete that clears the names this row does not have, at and below {@code version}, so
     * that a lower version's name of the same txId is hidden with the rest of that write; null when it has both
     * names, and always in the packed layout, whose one cell replaces the whole row.
     */
    public Delete clearing(RowLayout layout, long version) {
        if (layout == RowLayout.PACKED || (personName != null && companyName != null)) {
            return null;
        }
        Delete delete = new Delete(rowKey());
        if (personName == null) {
            delete.addColumns(FAMILY, PERSON_NAME, version);
        }
        if (companyName == null) {
            delete.addColumns(FAMILY, COMPANY_NAME, version);
        }
        return delete;
    }

    /** The packed layout's cell: a flat JSON object keyed by the Hive column names, without tx_id. */
    public byte[] json() {
        return new JsonBytes(160 + length(personName) + length(companyName))
                .string("person_id", personId)
                .string("person_name", personName)
                .string("company_id", companyId)
                .string("company_name", companyName)
                .string("amount", amount)
                .string("currency", currency)
                .number("event_time", eventTime)
                .number("processed_time", processedTime)
                .number("batch_time", batchTime)
                .string("enrich_status", status)
                .toByteArray();
    }

    /** The value of the Hive column {@code column}, as text (numbers in decimal); null for an absent name. */
    public String get(String column) {
        return switch (column) {
            case "tx_id" -> txId;
            case "person_id" -> personId;
            case "person_name" -> personName;
            case "company_id" -> companyId;
            case "company_name" -> companyName;
            case "amount" -> amount;
            case "currency" -> currency;
            case "event_time" -> Long.toString(eventTime);
            case "processed_time" -> Long.toString(processedTime);
            case "batch_time" -> Long.toString(batchTime);
            case "enrich_status" -> status;
            default -> throw new IllegalArgumentException("tx_enriched has no column " + column);
        };
    }

    /**
     * A row of either layout, as stored: the packed cell when the row has one, else the wide cells. A number cell
     * that is absent or not a number reads as 0; a packed cell that is not a JSON object throws
     * {@link IllegalArgumentException} naming the row.
     */
    public static TxRow read(Result r) {
        String key = Bytes.toString(r.getRow());
        byte[] packed = r.getValue(FAMILY, PACKED);
        if (packed != null) {
            return fromJson(RowKeys.txIdOf(key), packed);
        }
        return new TxRow(
                text(r, TX_ID),
                text(r, PERSON_ID),
                text(r, PERSON_NAME),
                text(r, COMPANY_ID),
                text(r, COMPANY_NAME),
                text(r, AMOUNT),
                text(r, CURRENCY),
                number(text(r, EVENT_TIME)),
                number(text(r, PROCESSED_TIME)),
                number(text(r, BATCH_TIME)),
                text(r, STATUS));
    }

    private static TxRow fromJson(String txId, byte[] json) {
        String personId = null, personName = null, companyId = null, companyName = null;
        String amount = null, currency = null, status = null;
        long eventTime = 0, processedTime = 0, batchTime = 0;
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("The packed cell of tx_enriched row of " + txId
                        + " is not a JSON object: " + abbreviated(json));
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (!value.isScalarValue()) {
                    p.skipChildren();
                    continue;
                }
                String text = value == JsonToken.VALUE_NULL ? null : p.getText();
                switch (name) {
                    case "person_id" -> personId = text;
                    case "person_name" -> personName = text;
                    case "company_id" -> companyId = text;
                    case "company_name" -> companyName = text;
                    case "amount" -> amount = text;
                    case "currency" -> currency = text;
                    case "event_time" -> eventTime = number(text);
                    case "processed_time" -> processedTime = number(text);
                    case "batch_time" -> batchTime = number(text);
                    case "enrich_status" -> status = text;
                    default -> {} // a field a later version added
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "The packed cell of tx_enriched row of " + txId + " is not well-formed JSON: " + abbreviated(json),
                    e);
        }
        return new TxRow(
                txId,
                personId,
                personName,
                companyId,
                companyName,
                amount,
                currency,
                eventTime,
                processedTime,
                batchTime,
                status);
    }

    private static int length(String s) {
        return s == null ? 4 : 2 * s.length();
    }

    private static String text(Result r, byte[] qualifier) {
        byte[] v = r.getValue(FAMILY, qualifier);
        return v == null ? null : Bytes.toString(v);
    }

    private static long number(String text) {
        if (text == null) {
            return 0;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String abbreviated(byte[] json) {
        String s = Bytes.toString(json);
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }

    private static byte[] q(String column) {
        return T.column(column).qualifierBytes();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

package io.cardstream.schema;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON inside the {@code batch_metrics} columns {@code top_companies} and {@code sample}, in one place: the job
 * writes it, the dashboard and the tests read it. Both are arrays of flat objects; amounts are decimal strings, times
 * epoch milliseconds. A reader takes any well-formed array and leaves out nothing it knows: an absent field reads as
 * null (or 0).
 */
public final class MetricsJson {

    private static final JsonFactory JSON = new JsonFactory();

    private MetricsJson() {}

    /** One company of a batch's top list. */
    public record Company(String companyId, String name, String amount, long transactions) {}

    /** One enriched transaction of a batch's sample, as the dashboard's live table shows it. */
    public record SampleTx(
            String txId,
            String personName,
            String companyName,
            String amount,
            String currency,
            long eventTime,
            long processedTime,
            String status)
            implements Serializable {

        @Serial
        private static final long serialVersionUID = 1L;

        /** A sample entry that names only its transaction. */
        public static SampleTx of(String txId) {
            return new SampleTx(txId, null, null, null, null, 0, 0, null);
        }
    }

    public static String companies(List<Company> companies) {
        return write(g -> {
            for (Company c : companies) {
                g.writeStartObject();
                g.writeStringField("companyId", c.companyId());
                g.writeStringField("name", c.name());
                g.writeStringField("amount", c.amount());
                g.writeNumberField("transactions", c.transactions());
                g.writeEndObject();
            }
        });
    }

    public static String sample(List<SampleTx> sample) {
        return write(g -> {
            for (SampleTx r : sample) {
                g.writeStartObject();
                g.writeStringField("txId", r.txId());
                g.writeStringField("personName", r.personName());
                g.writeStringField("companyName", r.companyName());
                g.writeStringField("amount", r.amount());
                g.writeStringField("currency", r.currency());
                g.writeNumberField("eventTime", r.eventTime());
                g.writeNumberField("processedTime", r.processedTime());
                g.writeStringField("status", r.status());
                g.writeEndObject();
            }
        });
    }

    /** Reads a {@code top_companies} value; throws {@link IllegalArgumentException} on anything but an array. */
    public static List<Company> readCompanies(String json) {
        return read(
                json,
                f -> new Company(text(f, "companyId"), text(f, "name"), text(f, "amount"), number(f, "transactions")));
    }

    /** Reads a {@code sample} value; throws {@link IllegalArgumentException} on anything but an array. */
    public static List<SampleTx> readSample(String json) {
        return read(
                json,
                f -> new SampleTx(
                        text(f, "txId"),
                        text(f, "personName"),
                        text(f, "companyName"),
                        text(f, "amount"),
                        text(f, "currency"),
                        number(f, "eventTime"),
                        number(f, "processedTime"),
                        text(f, "status")));
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static String write(Body body) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartArray();
            body.write(g);
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private interface Entry<T> {
        T of(Map<String, Object> fields);
    }

    private static <T> List<T> read(String json, Entry<T> entry) {
        List<T> out = new ArrayList<>();
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new IllegalArgumentException("Not a JSON array: " + abbreviated(json));
            }
            while (p.nextToken() == JsonToken.START_OBJECT) {
                Map<String, Object> fields = new HashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken value = p.nextToken();
                    if (value == JsonToken.VALUE_NUMBER_INT) {
                        fields.put(name, p.getLongValue());
                    } else if (value.isScalarValue() && value != JsonToken.VALUE_NULL) {
                        fields.put(name, p.getText());
                    } else {
                        p.skipChildren();
                    }
                }
                out.add(entry.of(fields));
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("Not well-formed JSON: " + abbreviated(json), e);
        }
        return out;
    }

    private static String text(Map<String, Object> fields, String name) {
        Object v = fields.get(name);
        return v == null ? null : v.toString();
    }

    private static long number(Map<String, Object> fields, String name) {
        Object v = fields.get(name);
        return v instanceof Long l ? l : 0;
    }

    private static String abbreviated(String json) {
        return json.length() <= 80 ? json : json.substring(0, 80) + "...";
    }
}

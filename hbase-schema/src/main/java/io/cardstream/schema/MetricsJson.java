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
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
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
        return write(companies);
    }

    public static String sample(List<SampleTx> sample) {
        return write(sample);
    }

    /** Reads a {@code top_companies} value; throws {@link IllegalArgumentException} on anything but an array. */
    public static List<Company> readCompanies(String json) {
        return read(json, Company.class);
    }

    /** Reads a {@code sample} value; throws {@link IllegalArgumentException} on anything but an array. */
    public static List<SampleTx> readSample(String json) {
        return read(json, SampleTx.class);
    }

    /** An array of one object an entry, a field a record component by its name: a string, or a number for a long. */
    private static String write(List<? extends Record> entries) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartArray();
            for (Record entry : entries) {
                g.writeStartObject();
                for (RecordComponent c : entry.getClass().getRecordComponents()) {
                    Object value = c.getAccessor().invoke(entry);
                    if (value instanceof Long number) {
                        g.writeNumberField(c.getName(), number);
                    } else {
                        g.writeStringField(c.getName(), (String) value);
                    }
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("A metrics JSON record could not be read.", e);
        }
        return out.toString();
    }

    /** The entries of {@link #write}'s array, of {@code type}: an absent or unreadable field is null, or 0. */
    private static <T extends Record> List<T> read(String json, Class<T> type) {
        RecordComponent[] components = type.getRecordComponents();
        Constructor<T> constructor;
        try {
            constructor = type.getDeclaredConstructor(
                    Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(type + " has no canonical constructor.", e);
        }
        List<T> out = new ArrayList<>();
        for (Map<String, Object> fields : objects(json)) {
            Object[] args = new Object[components.length];
            for (int i = 0; i < components.length; i++) {
                String name = components[i].getName();
                args[i] = components[i].getType() == long.class ? number(fields, name) : text(fields, name);
            }
            try {
                out.add(constructor.newInstance(args));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("A metrics JSON record could not be made.", e);
            }
        }
        return out;
    }

    /** The scalar fields of each object of the array {@code json}: longs as Long, other scalars as text. */
    private static List<Map<String, Object>> objects(String json) {
        List<Map<String, Object>> out = new ArrayList<>();
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
                out.add(fields);
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

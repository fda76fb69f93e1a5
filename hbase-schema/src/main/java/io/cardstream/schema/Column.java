package io.cardstream.schema;

import java.nio.charset.StandardCharsets;

/**
 * One field of a table: the readable name Hive, Impala and Hue show, and the short HBase qualifier that is
 * stored in every cell (each cell repeats its qualifier, so short ones save space and write time).
 *
 * @param name      the readable column name, e.g. {@code person_name}
 * @param qualifier the HBase qualifier, 1 to 3 characters, e.g. {@code pn}
 * @param hiveType  the Hive type the facade declares for it, e.g. {@code STRING}, {@code BIGINT}
 */
public record Column(String name, String qualifier, String hiveType) {

    public Column {
        if (qualifier.isEmpty() || qualifier.length() > 3) {
            throw new IllegalArgumentException("A qualifier has 1 to 3 characters; got '" + qualifier + "'.");
        }
    }

    /** The qualifier's bytes. A new array each call: callers keep their own copy where it matters. */
    public byte[] qualifierBytes() {
        return qualifier.getBytes(StandardCharsets.UTF_8);
    }
}

package io.cardstream.core;

import java.util.Objects;

/**
 * What decoding one Kafka record gave: a {@link Valid} transaction or the {@link Invalid} reason it is not one.
 * Decoding never throws on bad bytes; the caller dead-letters an {@code Invalid} with its reason.
 */
public sealed interface DecodeResult permits DecodeResult.Valid, DecodeResult.Invalid {

    /** A record that meets the data contract. */
    record Valid(Transaction transaction) implements DecodeResult {
        public Valid {
            Objects.requireNonNull(transaction, "transaction");
        }
    }

    /**
     * A record that does not.
     *
     * @param reason the stable reason code
     * @param detail a short human explanation naming the field; never the record's payload
     */
    record Invalid(InvalidReason reason, String detail) implements DecodeResult {
        public Invalid {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }

        /** The text for the dead-letter header {@code error.reason}: the code, a colon, the detail. */
        public String describe() {
            return reason.name() + ": " + detail;
        }
    }

    default boolean isValid() {
        return this instanceof Valid;
    }
}

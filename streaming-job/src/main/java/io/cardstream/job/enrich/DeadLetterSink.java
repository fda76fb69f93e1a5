package io.cardstream.job.enrich;

import io.cardstream.core.DecodeResult;
import java.io.IOException;

/**
 * Where records that are not valid transactions go, with the reason: the dead-letter topic in the job (inside the
 * partition's Kafka transaction), memory in tests.
 *
 * @param <R> the record as read, with whatever position and headers it carries
 */
public interface DeadLetterSink<R> {

    void send(R record, DecodeResult.Invalid reason) throws IOException;
}

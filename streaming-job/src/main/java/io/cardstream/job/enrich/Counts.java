package io.cardstream.job.enrich;

import java.io.Serial;
import java.io.Serializable;

/**
 * Where a range's or a batch's records went. They reconcile: records = enriched + dead-lettered.
 *
 * @param records      records read
 * @param enriched     valid transactions written
 * @param deadLettered invalid records sent to the dead-letter sink
 * @param missing      written transactions whose person or company was not found
 * @param repeated     valid transactions whose txId an earlier record of the same range had
 * @param boundedNames dimension names the lookups cut to their limit
 */
public record Counts(long records, long enriched, long deadLettered, long missing, long repeated, long boundedNames)
        implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    public static final Counts NONE = new Counts(0, 0, 0, 0, 0, 0);

    public Counts plus(Counts o) {
        return new Counts(
                records + o.records,
                enriched + o.enriched,
                deadLettered + o.deadLettered,
                missing + o.missing,
                repeated + o.repeated,
                boundedNames + o.boundedNames);
    }
}

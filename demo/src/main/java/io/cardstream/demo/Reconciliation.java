package io.cardstream.demo;

/**
 * The end of a timed demo: what the producer had acknowledged against what HBase and the dead-letter topic hold.
 *
 * @param produced     records Kafka acknowledged
 * @param valid        of those, the valid ones (they must all be stored)
 * @param enriched     rows in {@code tx_enriched}
 * @param deadLettered distinct source positions in the dead-letter topic
 * @param missing      valid transactions produced but not found in {@code tx_enriched}
 * @param repeated     valid transactions the job saw again under a txId of the same batch and partition
 *                     ({@code batch_metrics.repeated}): one row holds each such txId
 */
public record Reconciliation(long produced, long valid, long enriched, long deadLettered, long missing, long repeated) {

    /**
     * Nothing is missing and every produced record is either stored or dead-lettered, once (a repeated txId is one
     * row for its records).
     */
    public boolean reconciled() {
        return missing == 0 && produced == enriched + deadLettered + repeated;
    }

    /** The final line, in exactly the form scripts parse. */
    public String summaryLine() {
        return "SUMMARY produced=" + produced + " enriched=" + enriched + " dead_lettered=" + deadLettered + " missing="
                + missing + " repeated=" + repeated;
    }
}

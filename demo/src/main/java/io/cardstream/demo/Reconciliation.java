package io.cardstream.demo;

/**
 * The end of a timed demo: what the producer had acknowledged against what HBase and the dead-letter topic hold.
 *
 * @param produced     records Kafka acknowledged
 * @param valid        of those, the valid ones (they must all be stored)
 * @param enriched     rows in {@code tx_enriched}
 * @param deadLettered distinct source positions in the dead-letter topic
 * @param missing      valid transactions produced but not found in {@code tx_enriched}
 */
public record Reconciliation(long produced, long valid, long enriched, long deadLettered, long missing) {

    /** Nothing is missing and every produced record is either stored or dead-lettered, once. */
    public boolean reconciled() {
        return missing == 0 && produced == enriched + deadLettered;
    }

    /** The final line, in exactly the form scripts parse. */
    public String summaryLine() {
        return "SUMMARY produced=" + produced + " enriched=" + enriched + " dead_lettered=" + deadLettered
                + " missing=" + missing;
    }
}

package io.cardstream.job.enrich;

/** The names enrichment looks up; null means the row does not exist. */
public interface Dimensions {

    String personName(String personId);

    String companyName(String companyId);

    /** How many of the names were cut to their limit on the way in (too long, or with control characters). */
    default long boundedNames() {
        return 0;
    }
}

package io.cardstream.job.enrich;

/** The names enrichment looks up; null means the row does not exist. */
public interface Dimensions {

    String personName(String personId);

    String companyName(String companyId);
}

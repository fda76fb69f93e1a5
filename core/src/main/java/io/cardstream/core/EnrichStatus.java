package io.cardstream.core;

/**
 * Whether a stored transaction found its dimensions. A valid transaction is always stored; a missing person or
 * company shows here instead of dropping it.
 */
public enum EnrichStatus {
    OK,
    PERSON_MISSING,
    COMPANY_MISSING,
    BOTH_MISSING;

    /** The status for a lookup that did or did not find the person and the company. */
    public static EnrichStatus of(boolean personFound, boolean companyFound) {
        if (personFound) {
            return companyFound ? OK : COMPANY_MISSING;
        }
        return companyFound ? PERSON_MISSING : BOTH_MISSING;
    }
}

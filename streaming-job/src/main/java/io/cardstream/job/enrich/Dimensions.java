package io.cardstream.job.enrich;

import java.util.function.Function;

/** The names enrichment looks up; null means the row does not exist. */
public interface Dimensions {

    String personName(String personId);

    String companyName(String companyId);

    /** How many of the names were cut to their limit on the way in (too long, or with control characters). */
    default long boundedNames() {
        return 0;
    }

    /** Names from two functions (null: not found), as tests and simple sources give them. */
    static Dimensions of(Function<String, String> persons, Function<String, String> companies) {
        return of(persons, companies, 0);
    }

    /** As {@link #of(Function, Function)}, with how many of the names were cut on the way in. */
    static Dimensions of(Function<String, String> persons, Function<String, String> companies, long boundedNames) {
        return new Dimensions() {
            @Override
            public String personName(String personId) {
                return persons.apply(personId);
            }

            @Override
            public String companyName(String companyId) {
                return companies.apply(companyId);
            }

            @Override
            public long boundedNames() {
                return boundedNames;
            }
        };
    }
}

package io.cardstream.producer;

/**
 * What the generator draws from: the seed, the id spaces of the loaded dimensions, how skewed their popularity
 * is, and how many records are deliberately invalid or point outside the dimensions. Validated on construction by
 * the rules of {@link ProducerSettings}; the message names the setting and its allowed range.
 *
 * @param seed         the same seed gives the same transactions and txIds
 * @param persons      person ids 0 to persons-1 exist in HBase
 * @param companies    company ids 0 to companies-1 exist in HBase
 * @param skew         Zipf exponent of person and company popularity; 0 is uniform
 * @param badRatio     fraction of records that are invalid, of varied kinds
 * @param unknownRatio fraction of valid records whose person, company or both are outside the dimensions
 */
public record GeneratorConfig(
        long seed, int persons, int companies, double skew, double badRatio, double unknownRatio) {

    public static final int DEFAULT_PERSONS = 1_000_000;
    public static final int DEFAULT_COMPANIES = 100_000;

    public GeneratorConfig {
        ProducerSettings.PERSONS.check(persons);
        ProducerSettings.COMPANIES.check(companies);
        ProducerSettings.SKEW.check(skew);
        ProducerSettings.BAD_RATIO.check(badRatio);
        ProducerSettings.UNKNOWN_RATIO.check(unknownRatio);
    }

    /** Defaults of the design: 1,000,000 persons, 100,000 companies, uniform, all valid, all known. */
    public static GeneratorConfig defaults(long seed) {
        return new GeneratorConfig(seed, DEFAULT_PERSONS, DEFAULT_COMPANIES, 0.0, 0.0, 0.0);
    }

    public GeneratorConfig withDimensions(int personCount, int companyCount) {
        return new GeneratorConfig(seed, personCount, companyCount, skew, badRatio, unknownRatio);
    }

    public GeneratorConfig withSkew(double exponent) {
        return new GeneratorConfig(seed, persons, companies, exponent, badRatio, unknownRatio);
    }

    public GeneratorConfig withRatios(double bad, double unknown) {
        return new GeneratorConfig(seed, persons, companies, skew, bad, unknown);
    }
}

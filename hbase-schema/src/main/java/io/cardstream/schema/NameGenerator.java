package io.cardstream.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Deterministic, varied dimension rows: person {@code n} of a seed always has the same name and city, company
 * {@code n} the same name and category. Names mix many languages, so non-ASCII text (José Núñez, Zoë Ødegaard,
 * 王芳) and characters that need escaping in HTML and JSON (quotes, apostrophes, {@code <}, {@code &}) appear
 * throughout, as they do in real data.
 */
public final class NameGenerator {

    private static final WordLists WORDS = WordLists.load("names.txt");
    private static final String[] FIRST = WORDS.list("first");
    private static final String[] LAST = WORDS.list("last");
    private static final String[] CITIES = WORDS.list("cities");
    private static final String[] COMPANY_WORDS = WORDS.list("company-words");
    private static final String[] COMPANY_NOUNS = WORDS.list("company-nouns");
    private static final String[] COMPANY_SUFFIXES = WORDS.list("company-suffixes");
    private static final String[] CATEGORIES = WORDS.list("categories");

    private final long seed;

    public NameGenerator(long seed) {
        this.seed = seed;
    }

    /** A person's name and city. */
    public record Person(String name, String city) {}

    /** A company's name and category. */
    public record Company(String name, String category) {}

    public Person person(long n) {
        SplittableRandom r = new SplittableRandom(seed * 31 + n * 0x9E3779B97F4A7C15L);
        String first = FIRST[r.nextInt(FIRST.length)];
        String last = LAST[r.nextInt(LAST.length)];
        String middle = r.nextInt(4) == 0 ? " " + (char) ('A' + r.nextInt(26)) + "." : "";
        return new Person(first + middle + " " + last, CITIES[r.nextInt(CITIES.length)]);
    }

    public Company company(long n) {
        SplittableRandom r = new SplittableRandom(seed * 17 + n * 0xC2B2AE3D27D4EB4FL + 1);
        String name = COMPANY_WORDS[r.nextInt(COMPANY_WORDS.length)] + " "
                + COMPANY_NOUNS[r.nextInt(COMPANY_NOUNS.length)] + COMPANY_SUFFIXES[r.nextInt(COMPANY_SUFFIXES.length)];
        return new Company(name, CATEGORIES[r.nextInt(CATEGORIES.length)]);
    }

    /** The word lists of a resource beside this class: {@code name:word|word|...} a line, {@code #} comments. */
    private record WordLists(String resource, Map<String, String[]> lists) {

        static WordLists load(String resource) {
            try (InputStream in = NameGenerator.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("The word lists " + resource + " are missing from the classpath.");
                }
                Map<String, String[]> lists = new HashMap<>();
                for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    int colon = line.indexOf(':');
                    if (!line.isBlank() && !line.startsWith("#") && colon > 0) {
                        lists.put(
                                line.substring(0, colon),
                                line.substring(colon + 1).split("\\|", -1));
                    }
                }
                return new WordLists(resource, lists);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not read the word lists " + resource + ".", e);
            }
        }

        String[] list(String name) {
            String[] words = lists.get(name);
            if (words == null) {
                throw new IllegalStateException("The word lists " + resource + " have no list '" + name + "'.");
            }
            return words;
        }
    }
}

package io.cardstream.schema;

import java.util.SplittableRandom;

/**
 * Deterministic, varied dimension rows: person {@code n} of a seed always has the same name and city, company
 * {@code n} the same name and category. Names mix many languages, so non-ASCII text (José Núñez, Zoë Ødegaard,
 * 王芳) and characters that need escaping in HTML and JSON (quotes, apostrophes, {@code <}, {@code &}) appear
 * throughout, as they do in real data.
 */
public final class NameGenerator {

    private static final String[] FIRST = {
        "Anna",
        "José",
        "Zoë",
        "Mohammed",
        "Olga",
        "Liam",
        "Sofía",
        "Björn",
        "Aiko",
        "Chloé",
        "Łukasz",
        "Noah",
        "Fatima",
        "Jürgen",
        "Amélie",
        "Søren",
        "Ines",
        "Rajesh",
        "Maria",
        "Ólafur",
        "Emma",
        "Kateřina",
        "Wei",
        "Seán",
        "Agnieszka",
        "Luca",
        "Ayşe",
        "Dmitri",
        "Nuno",
        "芳",
        "Hana",
        "François",
        "Grace",
        "Mateo",
        "Åsa"
    };
    private static final String[] LAST = {
        "Núñez",
        "Ødegaard",
        "Müller",
        "O'Brien",
        "Smith",
        "García",
        "Kowalski",
        "Nakamura",
        "Dubois",
        "Rossi",
        "Johansson",
        "Novák",
        "Silva",
        "Öztürk",
        "Ivanova",
        "MacLeod",
        "Schröder",
        "Van der Berg",
        "Østergaard",
        "D'Angelo",
        "Wójcik",
        "Papadopoulos",
        "王",
        "Hernández",
        "Łuczak",
        "Fernández-López",
        "Nguyễn",
        "Kim",
        "O\"Neil",
        "Brown",
        "Jensen",
        "Horváth",
        "Żak",
        "Costa",
        "Ahmed"
    };
    private static final String[] CITIES = {
        "Paris", "Kraków", "München", "São Paulo", "Zürich", "Reykjavík", "Málaga", "Göteborg", "Łódź", "Tokyo",
        "New York", "Dublin", "İstanbul", "Praha", "Lisboa", "Madrid", "Warszawa", "Bologna", "Århus", "Montréal"
    };
    private static final String[] COMPANY_WORDS = {
        "Café",
        "Bäckerei",
        "Fresh",
        "Nordic",
        "Golden",
        "Blue",
        "Metro",
        "Green",
        "Royal",
        "Urban",
        "Señor",
        "Little",
        "Grand",
        "Smart",
        "Happy",
        "Żabka",
        "Crêperie",
        "Sun",
        "Ocean",
        "Alpine"
    };
    private static final String[] COMPANY_NOUNS = {
        "Market", "Fuel", "Books", "Pharmacy", "Electronics", "Bistro", "Travel", "Garage", "Boutique", "Hotel",
        "Cinema", "Grocer", "Bakery", "Taxi", "Florist", "Gym", "Kiosk", "Pizzeria", "Hardware", "Optics"
    };
    private static final String[] COMPANY_SUFFIXES = {
        "",
        "",
        "",
        " GmbH",
        " S.A.",
        " Ltd",
        " & Co",
        " sp. z o.o.",
        " AB",
        " \"Premium\"",
        " <Express>",
        " & Sons",
        " Inc.",
        " S.à r.l.",
        " Oy"
    };
    private static final String[] CATEGORIES = {
        "Grocery",
        "Fuel",
        "Restaurants",
        "Travel",
        "Electronics",
        "Pharmacy",
        "Clothing",
        "Entertainment",
        "Hotels",
        "Transport",
        "Books",
        "Home & Garden",
        "Health",
        "Services"
    };

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
}

package io.cardstream.core;

import java.util.Optional;

/** Looks through an exception's chain of causes, for start-up messages that name what really went wrong. */
public final class Causes {

    private Causes() {}

    /** The first throwable in {@code t}'s chain (itself included) that is a {@code type}. */
    public static <T extends Throwable> Optional<T> find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return Optional.of(type.cast(c));
            }
        }
        return Optional.empty();
    }

    /** A throwable's message on one line, for a sentence that quotes it. */
    public static String oneLine(Throwable t) {
        return String.valueOf(t.getMessage()).replaceAll("\\s*\\R\\s*", " ").trim();
    }
}

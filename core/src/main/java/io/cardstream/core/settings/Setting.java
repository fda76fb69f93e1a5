package io.cardstream.core.settings;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One setting, defined once: its name (the command-line option without dashes and the properties-file key), its type,
 * its default, its rule and its documentation, and whether its value is a secret. A {@link SettingSet} of them
 * gives a command its options, reads properties files, validates and describes (secrets masked).
 *
 * <p>Values are parsed strictly: a whole number is a whole number, a flag is {@code true/false}, {@code yes/no} or
 * {@code on/off}; anything else fails with a message that names the setting, says what it must be and what it got.
 *
 * @param <T> the value's type: {@code String}, {@code Long}, {@code Integer}, {@code Double} or {@code Boolean}
 */
public final class Setting<T> {

    private final String name;
    private final Class<T> type;
    private final Supplier<T> defaultValue;
    private final String defaultDoc;
    private final Predicate<T> rule;
    private final String ruleDoc;
    private final String label;
    private final String doc;
    private final boolean secret;
    private final boolean optional;
    private final List<String> aliases;

    private Setting(Builder<T> b) {
        this.name = b.name;
        this.type = b.type;
        this.defaultValue = b.defaultValue;
        this.defaultDoc = b.defaultDoc;
        this.rule = b.rule;
        this.ruleDoc = b.ruleDoc;
        this.label = b.label;
        this.doc = b.doc;
        this.secret = b.secret;
        this.optional = b.optional;
        this.aliases = List.copyOf(b.aliases);
    }

    /** A text setting. */
    public static Builder<String> text(String name) {
        return new Builder<>(name, String.class, "TEXT");
    }

    /** A whole-number setting. */
    public static Builder<Long> number(String name) {
        return new Builder<>(name, Long.class, "N");
    }

    /** A whole-number setting that fits an int. */
    public static Builder<Integer> integer(String name) {
        return new Builder<>(name, Integer.class, "N");
    }

    /** A decimal setting. */
    public static Builder<Double> decimal(String name) {
        return new Builder<>(name, Double.class, "X");
    }

    /** A flag: {@code --name} / {@code --no-name} on the command line, true/false in a file. */
    public static Builder<Boolean> flag(String name) {
        return new Builder<>(name, Boolean.class, "BOOLEAN");
    }

    public String name() {
        return name;
    }

    public Class<T> type() {
        return type;
    }

    /** Other names the setting answers to, on the command line and in a file (an older or a tool's spelling). */
    public List<String> aliases() {
        return aliases;
    }

    public String label() {
        return label;
    }

    public boolean secret() {
        return secret;
    }

    public boolean isFlag() {
        return type == Boolean.class;
    }

    /** The default value, or null when the setting has none (it must then be given). */
    public T defaultValue() {
        return defaultValue.get();
    }

    /** The documentation with its rule and default, as {@code --help} shows it. */
    public String description() {
        StringBuilder d = new StringBuilder(doc);
        if (ruleDoc != null) {
            d.append(" It ").append(ruleDoc).append('.');
        }
        String shown = defaultDoc != null ? defaultDoc : String.valueOf(defaultValue.get());
        if (defaultDoc != null || defaultValue.get() != null) {
            d.append(" Default: ").append(secret ? "(not shown: a secret)" : shown);
        }
        return d.toString();
    }

    /** {@code raw} as this setting's type, checked against its rule; failures name the setting. */
    public T parse(String raw) {
        if (raw == null) {
            return check(null);
        }
        String s = raw.trim();
        Object value;
        try {
            if (type == Long.class) {
                value = Long.parseLong(s.replace("_", ""));
            } else if (type == Integer.class) {
                value = Integer.parseInt(s.replace("_", ""));
            } else if (type == Double.class) {
                value = Double.parseDouble(s);
            } else if (type == Boolean.class) {
                value = parseFlag(s);
            } else {
                value = raw;
            }
        } catch (NumberFormatException e) {
            throw invalid("must be a " + (type == Double.class ? "number" : "whole number"), raw);
        }
        return check(type.cast(value));
    }

    private Boolean parseFlag(String s) {
        switch (s.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> {
                return true;
            }
            case "false", "no", "off" -> {
                return false;
            }
            default -> throw invalid("must be true or false (yes/no, on/off)", s);
        }
    }

    /** {@code value}, if the rule allows it; null only for an optional setting not given. */
    public T check(T value) {
        if (value == null) {
            if (optional) {
                return null;
            }
            throw invalid("must be given", null);
        }
        if (rule != null && !rule.test(value)) {
            throw invalid(ruleDoc, value);
        }
        return value;
    }

    /** The value as a start-up log shows it: secrets masked. */
    public String show(Object value) {
        return secret && value != null ? "********" : String.valueOf(value);
    }

    private IllegalArgumentException invalid(String what, Object got) {
        return new IllegalArgumentException("Invalid setting " + name + ": it " + what + "; got '"
                + (secret && got != null ? "********" : got) + "'.");
    }

    @Override
    public String toString() {
        return name;
    }

    /** How a setting is declared: {@code Setting.number("batch-interval-ms").byDefault(1000L).between(100, 600_000)}. */
    public static final class Builder<T> {
        private final String name;
        private final Class<T> type;
        private Supplier<T> defaultValue = () -> null;
        private String defaultDoc;
        private Predicate<T> rule;
        private String ruleDoc;
        private String label;
        private String doc = "";
        private boolean secret;
        private boolean optional;
        private final List<String> aliases = new ArrayList<>();

        private Builder(String name, Class<T> type, String label) {
            this.name = Objects.requireNonNull(name);
            this.type = type;
            this.label = label;
        }

        public Builder<T> byDefault(T value) {
            this.defaultValue = () -> value;
            return this;
        }

        /** A default worked out when asked (for example the running local stack's address), documented as given. */
        public Builder<T> byDefault(Supplier<T> value, String documented) {
            this.defaultValue = value;
            this.defaultDoc = documented;
            return this;
        }

        public Builder<T> rule(Predicate<T> test, String documented) {
            this.rule = test;
            this.ruleDoc = documented;
            return this;
        }

        /** The rule for numbers: {@code min} to {@code max}, both included. */
        public Builder<T> between(long min, long max) {
            this.rule = n -> ((Number) n).longValue() >= min && ((Number) n).longValue() <= max;
            this.ruleDoc = "must be between " + min + " and " + max;
            return this;
        }

        /** The rule for numbers: {@code min} or more. */
        public Builder<T> atLeast(long min, String meaning) {
            this.rule = n -> ((Number) n).longValue() >= min;
            this.ruleDoc = "must be " + meaning;
            return this;
        }

        public Builder<T> label(String paramLabel) {
            this.label = paramLabel;
            return this;
        }

        public Builder<T> doc(String documentation) {
            this.doc = documentation;
            return this;
        }

        /** A setting that may stay unset (null): its absence means something, which its doc says. */
        public Builder<T> optional() {
            this.optional = true;
            return this;
        }

        /** The rule for decimals: {@code min} to {@code max}, both included. */
        public Builder<T> within(double min, double max, String meaning) {
            this.rule = n -> ((Number) n).doubleValue() >= min && ((Number) n).doubleValue() <= max;
            this.ruleDoc = "must be between " + meaning;
            return this;
        }

        public Builder<T> secret() {
            this.secret = true;
            return this;
        }

        /** Another name of the setting, for example Kafka's tools' spelling of it. */
        public Builder<T> alias(String other) {
            this.aliases.add(other);
            return this;
        }

        public Setting<T> build() {
            return new Setting<>(this);
        }
    }

    /** A rule for text: not empty nor blank. */
    public static Predicate<String> notBlank() {
        return s -> !s.isBlank();
    }

    /** A rule for text: one of {@code allowed}, compared without case. */
    public static Predicate<String> oneOf(String... allowed) {
        Set<String> set = Set.of(allowed);
        return s -> set.contains(s.toLowerCase(Locale.ROOT));
    }
}

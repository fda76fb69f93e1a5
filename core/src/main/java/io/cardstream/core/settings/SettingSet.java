package io.cardstream.core.settings;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * A program's settings, each defined once ({@link Setting}), and everything done with them: the command's options
 * ({@link #addOptionsTo}), a properties file's keys ({@link #readFile}), validation ({@link #resolve}) and the
 * start-up description with secrets masked ({@link #describe}). Precedence: command line, then file, then default.
 */
public final class SettingSet {

    private final Map<String, Setting<?>> settings = new LinkedHashMap<>();
    /** Each alias, to the name of its setting. */
    private final Map<String, String> aliases = new LinkedHashMap<>();

    private final Set<String> passthroughPrefixes;

    /**
     * @param passthroughPrefixes file keys under these prefixes (for example {@code kafka-prop.}) are free-form
     *     client properties the program reads itself, not settings
     */
    public SettingSet(List<Setting<?>> settings, Set<String> passthroughPrefixes) {
        for (Setting<?> s : settings) {
            if (this.settings.put(s.name(), s) != null) {
                throw new IllegalArgumentException("Setting " + s.name() + " is defined twice.");
            }
            for (String alias : s.aliases()) {
                if (aliases.put(alias, s.name()) != null) {
                    throw new IllegalArgumentException("The alias " + alias + " is defined twice.");
                }
            }
        }
        this.passthroughPrefixes = Set.copyOf(passthroughPrefixes);
    }

    public List<Setting<?>> settings() {
        return List.copyOf(settings.values());
    }

    /** Every setting's default, checked: what a test or the bench starts from. Fails on a setting with none. */
    public Values defaults() {
        return resolve(Map.of());
    }

    /** The values {@code given} (raw text by setting name) describes, the rest by default; unknown names fail. */
    public Values resolve(Map<String, String> given) {
        for (String name : given.keySet()) {
            if (!settings.containsKey(name)) {
                throw new IllegalArgumentException("Invalid setting " + name + ": no such setting (see --help).");
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Setting<?> s : settings.values()) {
            String raw = given.get(s.name());
            values.put(s.name(), raw != null ? s.parse(raw) : checkedDefault(s));
        }
        return new Values(values);
    }

    private static <T> T checkedDefault(Setting<T> s) {
        return s.check(s.defaultValue());
    }

    /** The values with the settings described: every setting, in definition order, secrets masked. */
    public Map<String, String> describe(Values values) {
        Map<String, String> d = new LinkedHashMap<>();
        for (Setting<?> s : settings.values()) {
            d.put(s.name(), s.show(values.asMap().get(s.name())));
        }
        return d;
    }

    /**
     * A properties file's settings (raw, by name) and its passthrough keys (by prefix, the prefix kept). A key that is
     * neither fails, naming the file.
     */
    public Map<String, String> readFile(Path file) throws IOException {
        return readFile(file, Set.of());
    }

    /** As {@link #readFile(Path)}, also taking the keys {@code otherOptions} (a command's options of its own). */
    public Map<String, String> readFile(Path file, Set<String> otherOptions) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        Map<String, String> read = new LinkedHashMap<>();
        for (String key : p.stringPropertyNames()) {
            boolean passthrough = passthroughPrefixes.stream().anyMatch(key::startsWith);
            String name = aliases.getOrDefault(key, key);
            if (!passthrough && !settings.containsKey(name) && !otherOptions.contains(name)) {
                throw new IllegalArgumentException(
                        "Invalid setting " + key + " in " + file + ": no such option (see --help).");
            }
            if (read.put(name, p.getProperty(key)) != null) {
                throw new IllegalArgumentException("Invalid setting " + key + " in " + file + ": " + name
                        + " is given twice, under two of its names.");
            }
        }
        return read;
    }

    /**
     * A client properties file as Kafka's tools take it ({@code --command-config}, {@code --consumer.config}): every
     * key as it is; a file that cannot be read fails naming the option and the file.
     */
    public static Map<String, String> clientProperties(String option, Path file) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "Invalid setting " + option + ": the file " + file + " cannot be read (" + e + ").");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : p.stringPropertyNames()) {
            out.put(key, p.getProperty(key));
        }
        return out;
    }

    /** Only the keys of {@code raw} under {@code prefix}, with the prefix cut off. */
    public static Map<String, String> under(String prefix, Map<String, String> raw) {
        Map<String, String> out = new LinkedHashMap<>();
        raw.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    /** Adds one {@code --name} option per setting to {@code spec} (flags also get {@code --no-name}). */
    public void addOptionsTo(CommandSpec spec) {
        for (Setting<?> s : settings.values()) {
            String[] names = new String[1 + s.aliases().size()];
            names[0] = "--" + s.name();
            for (int i = 0; i < s.aliases().size(); i++) {
                names[i + 1] = "--" + s.aliases().get(i);
            }
            OptionSpec.Builder option = OptionSpec.builder(names)
                    .description(s.description().replace("%", "%%"))
                    .paramLabel(s.label());
            if (s.isFlag()) {
                option.type(Boolean.class).negatable(true).arity("0..1").fallbackValue("true");
            } else {
                option.type(String.class);
            }
            spec.addOption(option.build());
        }
    }

    /** The settings the command line gave (raw, by name). */
    public Map<String, String> given(ParseResult parsed) {
        Map<String, String> given = new LinkedHashMap<>();
        for (Setting<?> s : settings.values()) {
            OptionSpec option = parsed.commandSpec().findOption("--" + s.name());
            if (option != null && parsed.hasMatchedOption(option)) {
                Object value = option.getValue();
                given.put(s.name(), String.valueOf(value));
            }
        }
        return given;
    }

    /** The command line over the file over the defaults: the raw values, by name, passthrough keys included. */
    public static Map<String, String> overlay(Map<String, String> file, Map<String, String> commandLine) {
        Map<String, String> merged = new LinkedHashMap<>(file);
        merged.putAll(commandLine);
        return merged;
    }

    /** Only the keys of {@code raw} that name settings. */
    public Map<String, String> settingsOf(Map<String, String> raw) {
        Map<String, String> out = new LinkedHashMap<>();
        raw.forEach((k, v) -> {
            if (settings.containsKey(k)) {
                out.put(k, v);
            }
        });
        return out;
    }
}

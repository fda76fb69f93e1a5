package io.cardstream.core.settings;

import java.io.Serial;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The validated values of a {@link SettingSet}, by setting: serializable, so a Spark job can ship them to its
 * executors. Built only by {@link SettingSet#resolve} and {@link #with}, which validate.
 */
public final class Values implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    private final Map<String, Object> byName;

    Values(Map<String, Object> byName) {
        this.byName = Collections.unmodifiableMap(new LinkedHashMap<>(byName));
    }

    public <T> T get(Setting<T> setting) {
        Object value = byName.get(setting.name());
        if (value == null && !byName.containsKey(setting.name())) {
            throw new IllegalArgumentException("No setting " + setting.name() + " here.");
        }
        return setting.type().cast(value);
    }

    /** These values with {@code setting} set to {@code value}, checked against its rule. */
    public <T> Values with(Setting<T> setting, T value) {
        if (!byName.containsKey(setting.name())) {
            throw new IllegalArgumentException("No setting " + setting.name() + " here.");
        }
        Map<String, Object> copy = new LinkedHashMap<>(byName);
        copy.put(setting.name(), setting.check(value));
        return new Values(copy);
    }

    Map<String, Object> asMap() {
        return byName;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Values v && v.byName.equals(byName);
    }

    @Override
    public int hashCode() {
        return byName.hashCode();
    }

    @Override
    public String toString() {
        return byName.keySet().toString();
    }
}

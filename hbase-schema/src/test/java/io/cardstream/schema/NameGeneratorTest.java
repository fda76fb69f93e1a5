package io.cardstream.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NameGeneratorTest {

    @Test
    void theSameSeedGivesTheSameRows() {
        NameGenerator a = new NameGenerator(5);
        NameGenerator b = new NameGenerator(5);
        for (long n = 0; n < 1000; n++) {
            assertThat(a.person(n)).isEqualTo(b.person(n));
            assertThat(a.company(n)).isEqualTo(b.company(n));
        }
        assertThat(new NameGenerator(6).person(1)).isNotEqualTo(a.person(1));
    }

    @Test
    void aRowIsPinnedSoTheWordListsCannotBeReorderedUnnoticed() {
        NameGenerator names = new NameGenerator(42);
        assertThat(names.person(7)).isEqualTo(new NameGenerator.Person("François Kowalski", "Paris"));
        assertThat(names.company(7)).isEqualTo(new NameGenerator.Company("Fresh Grocer AB", "Hotels"));
    }

    @Test
    void namesIncludeNonAsciiAndCharactersThatNeedEscaping() {
        NameGenerator names = new NameGenerator(1);
        List<String> all = new ArrayList<>();
        for (long n = 0; n < 5000; n++) {
            all.add(names.person(n).name());
            all.add(names.company(n).name());
        }
        assertThat(all).anyMatch(s -> s.chars().anyMatch(c -> c > 127));
        assertThat(all).anyMatch(s -> s.contains("'"));
        assertThat(all).anyMatch(s -> s.contains("\""));
        assertThat(all).anyMatch(s -> s.contains("<"));
        assertThat(all).anyMatch(s -> s.contains("&"));
        assertThat(all.stream().distinct().count()).isGreaterThan(2000);
    }
}

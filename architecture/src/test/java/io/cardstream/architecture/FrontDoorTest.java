package io.cardstream.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import io.cardstream.core.settings.Setting;
import io.cardstream.core.settings.SettingSet;
import io.cardstream.job.JobSettings;
import io.cardstream.localstack.StackSettings;
import io.cardstream.producer.ProducerSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * README.md stays a front door: under 250 lines and 2,500 words, the two commands on its first screen, and every link
 * in it, and in the pages it links under docs/ and bench/, resolving to a file and, with a #fragment, to a heading.
 */
class FrontDoorTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

    @Test
    void theReadmeIsShortWithTheTwoCommandsOnItsFirstScreen() throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
        assertThat(lines.size()).as("README.md lines").isLessThan(250);
        long words = lines.stream()
                .flatMap(l -> List.of(l.trim().split("\\s+")).stream())
                .filter(w -> !w.isEmpty())
                .count();
        assertThat(words).as("README.md words").isLessThan(2_500);
        String firstScreen = String.join("\n", lines.subList(0, Math.min(30, lines.size())));
        assertThat(firstScreen).contains("./demo.sh").contains("mvn -B verify");
    }

    @Test
    void everyLinkOfTheReadmeAndItsPagesResolves() throws IOException {
        List<String> broken = new ArrayList<>();
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md"), ROOT.resolve("bench/README.md")));
        try (var docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).forEach(pages::add);
        }
        for (Path page : pages) {
            broken.addAll(brokenLinks(page));
        }
        assertThat(broken).as("links that resolve to no file or heading").isEmpty();
        assertThat(pages).hasSizeGreaterThan(3);
    }

    /** Every setting defined in code is in the configuration reference, so the page cannot fall behind the code. */
    @Test
    void theOperationsReferenceNamesEverySetting() throws IOException {
        String reference = Files.readString(ROOT.resolve("docs/operations.md"), StandardCharsets.UTF_8);
        List<String> missing = new ArrayList<>();
        for (SettingSet set : List.of(JobSettings.ALL, ProducerSettings.ALL, StackSettings.ALL)) {
            for (Setting<?> setting : set.settings()) {
                Pattern named = Pattern.compile("--(\\[no-]|no-)?" + Pattern.quote(setting.name()) + "(?![\\w-])");
                if (!named.matcher(reference).find()) {
                    missing.add("--" + setting.name());
                }
            }
        }
        assertThat(missing).as("settings docs/operations.md does not name").isEmpty();
    }

    private static List<String> brokenLinks(Path page) throws IOException {
        List<String> broken = new ArrayList<>();
        boolean code = false;
        List<String> lines = Files.readAllLines(page, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("```")) {
                code = !code;
                continue;
            }
            Matcher m = LINK.matcher(line);
            while (!code && m.find()) {
                String target = m.group(1);
                if (target.startsWith("http://") || target.startsWith("https://")) {
                    continue;
                }
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                Path resolved =
                        file.isEmpty() ? page : page.getParent().resolve(file).normalize();
                String where = ROOT.relativize(page) + ":" + (i + 1) + " " + target;
                if (!Files.exists(resolved)) {
                    broken.add(where);
                } else if (hash >= 0 && resolved.toString().endsWith(".md")) {
                    if (!headings(resolved).contains(target.substring(hash + 1))) {
                        broken.add(where);
                    }
                }
            }
        }
        return broken;
    }

    /** The GitHub anchors of a page's headings. */
    private static Set<String> headings(Path page) throws IOException {
        Set<String> anchors = new HashSet<>();
        boolean code = false;
        for (String line : Files.readAllLines(page, StandardCharsets.UTF_8)) {
            if (line.startsWith("```")) {
                code = !code;
            } else if (!code && line.matches("#{1,6} .*")) {
                String title = line.replaceFirst("^#+ ", "").trim().toLowerCase(Locale.ROOT);
                anchors.add(title.replaceAll("[^\\p{L}\\p{N}_\\- ]", "").replace(' ', '-'));
            }
        }
        return anchors;
    }
}

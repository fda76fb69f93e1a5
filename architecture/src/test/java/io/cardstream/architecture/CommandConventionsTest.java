package io.cardstream.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.cardstream.core.cli.CliCommand;
import io.cardstream.core.cli.Version;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every {@code bin/cardstream} command, found among the main classes, follows the conventions users rely on. */
class CommandConventionsTest {

    @Test
    void everyCommandPrintsTheProjectVersion() throws Exception {
        List<JavaClass> commands = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.cardstream").stream()
                        .filter(c -> c.isAssignableTo(CliCommand.class)
                                && !c.getModifiers().contains(com.tngtech.archunit.core.domain.JavaModifier.ABSTRACT))
                        .toList();
        assertThat(commands).hasSizeGreaterThanOrEqualTo(9);
        assertThat(Version.project()).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
        for (JavaClass c : commands) {
            Class<?> type = Class.forName(c.getName());
            CommandLine cli = commandLine(type);
            StringWriter out = new StringWriter();
            cli.setOut(new PrintWriter(out, true));
            assertThat(cli.execute("--version")).as(type.getSimpleName()).isZero();
            assertThat(out.toString()).as(type.getSimpleName()).startsWith("cardstream " + Version.project() + "\n");
        }
    }

    /** The command's own {@code commandLine()} when it builds its options there, else a plain one. */
    private static CommandLine commandLine(Class<?> type) throws Exception {
        for (Method m : type.getDeclaredMethods()) {
            if (m.getName().equals("commandLine")
                    && m.getParameterCount() == 0
                    && Modifier.isStatic(m.getModifiers())
                    && m.getReturnType() == CommandLine.class) {
                m.setAccessible(true);
                return (CommandLine) m.invoke(null);
            }
        }
        var constructor = type.getDeclaredConstructor();
        constructor.setAccessible(true);
        return new CommandLine(constructor.newInstance());
    }
}

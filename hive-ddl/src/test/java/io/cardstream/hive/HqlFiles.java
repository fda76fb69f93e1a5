package io.cardstream.hive;

import io.cardstream.hive.server.HqlRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The shipped .hql files, read as Beeline reads them (comment lines dropped, statements split on ';') by the same
 * reader the Hive image's JDBC runner uses.
 */
final class HqlFiles {

    static final Path DIR = Path.of("src", "main", "hql");

    private HqlFiles() {}

    static List<String> statements(Path file) throws IOException {
        return HqlRunner.statements(file);
    }
}

package io.cardstream.job;

import java.io.IOException;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code stop-file} setting: a file on any Hadoop file system whose appearance stops the job gracefully. On YARN
 * in cluster deploy mode the driver runs in the ApplicationMaster's container, which {@code yarn application -kill}
 * ends after 250 ms ({@code yarn.nodemanager.sleep-delay-before-sigkill.ms}) and reports as KILLED; a stop file lets
 * the running batch finish and commit, and the application end SUCCEEDED.
 */
final class StopFile {

    private static final Logger LOG = LoggerFactory.getLogger(StopFile.class);

    /** How often the driver looks for the file. */
    static final long POLL_MS = 2_000;

    private final Path path;
    private final Configuration hadoop;
    private boolean warned;

    private StopFile(Path path, Configuration hadoop) {
        this.path = path;
        this.hadoop = hadoop;
    }

    /**
     * The stop file {@code setting} names, if any, on the file system of the driver's Hadoop configuration; refuses
     * one that exists already, which would stop the job as soon as it started.
     *
     * @throws IllegalArgumentException naming the setting, when the file exists or its file system cannot be reached
     */
    static Optional<StopFile> of(String setting, Configuration hadoop) {
        if (setting.isBlank()) {
            return Optional.empty();
        }
        StopFile file = new StopFile(new Path(setting.trim()), hadoop);
        boolean exists;
        try {
            exists = file.fileSystem().exists(file.path);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Invalid setting stop-file: " + setting + " cannot be looked up (" + e.getMessage() + ").", e);
        }
        if (exists) {
            throw new IllegalArgumentException("Invalid setting stop-file: " + setting + " exists already, and its"
                    + " appearance is the signal to stop; delete it to start the job.");
        }
        return Optional.of(file);
    }

    /** Whether the file has appeared; false, with one warning, while its file system does not answer. */
    boolean present() {
        try {
            return fileSystem().exists(path);
        } catch (IOException e) {
            if (!warned) {
                LOG.warn("The stop file {} cannot be looked up ({}); the job keeps running and tries again.", path, e);
                warned = true;
            }
            return false;
        }
    }

    /** Deletes the file, so that the next start is not refused; a failure is logged, not thrown. */
    void delete() {
        try {
            fileSystem().delete(path, false);
        } catch (IOException e) {
            LOG.warn("The stop file {} could not be deleted ({}); delete it before the next start.", path, e);
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }

    private FileSystem fileSystem() throws IOException {
        return path.getFileSystem(hadoop);
    }
}

package io.cardstream.hive.server;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Starts Hive 3.1.3 on JDK 17 in the compose stack's hive image: {@code hiveserver2} (HiveServer2 with its metastore
 * in the same JVM), {@code beeline} (Hive's JDBC shell) or {@code sql} ({@link HqlRunner}: statements or .hql files
 * through JDBC, for scripts and the healthcheck). Hive runs in a
 * {@link URLClassLoader} over this JVM's class path, the configuration directory first and this jar (with the JDK 17
 * serializer) before hive-exec: Hive 3 casts its class loader to URLClassLoader, which JDK 9+ application loaders are
 * not.
 */
public final class HiveLauncher {

    private static final Map<String, String> MAINS = Map.of(
            "hiveserver2",
            "org.apache.hive.service.server.HiveServer2",
            "beeline",
            "org.apache.hive.beeline.BeeLine",
            "sql",
            HqlRunner.class.getName());

    private HiveLauncher() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !MAINS.containsKey(args[0])) {
            System.err.println("Usage: HiveLauncher (hiveserver2 | beeline | sql) [options];"
                    + " the configuration directory is -Dcardstream.hive.conf (default /opt/hive/conf).");
            System.exit(2);
        }
        URLClassLoader loader = isolatedLoader(Path.of(System.getProperty("cardstream.hive.conf", "/opt/hive/conf")));
        Thread.currentThread().setContextClassLoader(loader);
        try {
            Class.forName(MAINS.get(args[0]), true, loader)
                    .getMethod("main", String[].class)
                    .invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** The configuration directory, this jar, then every other entry of java.class.path; parent: the platform. */
    static URLClassLoader isolatedLoader(Path confDir) throws MalformedURLException {
        List<URL> urls = new ArrayList<>();
        urls.add(confDir.toUri().toURL());
        URL self = HiveLauncher.class.getProtectionDomain().getCodeSource().getLocation();
        urls.add(self);
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                URL url = new File(entry).toURI().toURL();
                if (!url.equals(self)) {
                    urls.add(url);
                }
            }
        }
        return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }
}

package io.cardstream.hive;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a class in its own {@link URLClassLoader} over the test classpath. Hive 3.1 casts its class loader to
 * URLClassLoader, which JDK 9+ application loaders are not; Hive 4 fixed it, but only 3.1.3 has an HBase handler
 * on Central. The loader is never closed: Hadoop's and HBase's shutdown hooks load classes from it at JVM exit.
 */
final class IsolatedHive {

    private IsolatedHive() {}

    /** Calls {@code className.run(args...)} (static, String parameters) inside a fresh URLClassLoader. */
    @SuppressWarnings("unchecked")
    static Map<String, List<String>> run(String className, String... args) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<URL> urls = new ArrayList<>();
        for (String entry : classpath.split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                urls.add(toUrl(entry));
            }
        }
        URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            Class<?>[] types = new Class<?>[args.length];
            java.util.Arrays.fill(types, String.class);
            Object result = Class.forName(className, true, loader)
                    .getMethod("run", types)
                    .invoke(null, (Object[]) args);
            return (Map<String, List<String>>) result;
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static URL toUrl(String entry) {
        try {
            return new File(entry).toURI().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("A classpath entry is not a path: " + entry, e);
        }
    }
}

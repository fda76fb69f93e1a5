package io.cardstream.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The broker's TLS material for its SASL_SSL listener, in {@code <kafka dir>/tls}: a self-signed certificate for
 * 127.0.0.1 and localhost in a PKCS12 keystore, the same certificate in a truststore for clients, and their one
 * random password in a file only the owner may read. Made once with the JDK's keytool, which reads the password
 * from that file, so it never appears on a command line; kept across restarts.
 */
final class Tls {

    private final Path dir;

    private Tls(Path dir) {
        this.dir = dir;
    }

    /** The material's paths under {@code kafkaDir}, made or not. */
    static Tls of(Path kafkaDir) {
        return new Tls(kafkaDir.resolve("tls"));
    }

    /** The material under {@code kafkaDir}, made now unless it exists. */
    static Tls ensure(Path kafkaDir) {
        Tls tls = of(kafkaDir);
        if (Files.isRegularFile(tls.keystore())
                && Files.isRegularFile(tls.truststore())
                && Files.isRegularFile(tls.passwordFile())) {
            return tls;
        }
        try {
            tls.make();
        } catch (IOException e) {
            throw new UncheckedIOException("The broker's TLS keystore could not be made in " + tls.dir + ".", e);
        }
        return tls;
    }

    Path keystore() {
        return dir.resolve("broker.keystore.p12");
    }

    Path truststore() {
        return dir.resolve("client.truststore.p12");
    }

    Path passwordFile() {
        return dir.resolve("password");
    }

    /** The keystore's and truststore's password. */
    String password() {
        try {
            return Files.readString(passwordFile(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("The TLS password file " + passwordFile() + " could not be read.", e);
        }
    }

    private void make() throws IOException {
        Files.createDirectories(dir);
        for (Path p : List.of(keystore(), truststore(), passwordFile(), dir.resolve("broker.crt"))) {
            Files.deleteIfExists(p);
        }
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        Files.createFile(
                passwordFile(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(
                passwordFile(), Base64.getUrlEncoder().withoutPadding().encodeToString(random), StandardCharsets.UTF_8);
        String pw = passwordFile().toString();
        Path certificate = dir.resolve("broker.crt");
        keytool(
                "-genkeypair",
                keystore(),
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-validity",
                "3650",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=IP:127.0.0.1,DNS:localhost",
                "-keypass:file",
                pw);
        keytool("-exportcert", keystore(), "-rfc", "-file", certificate.toString());
        keytool("-importcert", truststore(), "-noprompt", "-file", certificate.toString());
    }

    /**
     * Runs keytool's {@code command} on the entry "broker" of the PKCS12 store {@code store}, whose password is in the
     * password file, with {@code args}.
     */
    private void keytool(String command, Path store, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of(
                command,
                "-alias",
                "broker",
                "-keystore",
                store.toString(),
                "-storetype",
                "PKCS12",
                "-storepass:file",
                passwordFile().toString()));
        all.addAll(List.of(args));
        run(all);
    }

    private static void run(List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("keytool " + args.get(0) + " failed: " + output.trim());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while keytool " + args.get(0) + " ran.", e);
        }
    }
}

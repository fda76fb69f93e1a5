package io.cardstream.dashboard;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who may read the dashboard (cardholder names and amounts). Every request must name, in its Host header, a host the
 * dashboard is reached by: a loopback name, the address it is bound to (every address of the machine when bound to
 * all), or a name it was given ({@code --allow-host}, such as a compose service name), so that a page of another
 * site whose name was rebound to this machine cannot read it from a browser. With a token, every request but
 * {@code /api/health} must carry it, as {@code Authorization: Bearer TOKEN} or as the password of HTTP basic auth (any
 * user); a dashboard bound to an address other machines can reach refuses to start without one.
 *
 * @param hosts the accepted Host names, lower case, without port
 * @param token the access token, or null
 */
public record Access(Set<String> hosts, String token) {

    /** The environment variable a token can be given in, which keeps it off the command line. */
    public static final String TOKEN_ENV = "CARDSTREAM_DASHBOARD_TOKEN";

    public Access {
        hosts = Collections.unmodifiableSet(new TreeSet<>(hosts));
    }

    /**
     * The access of a dashboard bound to {@code bind}, reached also by {@code allowedHosts}, with {@code token} (null
     * for none); throws, naming the setting, when {@code bind} is not a loopback address and there is no token.
     */
    public static Access of(String bind, Collection<String> allowedHosts, String token) {
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(
                    "Invalid setting --bind: " + bind + " is not an address of this machine.");
        }
        String t = token == null || token.isBlank() ? null : token.strip();
        if (!address.isLoopbackAddress() && t == null) {
            throw new IllegalArgumentException("Invalid setting --bind: the dashboard shows cardholder names and"
                    + " amounts, and " + bind + " can be reached from other machines; give it an access token"
                    + " (--token-file FILE, or the environment variable " + TOKEN_ENV + "), or bind to 127.0.0.1.");
        }
        Set<String> hosts = new TreeSet<>(Set.of("localhost", "127.0.0.1", "[::1]"));
        hosts.add(host(address.getHostAddress()));
        if (address.isAnyLocalAddress()) {
            try {
                for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                        hosts.add(host(a.getHostAddress()));
                    }
                }
            } catch (SocketException e) {
                // the loopback names and the given ones still serve
            }
        }
        for (String h : allowedHosts) {
            hosts.add(h.strip().toLowerCase(Locale.ROOT));
        }
        return new Access(hosts, t);
    }

    /** Whether a request's Host header (name or address, with or without port) is one of {@link #hosts}. */
    boolean hostAllowed(String hostHeader) {
        if (hostHeader == null) {
            return false;
        }
        String h = hostHeader.strip().toLowerCase(Locale.ROOT);
        int colon = h.lastIndexOf(':');
        if (colon > 0 && (h.startsWith("[") ? h.lastIndexOf(']') < colon : h.indexOf(':') == colon)) {
            h = h.substring(0, colon);
        }
        return hosts.contains(h);
    }

    /** Whether a request with this Authorization header may read; always without a token. */
    boolean authorized(String authorization) {
        if (token == null) {
            return true;
        }
        if (authorization == null) {
            return false;
        }
        String given = null;
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            given = authorization.substring(7).strip();
        } else if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String pair = new String(
                        Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
                given = pair.substring(pair.indexOf(':') + 1);
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return given != null
                && MessageDigest.isEqual(
                        given.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
    }

    /** Never the token. */
    @Override
    public String toString() {
        return "Access[hosts=" + hosts + ", token=" + (token == null ? "none" : "********") + "]";
    }

    private static String host(String address) {
        String a = address.toLowerCase(Locale.ROOT);
        int scope = a.indexOf('%');
        if (scope >= 0) {
            a = a.substring(0, scope);
        }
        return a.contains(":") ? "[" + a + "]" : a;
    }
}

package com.marketplace.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The value rules of every component's configuration, for the records' compact constructors. Each
 * check throws {@link ConfigException} naming the variable, the rule and the value.
 */
public final class ConfigRules {

    public static final int MAX_PORT = 65_535;

    /** A host name or IPv4 address (letters, digits, '.', '-', '_') or a bracketed IPv6 address, a colon, a port. */
    private static final Pattern HOST_PORT = Pattern.compile("(?:[A-Za-z0-9._\\-]+|\\[[0-9A-Fa-f:.]+\\]):(\\d{1,5})");

    /**
     * A host name, an IPv4 address or an IPv6 address (unbracketed: at least two colons, so that a
     * {@code host:port} is refused), as a server binds to.
     */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._\\-]{1,253}|[0-9A-Fa-f.]*:[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*");

    /** The levels Logback's {@code Level.toLevel} knows; it reads any other word as DEBUG, and says nothing. */
    private static final List<String> LOG_LEVELS = List.of("OFF", "ERROR", "WARN", "INFO", "DEBUG", "TRACE", "ALL");

    private ConfigRules() {
    }

    /**
     * {@code LOG_LEVEL}, which Logback reads itself ({@code logback.xml}) when unset or blank taking the
     * default: one of Logback's levels in any case. Checked here because Logback would take a misspelt
     * level for DEBUG, whose lines may hold what the info lines keep out of the log.
     */
    public static void requireLogLevel(String name, Optional<String> level) {
        if (level.isPresent() && !LOG_LEVELS.contains(level.get().toUpperCase(Locale.ROOT))) {
            throw ConfigException.rejected(name, level.get(), "must be one of " + String.join(", ", LOG_LEVELS)
                    + " (any case)");
        }
    }

    /** An integer from {@code min} to {@code max}, both included. */
    public static int requireRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw ConfigException.rejected(name, value, "must be an integer from " + min + " to " + max);
        }
        return value;
    }

    /** A TCP port from 1 to 65535. */
    public static int requirePort(String name, int port) {
        if (port < 1 || port > MAX_PORT) {
            throw ConfigException.rejected(name, port, "must be a port from 1 to " + MAX_PORT);
        }
        return port;
    }

    /** A TCP port from 1 to 65535, or 0 for any free port: only where 0 is documented so. */
    public static int requirePortOrAny(String name, int port) {
        if (port < 0 || port > MAX_PORT) {
            throw ConfigException.rejected(name, port, "must be a port from 0 to " + MAX_PORT + " (0: any free port)");
        }
        return port;
    }

    /** A duration longer than zero. */
    public static Duration requirePositive(String name, Duration value) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw ConfigException.rejected(name, value, "must be a positive ISO-8601 duration");
        }
        return value;
    }

    /** A duration from {@code min} to {@code max}, both included. */
    public static Duration requireBetween(String name, Duration value, Duration min, Duration max) {
        if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw ConfigException.rejected(name, value, "must be an ISO-8601 duration from " + min + " to " + max);
        }
        return value;
    }

    /** Not null, not blank. */
    public static String requireText(String name, String value) {
        if (value == null || value.isBlank()) {
            throw ConfigException.withoutValue(name, "must not be empty");
        }
        return value;
    }

    /** One of {@code allowed}, exactly. */
    public static String requireOneOf(String name, String value, Collection<String> allowed) {
        if (!allowed.contains(value)) {
            throw ConfigException.rejected(name, value, "must be one of " + String.join(", ", allowed));
        }
        return value;
    }

    /** The whole value matches {@code pattern}; {@code rule} says in words what it allows. */
    public static String requireMatches(String name, String value, Pattern pattern, String rule) {
        requireText(name, value);
        if (!pattern.matcher(value).matches()) {
            throw ConfigException.rejected(name, value, rule);
        }
        return value;
    }

    /** {@code host:port} with a port from 1 to 65535. */
    public static String requireHostPort(String name, String value) {
        requireText(name, value);
        if (!isHostPort(value)) {
            throw ConfigException.rejected(name, value, "must be host:port with a port from 1 to " + MAX_PORT);
        }
        return value;
    }

    /**
     * {@code host:port} that other machines are to connect to: a host an {@code http} URI can name (a
     * name of letters, digits, '-' and '.', no '_', no label that begins or ends with '-'; or an IP
     * address), and not an address that only a server binds to ({@code 0.0.0.0}, {@code ::}).
     */
    public static String requireConnectableHostPort(String name, String value) {
        requireHostPort(name, value);
        if (!isConnectable(value)) {
            throw ConfigException.rejected(name, value, "must be host:port that other machines can connect to "
                    + "(a host name without '_', or an IP address other than 0.0.0.0 and ::)");
        }
        return value;
    }

    /** A host name or IP address to listen on ({@code 127.0.0.1}, {@code ::1}, {@code 0.0.0.0}, {@code gateway-1}). */
    public static String requireHost(String name, String value) {
        requireText(name, value);
        if (!HOST.matcher(value).matches()) {
            throw ConfigException.rejected(name, value, "must be a host name or an IP address");
        }
        return value;
    }

    /**
     * {@link #requireHost} that names this machine: a wildcard, a loopback address, or an address of
     * one of its interfaces, by name or number. A server told to listen anywhere else fails when it
     * binds, with a message about its port (Javalin's), not about this variable.
     */
    public static String requireAddressOfThisMachine(String name, String value) {
        requireHost(name, value);
        try {
            InetAddress address = InetAddress.getByName(value);
            if (address.isAnyLocalAddress() || address.isLoopbackAddress()
                    || NetworkInterface.getByInetAddress(address) != null) {
                return value;
            }
        } catch (IOException unknown) {
            // a name that does not resolve: refused below
        }
        throw ConfigException.rejected(name, value, "must be an address of this machine");
    }

    /** A comma-separated list of {@code host:port}, spaces around the commas allowed, no empty entry. */
    public static String requireHostPorts(String name, String value) {
        requireText(name, value);
        for (String server : value.split(",", -1)) {
            if (!isHostPort(server.trim())) {
                throw ConfigException.rejected(name, value,
                        "must be a comma-separated list of host:port with ports from 1 to " + MAX_PORT);
            }
        }
        return value;
    }

    /** A secret whose whole value matches {@code pattern}; the message names the rule but never repeats the value. */
    public static String requireSecret(String name, String value, Pattern pattern, String rule) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw ConfigException.withoutValue(name, rule);
        }
        return value;
    }

    private static boolean isConnectable(String hostPort) {
        String host;
        try {
            host = new URI("http://" + hostPort).getHost();
        } catch (URISyntaxException e) {
            return false;
        }
        if (host == null) {
            return false;
        }
        return !isAddressLiteral(host)
                || addressLiteral(host).filter(address -> !address.isAnyLocalAddress()).isPresent();
    }

    /**
     * Whether {@code host} is an address of every interface written literally ({@code 0.0.0.0},
     * {@code ::}, {@code [::]}, {@code 0:0:0:0:0:0:0:0}): a server binds to it, no client can connect
     * to it. Never a name lookup.
     */
    public static boolean isWildcardAddress(String host) {
        return addressLiteral(host).filter(InetAddress::isAnyLocalAddress).isPresent();
    }

    /** An IPv4 address or an IPv6 one (in brackets or not), as opposed to a host name. */
    private static boolean isAddressLiteral(String host) {
        return host.contains(":") || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }

    /** The address {@code host} writes literally, parsed without a lookup; empty for a name or a malformed address. */
    private static Optional<InetAddress> addressLiteral(String host) {
        if (!isAddressLiteral(host)) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(host.replace("[", "").replace("]", "")));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static boolean isHostPort(String value) {
        Matcher matcher = HOST_PORT.matcher(value);
        if (!matcher.matches()) {
            return false;
        }
        int port = Integer.parseInt(matcher.group(1));
        return port >= 1 && port <= MAX_PORT;
    }
}

package org.aioemu.blockdev.nbd;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where an NBD export is, as the NBD project's URI standard writes it: {@code nbd://HOST[:PORT][/EXPORT]} over TCP
 * (port 10809 by default) or {@code nbd+unix:///EXPORT?socket=PATH} over a Unix socket. The export name is the path
 * without its leading '/', percent-decoded ({@code nbd://h/} and {@code nbd://h} both name the default export "",
 * {@code nbd://h//disk} names "/disk"). The TLS schemes {@code nbds} and {@code nbds+unix} are recognised and refused:
 * this client does not speak TLS. Unknown query parameters are refused, {@code x-} ones ignored, as the standard asks.
 *
 * @param text       the URI as given
 * @param host       the TCP host (brackets of an IPv6 literal removed), or null for a Unix socket
 * @param port       the TCP port, or -1 for a Unix socket
 * @param socket     the Unix socket, or null for TCP
 * @param exportName the export asked for ("" is the server's default export)
 */
public record NbdUri(String text, String host, int port, Path socket, String exportName) {
    /** NBD's IANA port. */
    public static final int DEFAULT_PORT = 10809;

    /** Any thread: whether {@code text} starts with one of the NBD URI schemes, so it names an export rather than a file. */
    public static boolean looksLikeNbdUri(String text) {
        if (text == null) {
            return false;
        }
        String t = text.strip().toLowerCase(Locale.ROOT);
        return t.startsWith("nbd://") || t.startsWith("nbd+unix://") || t.startsWith("nbds://") || t.startsWith("nbds+unix://");
    }

    /**
     * Any thread: parses an NBD URI.
     *
     * @throws IllegalArgumentException naming the URI and what is wrong with it
     */
    public static NbdUri parse(String text) {
        String t = text == null ? "" : text.strip();
        URI u;
        try {
            u = new URI(t);
        } catch (URISyntaxException e) {
            throw bad(t, e.getReason() + (e.getIndex() >= 0 ? " at index " + e.getIndex() : ""));
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        boolean unix = switch (scheme) {
            case "nbd" -> false;
            case "nbd+unix" -> true;
            case "nbds", "nbds+unix" -> throw bad(t, scheme + ":// asks for TLS, which aioemu's NBD client does not speak;"
                    + " use nbd:// or nbd+unix://");
            default -> throw bad(t, "the scheme must be nbd:// or nbd+unix://");
        };
        if (u.isOpaque()) {
            throw bad(t, "write " + scheme + "://, with two slashes");
        }
        String path = u.getPath() == null ? "" : u.getPath();
        String exportName = path.startsWith("/") ? path.substring(1) : path;
        Path socket = null;
        for (String param : u.getRawQuery() == null || u.getRawQuery().isEmpty() ? new String[0] : u.getRawQuery().split("&")) {
            int eq = param.indexOf('=');
            String key = decode(t, eq < 0 ? param : param.substring(0, eq));
            String value = eq < 0 ? "" : decode(t, param.substring(eq + 1));
            if (key.equals("socket") && unix) {
                if (value.isEmpty() || value.charAt(0) == '\0') {
                    throw bad(t, value.isEmpty() ? "socket= is empty" : "abstract Unix sockets are not supported");
                }
                socket = Path.of(value);
            } else if (key.startsWith("tls-")) {
                throw bad(t, key + "= configures TLS, which aioemu's NBD client does not speak");
            } else if (!key.startsWith("x-")) {
                throw bad(t, "unknown query parameter '" + key + "'" + (key.equals("socket") ? " (socket= is for nbd+unix://)" : ""));
            }
        }
        if (unix) {
            if (u.getRawAuthority() != null) {
                throw bad(t, "nbd+unix:// takes no host: write nbd+unix:///EXPORT?socket=PATH, with three slashes");
            }
            if (socket == null) {
                throw bad(t, "nbd+unix:// needs ?socket=PATH");
            }
            return new NbdUri(t, null, -1, socket, exportName);
        }
        String host = u.getHost();
        if (host == null || host.isEmpty()) {
            throw bad(t, u.getRawAuthority() == null ? "no host: write nbd://HOST[:PORT][/EXPORT]" : "'" + u.getRawAuthority()
                    + "' is not a host[:port]");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = u.getPort() < 0 ? DEFAULT_PORT : u.getPort();
        if (port == 0 || port > 65535) {
            throw bad(t, "port " + port + " is not a TCP port (1 to 65535)");
        }
        return new NbdUri(t, host, port, null, exportName);
    }

    public boolean isUnix() {
        return socket != null;
    }

    /** Where the socket goes, for messages: {@code 127.0.0.1:10809} or the socket's path. */
    public String address() {
        return isUnix() ? socket.toString() : (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return text;
    }

    /** Percent-decoding as RFC 3986 has it ('+' stays a plus), into UTF-8. */
    private static String decode(String uri, String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '%') {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
            int lo = i + 2 < s.length() ? Character.digit(s.charAt(i + 2), 16) : -1;
            if (hi < 0 || lo < 0) {
                throw bad(uri, "'" + s.substring(i, Math.min(s.length(), i + 3)) + "' is not a percent escape");
            }
            out.write(hi << 4 | lo);
            i += 2;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static IllegalArgumentException bad(String uri, String why) {
        return new IllegalArgumentException("bad NBD URI '" + uri + "': " + why);
    }
}

package org.aioemu.blockdev.nbd;

import java.io.IOException;

/**
 * An NBD client could not reach or open an export: the connection was refused, the server is not an NBD server or
 * spoke out of turn, or it has no such export. The message names the URI and what went wrong.
 */
public final class NbdException extends IOException {
    private final String uri;

    NbdException(NbdUri uri, String message, Throwable cause) {
        super(uri + ": " + message, cause);
        this.uri = uri.text();
    }

    /** The URI the client was connecting to. */
    public String uri() {
        return uri;
    }
}

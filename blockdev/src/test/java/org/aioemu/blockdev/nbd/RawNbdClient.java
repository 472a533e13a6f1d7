package org.aioemu.blockdev.nbd;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A hand-driven NBD client for the protocol tests: every frame built byte by byte, so malformed ones too. */
final class RawNbdClient implements AutoCloseable {
    final Socket socket;
    final DataInputStream in;
    final DataOutputStream out;

    RawNbdClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = new DataOutputStream(socket.getOutputStream());
    }

    /** Reads the server's greeting and sends the client flags (fixed newstyle, no zeroes). Returns the server's flags. */
    int greet() throws IOException {
        if (in.readLong() != Nbd.NBDMAGIC || in.readLong() != Nbd.IHAVEOPT) {
            throw new IOException("not an NBD newstyle greeting");
        }
        int flags = in.readUnsignedShort();
        out.writeInt(Nbd.CLIENT_FLAG_FIXED_NEWSTYLE | Nbd.CLIENT_FLAG_NO_ZEROES);
        out.flush();
        return flags;
    }

    void option(int option, byte[] data) throws IOException {
        out.writeLong(Nbd.IHAVEOPT);
        out.writeInt(option);
        out.writeInt(data.length);
        out.write(data);
        out.flush();
    }

    /** One option reply: {type, data}. */
    record Reply(int option, int type, byte[] data) {
    }

    Reply reply() throws IOException {
        if (in.readLong() != Nbd.OPTION_REPLY_MAGIC) {
            throw new IOException("bad option reply magic");
        }
        int option = in.readInt();
        int type = in.readInt();
        byte[] data = new byte[in.readInt()];
        in.readFully(data);
        return new Reply(option, type, data);
    }

    static byte[] goData(String name, int... infos) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 + n.length + 2 + 2 * infos.length);
        b.putInt(n.length).put(n).putShort((short) infos.length);
        for (int i : infos) {
            b.putShort((short) i);
        }
        return b.array();
    }

    /** NBD_OPT_GO on the default export; reads the replies up to the ACK and returns the export's size. */
    long go() throws IOException {
        option(Nbd.OPT_GO, goData(""));
        long size = -1;
        while (true) {
            Reply r = reply();
            if (r.type() == Nbd.REP_ACK) {
                return size;
            }
            if (r.type() != Nbd.REP_INFO) {
                throw new IOException("GO failed: reply type " + Integer.toHexString(r.type()));
            }
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(r.data());
            if (b.getShort() == Nbd.INFO_EXPORT) {
                size = b.getLong();
            }
        }
    }

    void request(int type, int flags, long cookie, long offset, int length, byte[] payload) throws IOException {
        out.writeInt(Nbd.REQUEST_MAGIC);
        out.writeShort(flags);
        out.writeShort(type);
        out.writeLong(cookie);
        out.writeLong(offset);
        out.writeInt(length);
        if (payload != null) {
            out.write(payload);
        }
        out.flush();
    }

    /** A simple reply's {error, cookie}; the data of a successful read is read by the caller. */
    long[] simpleReply() throws IOException {
        int magic = in.readInt();
        if (magic != Nbd.SIMPLE_REPLY_MAGIC) {
            throw new IOException("bad reply magic " + Integer.toHexString(magic));
        }
        int error = in.readInt();
        long cookie = in.readLong();
        return new long[] {error, cookie};
    }

    /** Whether the server has closed the connection (reads EOF within the timeout). */
    boolean closedByServer() throws IOException {
        try {
            while (in.read() >= 0) {
                // drain whatever was in flight
            }
            return true;
        } catch (EOFException e) {
            return true;
        } catch (java.net.SocketException e) {
            return true; // reset
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

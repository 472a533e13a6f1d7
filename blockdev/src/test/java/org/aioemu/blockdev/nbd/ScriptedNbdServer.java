package org.aioemu.blockdev.nbd;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A one-connection NBD server for the client's tests, on 127.0.0.1, written frame by frame on a thread of its own so
 * that it can misbehave on purpose: answer NBD_OPT_GO with NBD_REP_ERR_UNSUP (an old server), speak oldstyle or
 * garbage, take requests and never reply, reply with an error, then drop the connection when the test says.
 */
final class ScriptedNbdServer implements AutoCloseable {
    enum Greeting { FIXED_NEWSTYLE, GO_UNSUPPORTED, OLDSTYLE, GARBAGE }

    /** One request as the server read it. */
    record Request(int flags, int type, long cookie, long offset, int length) {
    }

    final ServerSocket listener;
    final long size;
    final int flags;
    final LinkedBlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final Greeting greeting;
    private final Thread thread;
    private final CompletableFuture<Socket> accepted = new CompletableFuture<>();
    private final CompletableFuture<DataOutputStream> transmission = new CompletableFuture<>();
    volatile String exportNameAsked;

    ScriptedNbdServer(Greeting greeting, long size, int flags) throws IOException {
        this.greeting = greeting;
        this.size = size;
        this.flags = flags;
        this.listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        this.thread = Thread.ofPlatform().daemon().name("scripted-nbd").start(this::serve);
    }

    String uri(String export) {
        return "nbd://127.0.0.1:" + listener.getLocalPort() + "/" + export;
    }

    private void serve() {
        try (Socket s = listener.accept()) {
            accepted.complete(s);
            DataInputStream in = new DataInputStream(s.getInputStream());
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            switch (greeting) {
                case GARBAGE -> {
                    out.write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    in.read(); // until the client hangs up
                    return;
                }
                case OLDSTYLE -> {
                    out.writeLong(Nbd.NBDMAGIC);
                    out.writeLong(Nbd.OLDSTYLE_MAGIC);
                    out.writeLong(size);
                    out.writeInt(flags);
                    out.write(new byte[124]);
                    out.flush();
                    in.read();
                    return;
                }
                default -> {
                }
            }
            out.writeLong(Nbd.NBDMAGIC);
            out.writeLong(Nbd.IHAVEOPT);
            out.writeShort(Nbd.FLAG_FIXED_NEWSTYLE | Nbd.FLAG_NO_ZEROES);
            out.flush();
            in.readInt(); // client flags
            while (true) {
                if (in.readLong() != Nbd.IHAVEOPT) {
                    return;
                }
                int option = in.readInt();
                byte[] data = new byte[in.readInt()];
                in.readFully(data);
                if (option == Nbd.OPT_EXPORT_NAME) {
                    exportNameAsked = new String(data, StandardCharsets.UTF_8);
                    out.writeLong(size);
                    out.writeShort(flags);
                    out.flush();
                    break;
                }
                if (option == Nbd.OPT_GO && greeting == Greeting.FIXED_NEWSTYLE) {
                    int n = java.nio.ByteBuffer.wrap(data).getInt();
                    exportNameAsked = new String(data, 4, n, StandardCharsets.UTF_8);
                    optionReply(out, option, Nbd.REP_INFO, java.nio.ByteBuffer.allocate(12).putShort((short) Nbd.INFO_EXPORT)
                            .putLong(size).putShort((short) flags).array());
                    optionReply(out, option, Nbd.REP_ACK, new byte[0]);
                    break;
                }
                optionReply(out, option, Nbd.REP_ERR_UNSUP, new byte[0]);
            }
            transmission.complete(out);
            while (true) {
                if (in.readInt() != Nbd.REQUEST_MAGIC) {
                    return;
                }
                int f = in.readUnsignedShort();
                int type = in.readUnsignedShort();
                Request r = new Request(f, type, in.readLong(), in.readLong(), in.readInt());
                if (type == Nbd.CMD_WRITE) {
                    in.skipNBytes(r.length());
                }
                requests.add(r);
                if (type == Nbd.CMD_DISC) {
                    return;
                }
            }
        } catch (IOException e) {
            // the test closed the socket, or the client went away
        }
    }

    private static void optionReply(DataOutputStream out, int option, int type, byte[] data) throws IOException {
        out.writeLong(Nbd.OPTION_REPLY_MAGIC);
        out.writeInt(option);
        out.writeInt(type);
        out.writeInt(data.length);
        out.write(data);
        out.flush();
    }

    /** The next request the client sent, waiting up to 10 s. */
    Request nextRequest() throws InterruptedException {
        Request r = requests.poll(10, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("no request came");
        }
        return r;
    }

    /** Sends a simple reply (with {@code data} after it when given). */
    void reply(long cookie, int error, byte[] data) throws Exception {
        DataOutputStream out = transmission.get(10, TimeUnit.SECONDS);
        synchronized (out) {
            out.writeInt(Nbd.SIMPLE_REPLY_MAGIC);
            out.writeInt(error);
            out.writeLong(cookie);
            if (data != null) {
                out.write(data);
            }
            out.flush();
        }
    }

    /** Sends raw bytes in transmission (garbage on purpose). */
    void sendRaw(byte[] bytes) throws Exception {
        DataOutputStream out = transmission.get(10, TimeUnit.SECONDS);
        out.write(bytes);
        out.flush();
    }

    /** Drops the connection (and stops listening). */
    void disconnect() throws Exception {
        accepted.get(10, TimeUnit.SECONDS).close();
    }

    @Override
    public void close() throws Exception {
        listener.close();
        if (accepted.isDone()) {
            accepted.get().close();
        }
        thread.join(10_000);
    }
}

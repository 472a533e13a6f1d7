package org.aioemu.blockdev.nbd;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * NBD_OPT_LIST_META_CONTEXT and NBD_OPT_SET_META_CONTEXT. The one context served is {@code base:allocation} (holes
 * and zeroes, from the image's block status), with id {@link #BASE_ALLOCATION_ID}; a query for it, for the
 * {@code base:} namespace (list only), or an empty query list (list only) names it. Stateless parsing; the
 * connection keeps which contexts are selected.
 */
final class NbdMetaContexts {
    static final String BASE_ALLOCATION = "base:allocation";
    static final int BASE_ALLOCATION_ID = 1;
    /** Queries and names are short; more than this many queries is a client gone wrong. */
    private static final int MAX_QUERIES = 256;

    private NbdMetaContexts() {
    }

    /** A parsed request: the export it names and its queries, or why it is malformed. */
    record Request(String exportName, List<String> queries, String error) {
    }

    static Request parse(ByteBuf data) {
        if (data.readableBytes() < 8) {
            return new Request(null, List.of(), "meta context option data too short");
        }
        long nameLength = data.readUnsignedInt();
        if (nameLength > data.readableBytes() - 4) {
            return new Request(null, List.of(), "export name length " + nameLength + " beyond the option's data");
        }
        String name = data.readCharSequence((int) nameLength, StandardCharsets.UTF_8).toString();
        long count = data.readUnsignedInt();
        if (count > MAX_QUERIES) {
            return new Request(name, List.of(), count + " queries is more than " + MAX_QUERIES);
        }
        List<String> queries = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            if (data.readableBytes() < 4) {
                return new Request(name, List.of(), "query " + i + " is cut short");
            }
            long length = data.readUnsignedInt();
            if (length > data.readableBytes()) {
                return new Request(name, List.of(), "query " + i + " length " + length + " beyond the option's data");
            }
            queries.add(data.readCharSequence((int) length, StandardCharsets.UTF_8).toString());
        }
        if (data.isReadable()) {
            return new Request(name, List.of(), data.readableBytes() + " bytes after the queries");
        }
        return new Request(name, queries, null);
    }

    /** Whether {@code queries} name base:allocation, for a list ({@code listing}) or a set. */
    static boolean namesBaseAllocation(List<String> queries, boolean listing) {
        if (listing && queries.isEmpty()) {
            return true;
        }
        for (String q : queries) {
            if (q.equals(BASE_ALLOCATION) || listing && q.equals("base:")) {
                return true;
            }
        }
        return false;
    }
}

package org.aioemu.bench;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Jackson set up to lay JSON out as qemu-img's {@code --output=json} does: four-space indentation and
 * {@code "key": value}, so that output diffs cleanly against qemu-img's and scripts written for it read ours.
 */
final class QemuJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectWriter WRITER;

    static {
        DefaultIndenter indenter = new DefaultIndenter("    ", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                .withObjectIndenter(indenter).withArrayIndenter(indenter);
        WRITER = MAPPER.writer(printer);
    }

    private QemuJson() {
    }

    /** A new object, its fields kept in the order they are put, as qemu prints its records. */
    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static String write(ObjectNode root) {
        try {
            return WRITER.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // A tree of plain nodes always serializes; anything else is a bug here.
            throw new IllegalStateException(e);
        }
    }
}

package org.aioemu.bench.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.DecimalNode;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Jackson set up to write JSON the way fio lays it out: two-space indentation, {@code "key" : value},
 * and every floating-point value with six decimals ({@code 100.000000}), which some scripts that read
 * fio output match on.
 */
final class FioJson {
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectWriter WRITER;

    static {
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter().withObjectIndenter(indenter).withArrayIndenter(indenter);
        WRITER = MAPPER.writer(printer).with(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
    }

    private FioJson() {
    }

    /** A double as fio prints it ("%f"): a decimal with exactly six places. */
    static JsonNode decimal(double v) {
        double finite = Double.isFinite(v) ? v : 0;
        return DecimalNode.valueOf(BigDecimal.valueOf(finite).setScale(6, RoundingMode.HALF_EVEN));
    }

    static String write(JsonNode root) {
        try {
            return WRITER.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // A tree of plain nodes always serializes; anything else is a bug here.
            throw new IllegalStateException(e);
        }
    }
}

package io.cardstream.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class JsonBytesTest {

    @Test
    void writesTheBytesJacksonWritesForAnyString() throws Exception {
        List<String> values = new java.util.ArrayList<>(List.of(
                "",
                "plain",
                "quote \" and \\ backslash",
                "\b\t\n\f\r\u0000\u001f\u007f",
                "José Núñez",
                "王芳",
                "emoji \uD83D\uDE00 pair",
                "lone \uD800 high",
                "lone \uDC00 low",
                "end high \uD83D"));
        SplittableRandom random = new SplittableRandom(7);
        for (int n = 0; n < 2_000; n++) {
            StringBuilder s = new StringBuilder();
            for (int i = random.nextInt(12); i > 0; i--) {
                s.append((char) random.nextInt(0x10000));
            }
            values.add(s.toString());
        }
        for (String v : values) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
                g.writeStartObject();
                g.writeStringField("a", v);
                g.writeNumberField("n", -1_733_390_000_123L);
                g.writeNullField("z");
                g.writeNumberField("m", Long.MIN_VALUE);
                g.writeEndObject();
            }
            byte[] ours = new JsonBytes(4)
                    .string("a", v)
                    .number("n", -1_733_390_000_123L)
                    .string("z", null)
                    .number("m", Long.MIN_VALUE)
                    .toByteArray();
            assertThat(ours)
                    .as("%s", v.codePoints().mapToObj(Integer::toHexString).toList())
                    .isEqualTo(out.toByteArray());
        }
    }
}

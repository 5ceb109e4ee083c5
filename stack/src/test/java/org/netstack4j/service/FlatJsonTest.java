package org.netstack4j.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FlatJsonTest {

    @Test
    void readsScalarsAndSkipsNestedValues() {
        Map<String, Object> m = FlatJson.parse(" {\"tcp\":true,\"omit\":0,\"time\":2.5,\"reverse\":false,"
                + "\"title\":\"a \\\"b\\\" \\u0041}\",\"x\":{\"y\":[1,\"]\"]},\"n\":null,\"parallel\":-3e0} ");
        assertEquals(Boolean.TRUE, m.get("tcp"));
        assertEquals(0.0, m.get("omit"));
        assertEquals(2.5, m.get("time"));
        assertEquals(Boolean.FALSE, m.get("reverse"));
        assertEquals("a \"b\" A}", m.get("title"));
        assertNull(m.get("x"));
        assertEquals(-3.0, m.get("parallel"));
        assertEquals(8, m.size());
    }

    @Test
    void emptyObject() {
        assertEquals(Map.of(), FlatJson.parse("{}"));
    }

    @Test
    void malformedInputIsRefused() {
        for (String bad : new String[] {"", "[]", "{\"a\"}", "{\"a\":}", "{\"a\":1", "{\"a\":tru}", "{\"a\":\"x",
                "{\"a\":1 \"b\":2}", "{\"a\":\"\\u12\"}"}) {
            assertThrows(IllegalArgumentException.class, () -> FlatJson.parse(bad), bad);
        }
    }

    @Test
    void quotesWhatMustBeEscaped() {
        assertEquals("\"a\\\"b\\\\c\\n\\u0001\"", FlatJson.quote("a\"b\\c\n\u0001"));
    }
}

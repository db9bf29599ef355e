package dev.weft.crawler.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Text from the web made fit for every store: cut on a character boundary, rid of NUL. */
class StoredTextTest {

    @Test
    void textThatFitsIsTheSameString() {
        String s = "a title — fine";
        assertSame(s, StoredText.bounded(s, 100));
        assertNull(StoredText.bounded(null, 10));
    }

    @Test
    void longTextIsCutWithAnEllipsisAtTheLimit() {
        assertEquals("abcd…", StoredText.bounded("abcdefgh", 5));
        assertEquals("abcde", StoredText.bounded("abcde", 5));
    }

    @Test
    void aSurrogatePairIsNeverCutInHalf() {
        String emoji = "\uD83D\uDE00"; // one character, two chars
        assertEquals("ab…", StoredText.bounded("ab" + emoji + "cd", 4), "the pair does not fit whole: left out");
        assertEquals("ab" + emoji + "…", StoredText.bounded("ab" + emoji + "cd", 5));
        assertEquals("a\uFFFDb", StoredText.bounded("a\uD83Db", 10), "a lone surrogate becomes U+FFFD");
    }

    @Test
    void nulBecomesTheReplacementCharacter() {
        assertEquals("a\uFFFDb", StoredText.bounded("a\u0000b", 10));
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("price", "1\u00002");
        fields.put("name", "x");
        assertEquals(Map.of("price", "1\uFFFD2", "name", "x"), StoredText.bounded(fields));
        Map<String, String> fine = Map.of("a", "b");
        assertSame(fine, StoredText.bounded(fine));
    }

    @Test
    void jsonLosesItsEscapedNulButNotAnEscapedBackslash() {
        assertEquals("{\"t\":\"a\\uFFFDb\"}", StoredText.jsonWithoutNul("{\"t\":\"a\\u0000b\"}"));
        String text = "{\"t\":\"a\\\\u0000b\"}"; // the text backslash-u0000, not a NUL
        assertEquals(text, StoredText.jsonWithoutNul(text));
        assertEquals("{\"t\":\"\\\\\\uFFFD\"}", StoredText.jsonWithoutNul("{\"t\":\"\\\\\\u0000\"}"));
    }
}

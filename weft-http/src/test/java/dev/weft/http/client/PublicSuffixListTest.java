package dev.weft.http.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The bundled Public Suffix List and its three kinds of rule. */
class PublicSuffixListTest {

    @Test
    void plainRulesOfBothSectionsAreSuffixesAndTheNamesUnderThemAreNot() {
        assertTrue(PublicSuffixList.isPublicSuffix("com"));
        assertTrue(PublicSuffixList.isPublicSuffix("co.uk"));
        assertTrue(PublicSuffixList.isPublicSuffix("github.io"), "the private section counts too");
        assertFalse(PublicSuffixList.isPublicSuffix("example.com"));
        assertFalse(PublicSuffixList.isPublicSuffix("example.co.uk"));
        assertFalse(PublicSuffixList.isPublicSuffix("alice.github.io"));
    }

    @Test
    void everyNameUnderAWildcardIsASuffixExceptItsExceptions() {
        assertTrue(PublicSuffixList.isPublicSuffix("anything.ck"));
        assertFalse(PublicSuffixList.isPublicSuffix("www.ck"), "!www.ck");
        assertFalse(PublicSuffixList.isPublicSuffix("a.b.ck"), "only one label under the wildcard");
        assertTrue(PublicSuffixList.isPublicSuffix("ward.kobe.jp"));
        assertFalse(PublicSuffixList.isPublicSuffix("city.kobe.jp"), "!city.kobe.jp");
    }

    @Test
    void internationalisedNamesMatchInUnicodeAndInPunycodeInAnyCase() {
        assertTrue(PublicSuffixList.isPublicSuffix("公司.cn"));
        assertTrue(PublicSuffixList.isPublicSuffix("xn--55qx5d.cn"));
        assertTrue(PublicSuffixList.isPublicSuffix("CO.UK"));
        assertFalse(PublicSuffixList.isPublicSuffix("example.公司.cn"));
    }

    @Test
    void invalidAndUnlistedNamesAreNotSuffixes() {
        assertFalse(PublicSuffixList.isPublicSuffix(""));
        assertFalse(PublicSuffixList.isPublicSuffix(".com"));
        assertFalse(PublicSuffixList.isPublicSuffix("co..uk"));
        assertFalse(PublicSuffixList.isPublicSuffix("com."));
        assertFalse(PublicSuffixList.isPublicSuffix("no-such-tld-here"));
    }
}

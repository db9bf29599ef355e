package dev.weft.crawler.frontier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class UrlRulesTest {

    private static UrlRules rules(UrlRules.ScopeKind scope, List<String> allow, List<String> deny) {
        return new UrlRules(scope, List.of("https://shop.example.co.uk/"), allow.stream().map(Pattern::compile).toList(),
                deny.stream().map(Pattern::compile).toList(), 3, 60);
    }

    @Test
    void hostScopeKeepsTheSeedsHostNamesOnAnyPort() {
        UrlRules r = rules(UrlRules.ScopeKind.HOST, List.of(), List.of());
        assertEquals(UrlRules.Verdict.ACCEPT, r.check("https://shop.example.co.uk/a", 1));
        assertEquals(UrlRules.Verdict.ACCEPT, r.check("http://shop.example.co.uk:8080/a", 1));
        assertEquals(UrlRules.Verdict.OUT_OF_SCOPE, r.check("https://www.example.co.uk/a", 1));
    }

    @Test
    void domainScopeKeepsTheRegisteredDomain() {
        UrlRules r = rules(UrlRules.ScopeKind.DOMAIN, List.of(), List.of());
        assertEquals(UrlRules.Verdict.ACCEPT, r.check("https://www.example.co.uk/a", 1));
        assertEquals(UrlRules.Verdict.OUT_OF_SCOPE, r.check("https://other.co.uk/a", 1), "co.uk is a public suffix");
        assertEquals(UrlRules.Verdict.ACCEPT, rules(UrlRules.ScopeKind.ANY, List.of(), List.of())
                .check("https://other.co.uk/a", 1));
    }

    @Test
    void allowDenyDepthLengthAndRepeatingSegments() {
        UrlRules r = rules(UrlRules.ScopeKind.HOST, List.of("/product/", "/category/"), List.of("\\?sort="));
        assertEquals(UrlRules.Verdict.ACCEPT, r.check("https://shop.example.co.uk/product/1", 1));
        assertEquals(UrlRules.Verdict.NOT_ALLOWED, r.check("https://shop.example.co.uk/about", 1));
        assertEquals(UrlRules.Verdict.DENIED, r.check("https://shop.example.co.uk/category/1?sort=price", 1));
        assertEquals(UrlRules.Verdict.TOO_DEEP, r.check("https://shop.example.co.uk/product/1", 4));
        assertEquals(UrlRules.Verdict.TOO_LONG, r.check("https://shop.example.co.uk/product/" + "9".repeat(40), 1));
        UrlRules any = rules(UrlRules.ScopeKind.HOST, List.of(), List.of());
        assertEquals(UrlRules.Verdict.REPEATING_PATH, any.check("https://shop.example.co.uk/a/b/a/b/a/", 1));
        assertEquals(UrlRules.Verdict.ACCEPT, any.check("https://shop.example.co.uk/a/b/a/b/", 1));
    }
}

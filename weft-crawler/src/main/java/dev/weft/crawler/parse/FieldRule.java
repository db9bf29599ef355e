package dev.weft.crawler.parse;

import java.util.Objects;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Evaluator;
import org.jsoup.select.QueryParser;

/**
 * One field to extract from every HTML page: a name, a CSS selector and an optional attribute
 * ({@code price=.price}, {@code image=img.cover@src}, {@code link=a.next@abs:href}). The value
 * is the first matching element's text, or its attribute ({@code abs:} makes a URL absolute).
 * Immutable and thread-safe.
 *
 * @param name      the field's name (a key of the page's {@code fields} JSON)
 * @param selector  the CSS selector, as written
 * @param attribute the attribute to read, or null for the element's text
 */
public record FieldRule(String name, String selector, String attribute) {

    /** Selectors parsed once (jsoup's evaluators are immutable and safe to share). */
    private static final java.util.concurrent.ConcurrentHashMap<String, Evaluator> EVALUATORS =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * A rule; the selector is checked at once.
     *
     * @throws IllegalArgumentException if the name is empty or the selector is not valid CSS
     */
    public FieldRule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(selector, "selector");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a field needs a name: " + name + "=" + selector);
        }
        try {
            QueryParser.parse(selector);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a valid CSS selector for field '" + name + "': " + selector
                    + " (" + e.getMessage() + ")", e);
        }
        if (attribute != null && attribute.isBlank()) {
            throw new IllegalArgumentException("an empty attribute after '@' in field '" + name + "'");
        }
    }

    /**
     * A rule from a name and {@code CSS[@attr]}: the last {@code @} outside brackets and quotes
     * starts the attribute.
     *
     * @param name the field's name
     * @param spec a CSS selector, optionally followed by {@code @attribute}
     * @return the rule
     * @throws IllegalArgumentException if the selector is not valid CSS
     */
    public static FieldRule of(String name, String spec) {
        int at = attributeSeparator(spec);
        if (at < 0) {
            return new FieldRule(name.trim(), spec.trim(), null);
        }
        return new FieldRule(name.trim(), spec.substring(0, at).trim(), spec.substring(at + 1).trim());
    }

    /**
     * A rule from {@code NAME=CSS[@attr]} (the CLI's {@code --extract}).
     *
     * @param spec {@code NAME=CSS[@attr]}
     * @return the rule
     * @throws IllegalArgumentException if there is no {@code =} or the selector is not valid CSS
     */
    public static FieldRule parse(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("expected NAME=CSS[@attr], got: " + spec);
        }
        return of(spec.substring(0, eq), spec.substring(eq + 1));
    }

    /**
     * The field's value in a document.
     *
     * @param doc a parsed page
     * @return the value, or null if nothing matches
     */
    public String extract(Document doc) {
        Evaluator e = EVALUATORS.computeIfAbsent(selector, QueryParser::parse);
        Element el = doc.selectFirst(e);
        if (el == null) {
            return null;
        }
        if (attribute == null) {
            return el.text();
        }
        return el.hasAttr(attribute) || attribute.startsWith("abs:") ? el.attr(attribute) : null;
    }

    private static int attributeSeparator(String s) {
        int depth = 0;
        char quote = 0;
        int found = -1;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '[' || c == '(') {
                depth++;
            } else if (c == ']' || c == ')') {
                depth--;
            } else if (c == '@' && depth == 0) {
                found = i;
            }
        }
        return found;
    }
}

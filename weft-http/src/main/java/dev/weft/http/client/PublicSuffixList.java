package dev.weft.http.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * The Public Suffix List (https://publicsuffix.org), ICANN and private sections both, as
 * browsers use it: which names are registries ({@code com}, {@code co.uk}, {@code github.io},
 * every name under a wildcard rule such as {@code *.ck} except its exceptions such as
 * {@code !www.ck}). The cookie jar asks it whether a {@code Domain} attribute is too wide.
 *
 * <p>The list is the resource {@code public_suffix_list.dat.gz} beside this class: the file
 * published at https://publicsuffix.org/list/public_suffix_list.dat, gzipped, unchanged (its
 * header names its version and its licence, the Mozilla Public License 2.0). To refresh it,
 * download that file and {@code gzip -9n} it over the resource. It is read once, on first use,
 * into three hash sets of ASCII (punycode) names: about 10,000 rules.
 *
 * <p>Thread-safe: the sets are built in the holder's class initialiser and never change.
 */
final class PublicSuffixList {

    private static final String RESOURCE = "public_suffix_list.dat.gz";

    private PublicSuffixList() {
    }

    /**
     * True if {@code domain} is a public suffix: listed as a rule, or one label under a wildcard
     * rule and not an exception to it. Unlisted names are not (the list's implicit {@code *}
     * rule is left to the caller: the cookie jar refuses single-label domains on its own). The
     * name may be Unicode or ASCII, in any case, without a trailing dot; an invalid name is not
     * a public suffix.
     */
    static boolean isPublicSuffix(String domain) {
        String d = ascii(domain);
        if (d == null) {
            return false;
        }
        Rules rules = Rules.LIST;
        if (rules.exceptions.contains(d)) {
            return false;
        }
        if (rules.exact.contains(d)) {
            return true;
        }
        int dot = d.indexOf('.');
        return dot > 0 && rules.wildcardParents.contains(d.substring(dot + 1));
    }

    /** {@code name} in lower-case ASCII, or null if it is not a valid domain name. */
    private static String ascii(String name) {
        if (name.isEmpty() || name.startsWith(".") || name.endsWith(".") || name.contains("..")) {
            return null;
        }
        try {
            return IDN.toASCII(name, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The parsed list, loaded when first needed (holder idiom). */
    private static final class Rules {
        static final Rules LIST = load();

        /** Plain rules: {@code co.uk}. */
        final Set<String> exact = new HashSet<>();
        /** {@code *.ck} is stored as {@code ck}. */
        final Set<String> wildcardParents = new HashSet<>();
        /** {@code !www.ck} is stored as {@code www.ck}. */
        final Set<String> exceptions = new HashSet<>();

        private static Rules load() {
            Rules r = new Rules();
            try (InputStream raw = PublicSuffixList.class.getResourceAsStream(RESOURCE)) {
                if (raw == null) {
                    throw new IllegalStateException("resource " + RESOURCE + " is missing from weft-http");
                }
                BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw),
                        StandardCharsets.UTF_8));
                for (String line; (line = in.readLine()) != null; ) {
                    r.add(line.strip());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the public suffix list", e);
            }
            return r;
        }

        private void add(String rule) {
            if (rule.isEmpty() || rule.startsWith("//")) {
                return;
            }
            if (rule.startsWith("!")) {
                addAscii(exceptions, rule.substring(1));
            } else if (rule.startsWith("*.")) {
                addAscii(wildcardParents, rule.substring(2));
            } else {
                addAscii(exact, rule);
            }
        }

        private static void addAscii(Set<String> set, String name) {
            String a = ascii(name);
            if (a != null) {
                set.add(a);
            }
        }
    }
}

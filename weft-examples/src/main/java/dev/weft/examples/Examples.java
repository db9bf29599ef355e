package dev.weft.examples;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code ./weft example NAME [ARGS]} and {@code ./weft example --list}: finds every
 * {@link Example} in this package and runs the one named.
 */
public final class Examples {

    private Examples() {
    }

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        List<Example> all = discover();
        if (args.length == 0 || args[0].equals("--list") || args[0].equals("-l")) {
            System.out.println("Examples (./weft example NAME):");
            for (Example e : all) {
                System.out.printf("  %-34s %s%n", e.name(), e.description());
            }
            return;
        }
        for (Example e : all) {
            if (e.name().equals(args[0])) {
                try {
                    e.run(Arrays.copyOfRange(args, 1, args.length));
                } catch (Args.UsageException bad) {
                    System.err.println("weft example " + e.name() + ": " + bad.getMessage());
                    System.exit(2);
                }
                return;
            }
        }
        System.err.println("unknown example '" + args[0] + "'; ./weft example --list shows them");
        System.exit(2);
    }

    /** Every example of this package, sorted by name. */
    public static List<Example> discover() throws IOException, URISyntaxException {
        URI location = Examples.class.getProtectionDomain().getCodeSource().getLocation().toURI();
        Path root = Path.of(location);
        List<String> classNames = new ArrayList<>();
        if (Files.isDirectory(root)) {
            collect(root.resolve("dev/weft/examples"), classNames);
        } else {
            try (FileSystem jar = FileSystems.newFileSystem(root, Map.of())) {
                collect(jar.getPath("dev/weft/examples"), classNames);
            }
        }
        List<Example> out = new ArrayList<>();
        for (String cn : classNames) {
            try {
                Class<?> c = Class.forName("dev.weft.examples." + cn);
                if (Example.class.isAssignableFrom(c) && !c.isInterface()
                        && !java.lang.reflect.Modifier.isAbstract(c.getModifiers())) {
                    out.add((Example) c.getConstructor().newInstance());
                }
            } catch (ReflectiveOperationException e) {
                // not an example
            }
        }
        out.sort(Comparator.comparing(Example::name));
        return out;
    }

    private static void collect(Path dir, List<String> names) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".class") && !n.contains("$"))
                    .map(n -> n.substring(0, n.length() - ".class".length()))
                    .forEach(names::add);
        }
    }
}

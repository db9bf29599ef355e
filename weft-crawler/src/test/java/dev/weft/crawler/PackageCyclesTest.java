package dev.weft.crawler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Weft;
import dev.weft.http.client.ClientSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.Utf8Entry;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No package cycles in weft-core, weft-http and weft-crawler (the project's rule: dependencies
 * run core &lt;- http &lt;- crawler, and inside a module from the API down, never back). The
 * compiled classes of the three modules are read with the JDK's class-file API: every class
 * another class names in its constant pool (in code, in field and method descriptors, in
 * generic signatures and annotations) is a dependency of its package. A strongly connected
 * component of more than one package is a cycle; the failure lists each, with one class per
 * edge that closes it.
 */
class PackageCyclesTest {

    private static final Pattern DESCRIPTOR_CLASS = Pattern.compile("L(dev/weft/[\\w/$]+)[;<]");

    @Test
    void theGraphCoversEveryModule() throws Exception {
        Map<String, Map<String, String>> graph = packageGraph();
        for (String p : List.of("dev.weft", "dev.weft.process", "dev.weft.http.client", "dev.weft.crawler")) {
            assertTrue(graph.containsKey(p), p + " not found in " + graph.keySet());
        }
        assertTrue(graph.get("dev.weft.process").containsKey("dev.weft"), "the scan sees dependencies: " + graph);
    }

    @Test
    void noPackageCycleInCoreHttpOrCrawler() throws Exception {
        Map<String, Map<String, String>> graph = packageGraph();
        List<String> cycles = new ArrayList<>();
        for (Set<String> component : stronglyConnected(graph)) {
            if (component.size() < 2) {
                continue;
            }
            StringBuilder b = new StringBuilder("cycle among " + component + ":");
            for (String from : component) {
                for (Map.Entry<String, String> edge : graph.get(from).entrySet()) {
                    if (component.contains(edge.getKey())) {
                        b.append("\n  ").append(from).append(" -> ").append(edge.getKey())
                                .append(" (").append(edge.getValue()).append(")");
                    }
                }
            }
            cycles.add(b.toString());
        }
        assertEquals(List.of(), cycles, String.join("\n", cycles));
    }

    // ------------------------------------------------------------------ the graph

    /**
     * Package -> (package it uses -> an example "Class -> Class" that uses it), for the Weft
     * packages of the three modules only.
     */
    private static Map<String, Map<String, String>> packageGraph() throws Exception {
        Map<String, Map<String, String>> graph = new TreeMap<>();
        for (Class<?> anchor : List.of(Weft.class, ClientSession.class, Crawler.class)) {
            Path root = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
            forEachClass(root, bytes -> {
                ClassModel model = ClassFile.of().parse(bytes);
                String self = model.thisClass().asInternalName();
                if (!self.startsWith("dev/weft/") || self.endsWith("module-info")) {
                    return;
                }
                String from = packageOf(self);
                Map<String, String> edges = graph.computeIfAbsent(from, k -> new TreeMap<>());
                for (String used : referencedClasses(model)) {
                    String to = packageOf(used);
                    if (!to.equals(from)) {
                        edges.putIfAbsent(to, self.replace('/', '.') + " -> " + used.replace('/', '.'));
                    }
                }
            });
        }
        // Only packages of these modules count (a test of another module does not belong here).
        for (Map<String, String> edges : graph.values()) {
            edges.keySet().retainAll(graph.keySet());
        }
        return graph;
    }

    private static Set<String> referencedClasses(ClassModel model) {
        Set<String> out = new TreeSet<>();
        for (PoolEntry e : model.constantPool()) {
            if (e instanceof ClassEntry c) {
                String name = c.asInternalName();
                while (name.startsWith("[")) {
                    name = name.substring(1);
                }
                if (name.startsWith("L") && name.endsWith(";")) {
                    name = name.substring(1, name.length() - 1);
                }
                if (name.startsWith("dev/weft/")) {
                    out.add(name);
                }
            } else if (e instanceof Utf8Entry u) {
                Matcher m = DESCRIPTOR_CLASS.matcher(u.stringValue());
                while (m.find()) {
                    out.add(m.group(1));
                }
            }
        }
        return out;
    }

    private static String packageOf(String internalName) {
        int slash = internalName.lastIndexOf('/');
        return internalName.substring(0, Math.max(0, slash)).replace('/', '.');
    }

    private interface ClassBytes {
        void accept(byte[] bytes) throws IOException;
    }

    private static void forEachClass(Path root, ClassBytes action) throws IOException, URISyntaxException {
        if (Files.isDirectory(root)) {
            walk(root, action);
            return;
        }
        try (FileSystem jar = FileSystems.newFileSystem(root)) {
            walk(jar.getPath("/"), action);
        }
    }

    private static void walk(Path dir, ClassBytes action) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
                // Multi-release jars: the versioned copies name the same classes.
                if (!f.toString().contains("META-INF")) {
                    try {
                        action.accept(Files.readAllBytes(f));
                    } catch (IOException e) {
                        throw new UncheckedIOException(f.toString(), e);
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ Tarjan

    private static List<Set<String>> stronglyConnected(Map<String, Map<String, String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> out = new ArrayList<>();
        int[] counter = {0};
        for (String v : graph.keySet()) {
            if (!index.containsKey(v)) {
                connect(v, graph, index, low, stack, onStack, out, counter);
            }
        }
        return out;
    }

    private static void connect(String v, Map<String, Map<String, String>> graph, Map<String, Integer> index,
            Map<String, Integer> low, Deque<String> stack, Set<String> onStack, List<Set<String>> out, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]);
        counter[0]++;
        stack.push(v);
        onStack.add(v);
        for (String w : graph.getOrDefault(v, Map.of()).keySet()) {
            if (!index.containsKey(w)) {
                connect(w, graph, index, low, stack, onStack, out, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            out.add(component);
        }
    }
}

package dev.weft.http.server;

import dev.weft.http.OffLoop;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Dispatches requests by method and path (aiohttp's {@code web.RouteTableDef} /
 * {@code app.router}). A path pattern is literal segments and {@code {name}} parameters, each
 * matching one whole segment; parameters arrive decoded in {@link Request#pathParam}.
 *
 * <pre>{@code
 * Router r = new Router()
 *         .get("/", req -> Response.text("home"))
 *         .get("/users/{id}", req -> Response.json(users.get(req.pathParam("id"))))
 *         .post("/users", req -> create(req.json()))
 *         .staticFiles("/static", Path.of("public"));
 * HttpServer.start(r, "127.0.0.1", 8080);
 * }</pre>
 *
 * <p>Routes are tried in the order they were added; the first match wins. A {@code HEAD}
 * request uses the {@code GET} route when there is no {@code HEAD} one (the server drops the
 * body). A path that matches no route is a 404; one that matches routes of other methods only is
 * a 405 with an {@code Allow} header. Add routes before the server starts; then a router is
 * read-only and safe to share between loops.
 */
public final class Router implements Handler {

    /** A method (or "*" for any) + a pattern + its handler. */
    private record Route(String method, String[] pattern, Handler handler) {
    }

    /** A URL prefix served from a directory. */
    private record Mount(String[] prefix, Path root) {
    }

    private final List<Route> routes = new ArrayList<>();
    private final List<Mount> mounts = new ArrayList<>();

    /** An empty router: every request is answered with 404 until routes are added. */
    public Router() {
    }

    /**
     * Routes {@code GET path}.
     *
     * @param path the path
     * @param handler the handler
     * @return the router
     */
    public Router get(String path, Handler handler) {
        return route("GET", path, handler);
    }

    /**
     * Routes {@code POST path}.
     *
     * @param path the path
     * @param handler the handler
     * @return the router
     */
    public Router post(String path, Handler handler) {
        return route("POST", path, handler);
    }

    /**
     * Routes {@code PUT path}.
     *
     * @param path the path
     * @param handler the handler
     * @return the router
     */
    public Router put(String path, Handler handler) {
        return route("PUT", path, handler);
    }

    /**
     * Routes {@code PATCH path}.
     *
     * @param path the path
     * @param handler the handler
     * @return the router
     */
    public Router patch(String path, Handler handler) {
        return route("PATCH", path, handler);
    }

    /**
     * Routes {@code DELETE path}.
     *
     * @param path the path
     * @param handler the handler
     * @return the router
     */
    public Router delete(String path, Handler handler) {
        return route("DELETE", path, handler);
    }

    /**
     * Routes every method of {@code path}.
     *
     * @param path the path
     * @param handler the handler
     * @return the router
     */
    public Router any(String path, Handler handler) {
        return route("*", path, handler);
    }

    /**
     * Routes {@code method path} ({@code "*"}: any method).
     *
     * @param method the HTTP method
     * @param path the path
     * @param handler the handler
     * @return the router
     */
    public Router route(String method, String path, Handler handler) {
        if (!method.equals("*") && !dev.weft.http.Headers.isToken(method)) {
            throw new IllegalArgumentException("invalid method: " + method);
        }
        routes.add(new Route(method, split(path), java.util.Objects.requireNonNull(handler)));
        return this;
    }

    /**
     * Serves the files under {@code root} at {@code prefix} ({@code GET}/{@code HEAD}):
     * {@code /static/css/site.css} → {@code root/css/site.css}. Paths with {@code .} or
     * {@code ..} segments (also percent-encoded), empty segments, backslashes or NUL, and
     * symbolic links that lead out of the root are answered with 404, as are directories. A path
     * that ends with {@code /} ({@code /static/}, or {@code /} for a root mount) is its
     * directory's {@code index.html}, if there is one.
     *
     * @param prefix the path the files are served under, e.g. {@code /static} or {@code /}
     * @param root the directory whose files are served
     * @return this router
     */
    public Router staticFiles(String prefix, Path root) {
        String[] p = split(prefix);
        if (p.length == 1 && p[0].isEmpty()) {
            p = new String[0];
        }
        for (String s : p) {
            if (s.startsWith("{")) {
                throw new IllegalArgumentException("a static prefix has no parameters: " + prefix);
            }
        }
        mounts.add(new Mount(p, root.toAbsolutePath().normalize()));
        return this;
    }

    private static String[] split(String path) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("a path pattern starts with /: " + path);
        }
        String[] parts = path.substring(1).split("/", -1);
        for (String s : parts) {
            if (s.startsWith("{") != s.endsWith("}") || (s.startsWith("{") && s.length() < 3)) {
                throw new IllegalArgumentException("malformed parameter in " + path);
            }
        }
        return parts;
    }

    @Override
    public Response handle(Request request) throws Exception {
        String[] raw = request.rawPath().substring(1).split("/", -1);
        String[] segs = new String[raw.length];
        for (int i = 0; i < raw.length; i++) {
            try {
                segs[i] = Urls.decode(raw[i], false, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new HttpStatusException(400, "malformed path");
            }
        }
        String method = request.method();
        Set<String> allowed = null; // only for a 405
        Route getRoute = null;
        Map<String, String> getParams = null;
        for (Route r : routes) {
            Map<String, String> params = match(r.pattern, segs);
            if (params == null) {
                continue;
            }
            if (r.method.equals(method) || r.method.equals("*")) {
                request.setPathParams(params);
                return r.handler.handle(request);
            }
            if (method.equals("HEAD") && r.method.equals("GET") && getRoute == null) {
                getRoute = r;
                getParams = params;
            }
            if (allowed == null) {
                allowed = new LinkedHashSet<>();
            }
            allowed.add(r.method);
        }
        if (getRoute != null) {
            request.setPathParams(getParams);
            return getRoute.handler.handle(request);
        }
        for (Mount m : mounts) {
            if (startsWith(segs, m.prefix)) {
                if (!method.equals("GET") && !method.equals("HEAD")) {
                    return methodNotAllowed(Set.of("GET"));
                }
                return serveFile(m, raw, segs);
            }
        }
        if (allowed != null) {
            return methodNotAllowed(allowed);
        }
        return Response.text("404: Not Found").status(404);
    }

    private static Response methodNotAllowed(Set<String> allowed) {
        Set<String> all = new LinkedHashSet<>(allowed);
        if (all.contains("GET")) {
            all.add("HEAD");
        }
        return Response.text("405: Method Not Allowed").status(405).setHeader("Allow", String.join(", ", all));
    }

    private static Map<String, String> match(String[] pattern, String[] segs) {
        if (pattern.length != segs.length) {
            return null;
        }
        Map<String, String> params = null;
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            if (p.startsWith("{")) {
                if (segs[i].isEmpty()) {
                    return null;
                }
                if (params == null) {
                    params = new HashMap<>(4);
                }
                params.put(p.substring(1, p.length() - 1), segs[i]);
            } else if (!p.equals(segs[i])) {
                return null;
            }
        }
        return params == null ? Map.of() : params;
    }

    private static boolean startsWith(String[] segs, String[] prefix) {
        if (segs.length <= prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (!prefix[i].equals(segs[i])) {
                return false;
            }
        }
        return true;
    }

    private static Response serveFile(Mount m, String[] raw, String[] segs) throws IOException {
        Path p = m.root;
        for (int i = m.prefix.length; i < segs.length; i++) {
            String s = segs[i];
            if (s.isEmpty() && i == segs.length - 1) {
                s = "index.html"; // a path ending with / names its directory's index.html
            }
            if (s.isEmpty() || s.equals(".") || s.equals("..") || s.indexOf('/') >= 0 || s.indexOf('\\') >= 0
                    || s.indexOf('\0') >= 0 || s.indexOf(':') >= 0) {
                return notFound();
            }
            p = p.resolve(s);
        }
        Path candidate = p.normalize();
        if (!candidate.startsWith(m.root)) {
            return notFound();
        }
        Found found = OffLoop.call(() -> find(m.root, candidate)); // stat and realpath: disk calls
        return found == null ? notFound() : Response.file(found.path, found.attributes);
    }

    /** A regular, readable file under the root and its attributes. */
    private record Found(Path path, BasicFileAttributes attributes) {
    }

    /** {@code candidate} if it is a readable regular file whose real path is under {@code root}'s; else null. */
    private static Found find(Path root, Path candidate) {
        try {
            Path real = candidate.toRealPath();
            if (!real.startsWith(root.toRealPath())) {
                return null; // a symbolic link out of the root
            }
            BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class);
            if (!a.isRegularFile() || !Files.isReadable(real)) {
                return null;
            }
            return new Found(real, a);
        } catch (IOException e) {
            return null;
        }
    }

    private static Response notFound() {
        return Response.text("404: Not Found").status(404);
    }
}

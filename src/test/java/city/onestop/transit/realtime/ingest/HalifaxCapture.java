package city.onestop.transit.realtime.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The real Halifax Transit capture in {@code ../shared/data/transit/halifax-transit/}, and a small reader for its
 * {@code decoded/*.textproto} files so tests compute expectations without going through our decoder.
 */
public final class HalifaxCapture {

    public static final String CAPTURE_TIME = "2025-11-06T21:04:14Z";

    private HalifaxCapture() {}

    /** The capture directory; a test that needs it fails when it is missing (never skips). */
    public static Path dir() {
        Path dir = Path.of("").toAbsolutePath().resolve("../shared/data/transit/halifax-transit").normalize();
        boolean present = Files.isRegularFile(dir.resolve("VehiclePositions.pb"));
        if (!present) throw new IllegalStateException("shared Halifax capture missing at " + dir);
        return dir;
    }

    public static byte[] bytes(String file) {
        try {
            return Files.readAllBytes(dir().resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Node text(String feed) {
        try {
            return Node.parse(Files.readAllLines(dir().resolve("decoded").resolve(feed + ".textproto")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A protobuf text-format message: scalar fields as raw strings (quotes removed), nested messages as nodes. */
    public record Node(Map<String, List<String>> scalars, Map<String, List<Node>> children) {

        static Node parse(List<String> lines) {
            Node root = new Node(new LinkedHashMap<>(), new LinkedHashMap<>());
            Deque<Node> stack = new ArrayDeque<>();
            stack.push(root);
            for (String raw : lines) {
                String line = raw.strip();
                if (line.isEmpty()) continue;
                if (line.endsWith("{")) {
                    Node child = new Node(new LinkedHashMap<>(), new LinkedHashMap<>());
                    String name = line.substring(0, line.length() - 1).strip();
                    stack.peek().children().computeIfAbsent(name, k -> new ArrayList<>()).add(child);
                    stack.push(child);
                } else if (line.equals("}")) {
                    stack.pop();
                } else {
                    int colon = line.indexOf(':');
                    String value = line.substring(colon + 1).strip();
                    if (value.startsWith("\"")) value = value.substring(1, value.length() - 1);
                    stack.peek().scalars().computeIfAbsent(line.substring(0, colon), k -> new ArrayList<>()).add(value);
                }
            }
            return root;
        }

        public List<Node> all(String name) {
            return children.getOrDefault(name, List.of());
        }

        public Node one(String name) {
            List<Node> n = all(name);
            return n.isEmpty() ? null : n.get(0);
        }

        boolean has(String name) {
            return children.containsKey(name) || scalars.containsKey(name);
        }

        public String get(String name) {
            List<String> v = scalars.get(name);
            return v == null ? null : v.get(0);
        }
    }
}

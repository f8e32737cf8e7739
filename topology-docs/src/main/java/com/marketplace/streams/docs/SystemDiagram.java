package com.marketplace.streams.docs;

import com.marketplace.events.StoreNames;
import com.marketplace.events.Topics;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The system diagram of {@code docs/architecture.md}: components and data flow, described once as
 * nodes, groups and edges with their positions. {@link #mermaid()} gives the Mermaid flowchart
 * embedded in the Markdown and {@link SystemDiagramPng} draws the same nodes and edges as a PNG, so
 * the two cannot describe different systems. {@link #sourceHash} identifies this description; the
 * PNG carries it, which lets a test tell a stale image from a current one without comparing pixels
 * (font rendering differs between machines).
 */
public final class SystemDiagram {

    /** How a node is drawn: a box, a topic (parallelogram) or a store (cylinder). */
    enum Shape { ACTOR, BOX, TOPIC, STORE }

    /** A node centred at (x, y) in image pixels; the first line is its title. */
    record Node(String id, Shape shape, int x, int y, List<String> lines) {
    }

    /** A dashed frame around its members, titled. */
    record Group(String id, String title, List<String> members) {
    }

    /** An arrow, optionally labelled, optionally routed through waypoints {x1, y1, x2, y2, …}. */
    record Edge(String from, String to, String label, int... waypoints) {
    }

    static final int WIDTH = 1640;
    static final int HEIGHT = 600;

    static final List<Node> NODES = List.of(
            new Node("client", Shape.ACTOR, 110, 330, List.of("HTTP client")),
            new Node("api", Shape.BOX, 360, 200, List.of("order API", "Javalin, validation,", "idempotency keys")),
            new Node("relay", Shape.BOX, 360, 460, List.of("outbox relay", "claim, publish,", "mark PROCESSED")),
            new Node("db", Shape.STORE, 620, 330, List.of("MySQL / H2", "orders, order_items,", "outbox_events")),
            new Node("outputTopics", Shape.TOPIC, 920, 200, List.of(Topics.EMAIL, Topics.NOTIFICATION, Topics.ANALYTICS)),
            new Node("dlq", Shape.TOPIC, 920, 330, List.of(Topics.DLQ)),
            new Node("orderTopics", Shape.TOPIC, 920, 460, List.of(Topics.ORDER_CREATED, Topics.ORDER_STATUS_CHANGED)),
            new Node("dedupe", Shape.BOX, 1240, 460, List.of("decode, dedupe", "by eventId", StoreNames.DEDUPE)),
            new Node("fanout", Shape.BOX, 1240, 200, List.of("fan-out", "email, notifications,", "analytics")),
            new Node("stats", Shape.STORE, 1490, 460, List.of("statistics stores", StoreNames.ORDER_STATE,
                    StoreNames.STATUS_COUNTS, "seller, buyer, per-minute")),
            new Node("query", Shape.BOX, 1490, 200, List.of("query API", "interactive queries,", "503 when unsure")));

    static final List<Group> GROUPS = List.of(
            new Group("gateway", "order-gateway :7070", List.of("api", "relay")),
            new Group("kafka", "Kafka", List.of("outputTopics", "dlq", "orderTopics")),
            new Group("streams", "streams-app :7071 (exactly_once_v2)", List.of("dedupe", "fanout", "stats", "query")));

    static final List<Edge> EDGES = List.of(
            new Edge("client", "api", "POST, PUT orders"),
            new Edge("api", "db", "one transaction"),
            new Edge("db", "relay", "claim PENDING rows"),
            new Edge("relay", "orderTopics", "acks=all, idempotent"),
            new Edge("orderTopics", "dedupe", ""),
            new Edge("dedupe", "dlq", "poison records"),
            new Edge("dedupe", "fanout", "first seen"),
            new Edge("fanout", "outputTopics", ""),
            new Edge("dedupe", "stats", ""),
            new Edge("stats", "query", ""),
            new Edge("client", "query", "GET stats", 110, 60, 1490, 60));

    private SystemDiagram() {
    }

    /** The Mermaid flowchart (without the surrounding code fence). */
    public static String mermaid() {
        StringBuilder out = new StringBuilder("flowchart LR\n");
        List<String> grouped = GROUPS.stream().flatMap(g -> g.members().stream()).toList();
        NODES.stream().filter(n -> !grouped.contains(n.id())).forEach(n -> out.append("  ").append(mermaidNode(n)).append('\n'));
        for (Group group : GROUPS) {
            out.append("  subgraph ").append(group.id()).append("[\"").append(group.title()).append("\"]\n");
            group.members().forEach(id -> out.append("    ").append(mermaidNode(node(id))).append('\n'));
            out.append("  end\n");
        }
        for (Edge edge : EDGES) {
            out.append("  ").append(edge.from())
                    .append(edge.label().isEmpty() ? " --> " : " -->|\"" + edge.label() + "\"| ")
                    .append(edge.to()).append('\n');
        }
        return out.toString();
    }

    private static String mermaidNode(Node node) {
        String text = "\"" + String.join("<br/>", node.lines()) + "\"";
        return node.id() + switch (node.shape()) {
            case ACTOR -> "([" + text + "])";
            case BOX -> "[" + text + "]";
            case TOPIC -> "[/" + text + "/]";
            case STORE -> "[(" + text + ")]";
        };
    }

    /**
     * SHA-256 of the Mermaid text, every position and {@code drawingCode}, the source of the code
     * that draws them ({@link SystemDiagramPng#sourceHash}): changes whenever the drawing would.
     */
    public static String sourceHash(String drawingCode) {
        String layout = NODES.stream().map(n -> n.id() + "@" + n.x() + "," + n.y()).collect(Collectors.joining(";"))
                + EDGES.stream().map(e -> e.from() + ">" + e.to() + java.util.Arrays.toString(e.waypoints()))
                        .collect(Collectors.joining(";"))
                + ";" + WIDTH + "x" + HEIGHT;
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((mermaid() + layout + drawingCode).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    static Node node(String id) {
        return NODES.stream().filter(n -> n.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + id));
    }
}

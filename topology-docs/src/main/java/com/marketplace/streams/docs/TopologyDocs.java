package com.marketplace.streams.docs;

import com.marketplace.streams.config.StreamsAppConfig;
import com.marketplace.streams.topology.OrderTopology;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyDescription.Node;

/**
 * Renders the streams-app topology (built with the default configuration) as the text of
 * {@link org.apache.kafka.streams.Topology#describe()} and as a Mermaid flowchart. Output is
 * deterministic: nodes, edges, topics and stores are sorted by name.
 */
public final class TopologyDocs {

    public static final String TEXT_FILE = "topology.txt";
    public static final String MERMAID_FILE = "topology.md";

    private final TopologyDescription description;

    public TopologyDocs(TopologyDescription description) {
        this.description = description;
    }

    /** The docs of the topology {@link OrderTopology#build} returns for the default configuration. */
    public static TopologyDocs ofDefaultTopology() {
        return new TopologyDocs(OrderTopology.build(StreamsAppConfig.defaults()).describe());
    }

    /** {@code Topology#describe()} as text. */
    public String text() {
        return description.toString();
    }

    /** A Markdown page with a Mermaid flowchart of the topology. */
    public String mermaid() {
        StringBuilder out = new StringBuilder();
        out.append("# streams-app topology\n\n")
                .append("Generated from `OrderTopology.build(StreamsAppConfig.defaults()).describe()` by ")
                .append("`TopologyDocsGenerator`; do not edit. Topics are parallelograms, state stores cylinders.\n\n")
                .append("```mermaid\nflowchart LR\n");
        description.subtopologies().stream().sorted(Comparator.comparingInt(TopologyDescription.Subtopology::id))
                .forEach(sub -> subtopology(sub, out));
        out.append("```\n");
        return out.toString();
    }

    private static void subtopology(TopologyDescription.Subtopology sub, StringBuilder out) {
        List<Node> nodes = sub.nodes().stream().sorted(Comparator.comparing(Node::name)).toList();
        out.append("  subgraph sub").append(sub.id()).append("[\"sub-topology ").append(sub.id()).append("\"]\n");
        nodes.forEach(node -> out.append("    ").append(id("n", node.name())).append("[\"")
                .append(node.name()).append("\"]\n"));
        out.append("  end\n");
        for (Node node : nodes) {
            edges(node, out);
        }
    }

    private static void edges(Node node, StringBuilder out) {
        String self = id("n", node.name());
        if (node instanceof TopologyDescription.Source source && source.topicSet() != null) {
            new TreeSet<>(source.topicSet()).forEach(topic -> out.append("  ").append(topic(topic))
                    .append(" --> ").append(self).append('\n'));
        }
        if (node instanceof TopologyDescription.Sink sink && sink.topic() != null) {
            out.append("  ").append(self).append(" --> ").append(topic(sink.topic())).append('\n');
        }
        if (node instanceof TopologyDescription.Processor processor) {
            new TreeSet<>(processor.stores()).forEach(store -> out.append("  ").append(self).append(" --- ")
                    .append(id("s", store)).append("[(\"").append(store).append("\")]\n"));
        }
        node.successors().stream().map(Node::name).sorted()
                .forEach(next -> out.append("  ").append(self).append(" --> ").append(id("n", next)).append('\n'));
    }

    private static String topic(String name) {
        return id("t", name) + "[/\"" + name + "\"/]";
    }

    private static String id(String prefix, String name) {
        return prefix + "_" + name.replaceAll("[^A-Za-z0-9]", "_");
    }
}

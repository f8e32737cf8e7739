package com.marketplace.streams.docs;

import com.marketplace.streams.docs.SystemDiagram.Edge;
import com.marketplace.streams.docs.SystemDiagram.Group;
import com.marketplace.streams.docs.SystemDiagram.Node;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import org.w3c.dom.NodeList;

/**
 * Draws {@link SystemDiagram} as a PNG with Java 2D and stores {@link #sourceHash} (the description's
 * and this drawing code's) in the image's {@code tEXt} chunk under {@link #HASH_KEYWORD}, so a test
 * can check the committed image was drawn from the current description by the current code.
 */
public final class SystemDiagramPng {

    public static final String HASH_KEYWORD = "Diagram-Source-SHA256";
    /** This class's source, relative to the repository's root: part of what the stored hash covers. */
    public static final String DRAWING_SOURCE = "topology-docs/src/main/java/com/marketplace/streams/docs/"
            + "SystemDiagramPng.java";
    private static final String PNG_METADATA = "javax_imageio_png_1.0";
    private static final int NODE_WIDTH = 210;
    private static final int LINE_HEIGHT = 18;
    private static final int PADDING = 12;
    private static final Color INK = new Color(0x22, 0x2b, 0x36);
    private static final Color FILL = new Color(0xe8, 0xf0, 0xfb);
    private static final Color TOPIC_FILL = new Color(0xfd, 0xf1, 0xdc);
    private static final Color STORE_FILL = new Color(0xe6, 0xf4, 0xe6);
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 14);
    private static final Font TEXT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);

    private SystemDiagramPng() {
    }

    /** The diagram as an image. */
    public static BufferedImage draw() {
        BufferedImage image = new BufferedImage(SystemDiagram.WIDTH, SystemDiagram.HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, SystemDiagram.WIDTH, SystemDiagram.HEIGHT);
            SystemDiagram.GROUPS.forEach(group -> drawGroup(g, group));
            SystemDiagram.EDGES.forEach(edge -> drawEdge(g, edge));
            SystemDiagram.NODES.forEach(node -> drawNode(g, node));
        } finally {
            g.dispose();
        }
        return image;
    }

    /**
     * {@link SystemDiagram#sourceHash} of the description and of this class's source in the
     * repository at {@code root} (line ends as LF, so a checkout with CRLF ends hashes the same).
     */
    public static String sourceHash(Path root) throws IOException {
        String code = Files.readString(root.resolve(DRAWING_SOURCE), StandardCharsets.UTF_8).replace("\r\n", "\n");
        return SystemDiagram.sourceHash(code);
    }

    /** Writes the image to {@code file}, with the source hash of the repository at {@code repository}. */
    public static void write(Path repository, Path file) throws IOException {
        BufferedImage image = draw();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), param);
        IIOMetadataNode entry = new IIOMetadataNode("tEXtEntry");
        entry.setAttribute("keyword", HASH_KEYWORD);
        entry.setAttribute("value", sourceHash(repository));
        IIOMetadataNode text = new IIOMetadataNode("tEXt");
        text.appendChild(entry);
        IIOMetadataNode root = new IIOMetadataNode(PNG_METADATA);
        root.appendChild(text);
        metadata.mergeTree(PNG_METADATA, root);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.deleteIfExists(file);
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, metadata), param);
        } finally {
            writer.dispose();
        }
    }

    /** The source hash stored in a PNG written by {@link #write}, if any. */
    public static Optional<String> storedHash(Path file) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            ImageReader reader = ImageIO.getImageReadersByFormatName("png").next();
            try {
                reader.setInput(in);
                IIOMetadataNode root = (IIOMetadataNode) reader.getImageMetadata(0).getAsTree(PNG_METADATA);
                NodeList entries = root.getElementsByTagName("tEXtEntry");
                for (int i = 0; i < entries.getLength(); i++) {
                    IIOMetadataNode entry = (IIOMetadataNode) entries.item(i);
                    if (HASH_KEYWORD.equals(entry.getAttribute("keyword"))) {
                        return Optional.of(entry.getAttribute("value"));
                    }
                }
                return Optional.empty();
            } finally {
                reader.dispose();
            }
        }
    }

    static Rectangle bounds(Node node) {
        int height = node.lines().size() * LINE_HEIGHT + 2 * PADDING + (node.shape() == SystemDiagram.Shape.STORE ? 12 : 0);
        int width = node.shape() == SystemDiagram.Shape.TOPIC ? NODE_WIDTH + 90 : NODE_WIDTH;
        if (node.shape() == SystemDiagram.Shape.ACTOR) {
            width = 130;
        }
        return new Rectangle(node.x() - width / 2, node.y() - height / 2, width, height);
    }

    private static void drawGroup(Graphics2D g, Group group) {
        Rectangle frame = null;
        for (String id : group.members()) {
            Rectangle r = bounds(SystemDiagram.node(id));
            frame = frame == null ? new Rectangle(r) : frame.union(r);
        }
        frame.grow(24, 24);
        frame.y -= 14;
        frame.height += 14;
        g.setColor(new Color(0x88, 0x92, 0xa0));
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 5f}, 0f));
        g.drawRoundRect(frame.x, frame.y, frame.width, frame.height, 18, 18);
        g.setFont(TITLE);
        g.setColor(INK);
        g.drawString(group.title(), frame.x + 12, frame.y + 20);
    }

    private static void drawNode(Graphics2D g, Node node) {
        Rectangle r = bounds(node);
        g.setStroke(new BasicStroke(1.6f));
        switch (node.shape()) {
            case ACTOR -> fillAndOutline(g, new java.awt.geom.RoundRectangle2D.Double(r.x, r.y, r.width, r.height,
                    r.height, r.height), FILL);
            case BOX -> fillAndOutline(g, new java.awt.geom.RoundRectangle2D.Double(r.x, r.y, r.width, r.height, 10, 10), FILL);
            case TOPIC -> fillAndOutline(g, new Polygon(new int[] {r.x + 14, r.x + r.width, r.x + r.width - 14, r.x},
                    new int[] {r.y, r.y, r.y + r.height, r.y + r.height}, 4), TOPIC_FILL);
            case STORE -> drawCylinder(g, r);
        }
        drawLines(g, node, r);
    }

    private static void drawCylinder(Graphics2D g, Rectangle r) {
        int cap = 14;
        g.setColor(STORE_FILL);
        g.fillRect(r.x, r.y + cap / 2, r.width, r.height - cap);
        g.fillOval(r.x, r.y + r.height - cap, r.width, cap);
        g.fillOval(r.x, r.y, r.width, cap);
        g.setColor(INK);
        g.drawOval(r.x, r.y, r.width, cap);
        g.drawArc(r.x, r.y + r.height - cap, r.width, cap, 180, 180);
        g.drawLine(r.x, r.y + cap / 2, r.x, r.y + r.height - cap / 2);
        g.drawLine(r.x + r.width, r.y + cap / 2, r.x + r.width, r.y + r.height - cap / 2);
    }

    private static void fillAndOutline(Graphics2D g, java.awt.Shape shape, Color fill) {
        g.setColor(fill);
        g.fill(shape);
        g.setColor(INK);
        g.draw(shape);
    }

    private static void drawLines(Graphics2D g, Node node, Rectangle r) {
        int y = r.y + PADDING + LINE_HEIGHT - 4 + (node.shape() == SystemDiagram.Shape.STORE ? 10 : 0);
        for (int i = 0; i < node.lines().size(); i++) {
            g.setFont(i == 0 ? TITLE : TEXT);
            FontMetrics metrics = g.getFontMetrics();
            String line = node.lines().get(i);
            g.setColor(INK);
            g.drawString(line, node.x() - metrics.stringWidth(line) / 2, y);
            y += LINE_HEIGHT;
        }
    }

    private static void drawEdge(Graphics2D g, Edge edge) {
        Node from = SystemDiagram.node(edge.from());
        Node to = SystemDiagram.node(edge.to());
        int[] points = new int[edge.waypoints().length + 4];
        points[0] = from.x();
        points[1] = from.y();
        System.arraycopy(edge.waypoints(), 0, points, 2, edge.waypoints().length);
        points[points.length - 2] = to.x();
        points[points.length - 1] = to.y();
        // The path runs centre to centre; its ends are cut back to the nodes' outlines.
        double[] start = clip(points[2], points[3], points[0], points[1], bounds(from));
        double[] end = clip(points[points.length - 4], points[points.length - 3], to.x(), to.y(), bounds(to));
        points[0] = (int) Math.round(start[0]);
        points[1] = (int) Math.round(start[1]);
        points[points.length - 2] = (int) Math.round(end[0]);
        points[points.length - 1] = (int) Math.round(end[1]);
        g.setColor(INK);
        g.setStroke(new BasicStroke(1.6f));
        for (int i = 0; i + 3 < points.length; i += 2) {
            g.draw(new Line2D.Double(points[i], points[i + 1], points[i + 2], points[i + 3]));
        }
        int n = points.length;
        drawArrowHead(g, points[n - 4], points[n - 3], points[n - 2], points[n - 1]);
        if (!edge.label().isEmpty()) {
            int segment = edge.waypoints().length > 0 ? 2 : 0;
            drawLabel(g, edge.label(), (points[segment] + points[segment + 2]) / 2, (points[segment + 1] + points[segment + 3]) / 2);
        }
    }

    /** Where the segment from (x0, y0) outside the rectangle to (x1, y1) at its centre enters it. */
    private static double[] clip(double x0, double y0, double x1, double y1, Rectangle r) {
        double dx = x0 - x1;
        double dy = y0 - y1;
        double tx = dx == 0 ? Double.MAX_VALUE : (r.width / 2.0 + 4) / Math.abs(dx);
        double ty = dy == 0 ? Double.MAX_VALUE : (r.height / 2.0 + 4) / Math.abs(dy);
        double t = Math.min(1, Math.min(tx, ty));
        return new double[] {x1 + dx * t, y1 + dy * t};
    }

    private static void drawArrowHead(Graphics2D g, double x0, double y0, double x1, double y1) {
        double angle = Math.atan2(y1 - y0, x1 - x0);
        int size = 11;
        Polygon head = new Polygon();
        head.addPoint((int) Math.round(x1), (int) Math.round(y1));
        head.addPoint((int) Math.round(x1 - size * Math.cos(angle - 0.4)), (int) Math.round(y1 - size * Math.sin(angle - 0.4)));
        head.addPoint((int) Math.round(x1 - size * Math.cos(angle + 0.4)), (int) Math.round(y1 - size * Math.sin(angle + 0.4)));
        g.fill(head);
    }

    private static void drawLabel(Graphics2D g, String label, int x, int y) {
        g.setFont(TEXT);
        FontMetrics metrics = g.getFontMetrics();
        int width = metrics.stringWidth(label) + 8;
        g.setColor(Color.WHITE);
        g.fillRect(x - width / 2, y - LINE_HEIGHT / 2 - 1, width, LINE_HEIGHT);
        g.setColor(new Color(0x44, 0x55, 0x66));
        g.drawString(label, x - width / 2 + 4, y + 4);
    }
}

package com.marketplace.localstack;

import com.marketplace.config.ConfigException;
import com.marketplace.config.StartupFailure;
import com.marketplace.events.Topics;
import com.marketplace.kafka.topics.CoPartitioningException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar local-stack/target/local-stack.jar [--demo N]}: starts the local stack, runs the
 * demo traffic when asked, and waits; Ctrl-C stops everything cleanly.
 */
public final class Main {

    private static final Logger log = LoggerFactory.getLogger(Main.class);
    private static final List<String> DEMO_TOPICS = Stream.concat(Topics.ORDER_EVENT_TOPICS.stream(),
            Topics.OUTPUT_TOPICS.stream()).toList();

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        LocalStackOptions options;
        try {
            options = LocalStackOptions.parse(args, System.getenv());
        } catch (ConfigException e) {
            System.err.println("invalid configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        LocalStack stack = new LocalStack(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.close();
            stopped.countDown();
        }, "local-stack-shutdown"));
        try {
            stack.start();
        } catch (ConfigException e) {
            log.error("Local stack failed to start: invalid configuration: {}", e.getMessage());
            System.exit(2);
        } catch (CoPartitioningException e) {
            log.error("Local stack refuses to start: {}", e.getMessage());
            System.exit(1);
        } catch (RuntimeException | Error e) { // an Error too: the broker's threads would keep a half start alive
            if (stack.isStopRequested()) {
                // Ctrl-C during start-up: the shutdown hook stops what had started
                log.info("Local stack start-up ended by a stop request");
                return;
            }
            log.error("Local stack failed to start: {}", StartupFailure.describe(e));
            log.debug("start-up failure", e);
            System.exit(1);
        }
        if (options.demoOrders() > 0) {
            runDemo(stack, options.demoOrders());
        }
        if (stack.isClosed()) { // Ctrl-C during the demo: the shutdown hook is stopping the stack
            stopped.await();
            return;
        }
        log.info("Stats API at {}/api/v1/stats/status-counts", stack.streamsUrl());
        log.info("Ready. Try: curl -s -XPOST {}/api/v1/orders -H 'Content-Type: application/json' -d "
                + "'{\"buyerId\":1,\"buyerEmail\":\"a@b.c\",\"currency\":\"KRW\",\"items\":[{\"productId\":10,"
                + "\"sellerId\":7,\"quantity\":2,\"unitPrice\":1500.00}]}'   (Ctrl-C stops)", stack.gatewayUrl());
        Optional<String> failure;
        try {
            failure = stack.awaitFailure();
        } catch (RuntimeException e) { // the watch itself failed: the stack runs unwatched, so stop it
            failure = Optional.of(StartupFailure.describe(e));
        }
        if (failure.isPresent()) {
            // as the stand-alone services do: a supervisor, or the user, starts it again
            log.error("Local stack stopping with exit code 1: {}", failure.get());
            try {
                stack.close();
            } finally {
                System.exit(1);
            }
        }
        stopped.await();
    }

    private static void runDemo(LocalStack stack, int orders) throws InterruptedException {
        try {
            // the demo compares the stats with a baseline read first: events a stopped run left unprocessed
            // (the streams app stops before the gateway's relay) are taken into it before it is read
            try {
                TopicCounts.awaitConsumed(stack.bootstrapServers(), stack.streamsApplicationId(),
                        Topics.ORDER_EVENT_TOPICS);
            } catch (IllegalStateException behind) {
                log.warn("Demo: could not see the streams app take in every earlier event ({}); the demo's check"
                        + " of the stats and its topic counts may count some of them", behind.getMessage());
            }
            // the topics may hold the records of earlier runs (data/ is kept): count the demo's own
            Map<TopicPartition, Long> demoStart = TopicCounts.ends(stack.bootstrapServers(), DEMO_TOPICS);
            new DemoTraffic(stack.gatewayUrl(), stack.streamsUrl(), System.nanoTime()).run(orders);
            // the counts below are of committed records: first let the streams app commit what it derived
            TopicCounts.awaitConsumed(stack.bootstrapServers(), stack.streamsApplicationId(),
                    Topics.ORDER_EVENT_TOPICS);
            log.info("Topics: {} records committed during the demo",
                    TopicCounts.committedSince(stack.bootstrapServers(), DEMO_TOPICS, demoStart));
        } catch (RuntimeException e) { // the stack runs on without its demo: an answer refused, a broker slow to answer
            if (stack.isClosed()) {
                log.info("Demo traffic ended by a stop request");
                return;
            }
            log.error("Demo traffic failed: {}", StartupFailure.describe(e));
        }
    }
}

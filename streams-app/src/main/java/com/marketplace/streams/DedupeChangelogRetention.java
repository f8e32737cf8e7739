package com.marketplace.streams;

import com.marketplace.events.StoreNames;
import com.marketplace.streams.config.StreamsAppConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code dedupe-store}'s changelog as long as {@code DEDUPE_RETENTION} needs. Kafka Streams
 * gives a window store's changelog a {@code retention.ms} of the store's retention plus
 * {@value StreamsConfig#WINDOW_STORE_CHANGE_LOG_ADDITIONAL_RETENTION_MS_CONFIG} (here
 * {@link StreamsAppConfig#WINDOW_CHANGELOG_ADDITIONAL_RETENTION}) when it creates the topic, and never
 * changes it after: a longer {@code DEDUPE_RETENTION} at a later start
 * would hold in the local store only, and a store rebuilt from the changelog (a crash under
 * exactly_once_v2, a new instance) would forget the eventIds older than the first retention, letting
 * their copies through. So at every start, before Kafka Streams starts, a changelog whose retention
 * is shorter is raised to the new one; a longer one is left alone (a shorter {@code DEDUPE_RETENTION}
 * only forgets sooner). A missing changelog is left to Kafka Streams, which creates it right.
 *
 * <p>Raising needs the permission to alter the topic's configuration. Refused (missing
 * authorisation, an alter-config policy), the start goes on and the log says what to run by hand;
 * an unreachable broker fails the start as the topic check does.
 */
final class DedupeChangelogRetention {

    /** The app's {@link StreamsConfig#WINDOW_STORE_CHANGE_LOG_ADDITIONAL_RETENTION_MS_CONFIG}. */
    static final Duration ADDITIONAL_RETENTION = StreamsAppConfig.WINDOW_CHANGELOG_ADDITIONAL_RETENTION;

    private static final Logger log = LoggerFactory.getLogger(DedupeChangelogRetention.class);

    private DedupeChangelogRetention() {
    }

    /** The changelog topic of {@code dedupe-store} for {@code applicationId}, as Kafka Streams names it. */
    static String topic(String applicationId) {
        return applicationId + "-" + StoreNames.DEDUPE + "-changelog";
    }

    /** The {@code retention.ms} the changelog needs for {@code dedupeRetention}. */
    static long requiredMillis(Duration dedupeRetention) {
        return dedupeRetention.plus(ADDITIONAL_RETENTION).toMillis();
    }

    /**
     * Raises the changelog's {@code retention.ms} to {@link #requiredMillis} when it exists with less.
     *
     * @return whether it was raised
     * @throws IllegalStateException when the broker does not answer within {@code timeout}, or fails
     *                               for a reason other than a refusal
     */
    static boolean raise(Admin admin, String applicationId, Duration dedupeRetention, Duration timeout) {
        String topic = topic(applicationId);
        long required = requiredMillis(dedupeRetention);
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            Config config = admin.describeConfigs(List.of(resource)).all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(resource);
            ConfigEntry entry = config == null ? null : config.get(TopicConfig.RETENTION_MS_CONFIG);
            long current = entry == null || entry.value() == null ? -1 : Long.parseLong(entry.value());
            if (current < 0 || current >= required) {
                return false; // kept for ever (-1), or long enough
            }
            AlterConfigOp set = new AlterConfigOp(
                    new ConfigEntry(TopicConfig.RETENTION_MS_CONFIG, Long.toString(required)), AlterConfigOp.OpType.SET);
            admin.incrementalAlterConfigs(Map.of(resource, List.of(set))).all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            log.info("Raised {} retention.ms from {} to {}: DEDUPE_RETENTION {} plus {}", topic, current,
                    required, dedupeRetention, ADDITIONAL_RETENTION);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading " + topic + "'s retention", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UnknownTopicOrPartitionException) {
                return false; // the first start: Kafka Streams creates it with the required retention
            }
            if (cause instanceof AuthorizationException || cause instanceof PolicyViolationException) {
                log.warn("Cannot raise {} retention.ms to {} for DEDUPE_RETENTION {} ({}): a store rebuilt from it"
                        + " remembers eventIds only as long as its retention; raise it by hand (docs/operations.md,"
                        + " \"Upgrading and resetting the streams app\")", topic, required, dedupeRetention, cause.getClass().getSimpleName());
                return false;
            }
            throw new IllegalStateException("cannot read or raise " + topic + "'s retention: " + cause, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot read or raise " + topic + "'s retention: no answer in " + timeout, e);
        }
    }
}

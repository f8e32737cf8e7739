package com.marketplace.gateway.outbox;

import com.marketplace.kafka.errors.Causes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves outbox rows to Kafka: claim a batch in a short transaction, publish it, then record the
 * outcome in a second short transaction. No database lock is held while talking to Kafka.
 *
 * <p>Guarantees: every committed row is published at least once (a crash after the acks and
 * before the mark re-sends the batch once the lease expires; duplicates carry the same eventId and
 * are removed downstream). Events of one order are published in outbox order. A row fails over to
 * FAILED after {@code maxAttempts} retriable failures, or at once for a failure that can never
 * heal; a FAILED row holds back later events of its order and nothing else.
 *
 * <p>A claimed batch is held through one claim, a row handed over at commit through a lease of its
 * own (see {@link OutboxStore}). Both are short and renewed while rows are in flight
 * ({@link LeaseKeeper}): rows held by a relay that died are claimable again one lease after its last
 * renewal. Recording a batch first ends its claim, and every update of a leased row is fenced on
 * {@code claimed_by}; rows refused because another relay took them over (this relay was paused or
 * cut off past its lease) are counted in {@code outbox_fenced_total} and logged in one WARN line per
 * recording transaction.
 *
 * <p>The relay runs on two single-thread executors of its own, {@code outbox-relay-<id>} (claim and
 * send) and {@code outbox-relay-acks-<id>} (await and record), plus the lease renewer. Rows of this
 * instance's transactions are usually handed to it right after their commit, already leased to it
 * ({@link OutboxHandoff}): it sends them at once, without a claim round. {@link #eventsCommitted()}
 * asks for a claim round for rows written unleased; the poll interval is only the fallback for rows
 * written by other instances and for retries.
 */
public final class OutboxRelay implements OutboxNotifier, OutboxHandoff, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final Duration MAX_IDLE_BACKOFF = Duration.ofSeconds(30);
    /** How long {@link #close()} waits for the threads once more after the producer's close has released them. */
    private static final Duration AFTER_PRODUCER_CLOSE = Duration.ofSeconds(2);
    /**
     * Sent batches whose outcome is not recorded yet that the claiming thread may have queued for the
     * completer; it blocks on the next one. Counted until the recording transaction ends, not until
     * the completer takes a batch, so collecting a group does not let the claimer run ahead: under
     * load it waits while a recording runs, and the rows handed over meanwhile leave in one larger
     * send instead of many small ones.
     */
    private static final int UNRECORDED_BATCHES = 3;
    /** The least time between two log lines for the rows a broker refused this client. */
    private static final long REFUSAL_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final OutboxPublisher.Sent END_OF_STREAM = OutboxPublisher.Sent.NOTHING;

    private final OutboxTransactions outbox;
    private final OutboxPublisher publisher;
    private final RelaySettings settings;
    private final OutboxMetrics metrics;
    private final Clock clock;
    private final RetryBackoff backoff;
    /** When the last line for refused rows was logged ({@link System#nanoTime()}); the first is logged at once. */
    private volatile long lastRefusalLogged = System.nanoTime() - REFUSAL_LOG_INTERVAL_NANOS;
    private final LeaseKeeper leases;
    private final Semaphore wakeup = new Semaphore(0);
    /** Committed rows leased to this relay at insert, waiting to be sent in order of commit. */
    private final ConcurrentLinkedQueue<OutboxRow> handedOver = new ConcurrentLinkedQueue<>();
    private final AtomicInteger handedOverCount = new AtomicInteger();
    /** Set when rows may be waiting that only a claim round finds. */
    private final AtomicBoolean claimWanted = new AtomicBoolean(true);
    /**
     * Orders with unleased rows committed, and when: a claim round may have found such a row behind
     * an event of its order still in flight here, so recording that event asks for another round.
     * Entries go when a claim takes a row of the order, or after two poll intervals (the row may
     * have gone to another relay; the poll covers it anyway).
     */
    private final Map<String, Long> awaited = new ConcurrentHashMap<>();
    private long lastClaimNanos;
    /** Runs {@link #loop()}: claims and sends. */
    private final ExecutorService claimer;
    /** Runs {@link #completeLoop()}: awaits the acknowledgements and records them. */
    private final ExecutorService completer;
    private final AtomicBoolean started = new AtomicBoolean();
    /** Completed with what stopped one of the loops, should one end by throwing or without {@link #close()}. */
    private final CompletableFuture<Throwable> failure = new CompletableFuture<>();
    /** Set once, by the first loop to fail ({@link #stoppingOnError}). */
    private final AtomicBoolean stopped = new AtomicBoolean();
    /** Set by {@link #close()} before it stops the loops: a loop that ends then has not failed. */
    private volatile boolean closing;
    /** Batches handed to the producer and not yet taken by the completer, in order of sending. */
    private final BlockingQueue<OutboxPublisher.Sent> inFlight = new LinkedBlockingQueue<>();
    /**
     * Set while the claiming thread holds rows it has taken (from {@link #handedOver} or a claim) and
     * not yet queued in {@link #inFlight}: rows on their way from one to the other.
     */
    private volatile boolean sending;
    /** One permit per sent batch not yet recorded, so claiming cannot run far ahead of recording. */
    private final Semaphore unrecorded = new Semaphore(UNRECORDED_BATCHES);
    private Runnable beforeFirstRound = () -> { };
    /** Read by whichever thread closes the relay. */
    private volatile Runnable firstRoundCancel = () -> { };
    private volatile boolean running;
    /**
     * Set while the claiming loop runs its rounds: after {@link #beforeFirstRound} succeeded and until
     * the loop ends. Order transactions get leases only then; a relay that cannot reach its broker
     * must not take rows that no other relay may send meanwhile.
     */
    private volatile boolean sendingRounds;
    /** Failed claim rounds (or first-round preparations) in a row; drives the idle back-off. */
    private final AtomicInteger consecutiveErrors = new AtomicInteger();
    /**
     * Whether the last recording (written by the completer thread, read by the claiming thread) had
     * every outcome acknowledged: a failure makes the claiming thread wait for the next wake-up or
     * poll instead of claiming again at once.
     */
    private volatile boolean lastRecordingClean = true;

    public OutboxRelay(OutboxTransactions outbox, OutboxPublisher publisher, RelaySettings settings,
            OutboxMetrics metrics, Clock clock) {
        this.outbox = outbox;
        this.publisher = publisher;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
        this.backoff = new RetryBackoff(settings.backoffBase(), settings.backoffMax());
        this.leases = new LeaseKeeper(outbox, settings, metrics, clock);
        // daemon or not like the thread that builds the relay, as a thread created here would be
        boolean daemon = Thread.currentThread().isDaemon();
        this.claimer = singleThread("outbox-relay-" + settings.relayId(), daemon);
        this.completer = singleThread("outbox-relay-acks-" + settings.relayId(), daemon);
    }

    private static ExecutorService singleThread(String name, boolean daemon) {
        return Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(daemon);
            return thread;
        });
    }

    /**
     * Runs one of the relay's two loops. Should it end by throwing (an {@link Error}: memory exhausted, a
     * class that cannot be linked; or an exception no step expects: each handles those of its database,
     * its producer and its broker), or end while the relay is not being closed (an interrupt, which
     * nothing here sends) and not {@code endedInTurn} (after the other loop, which reports why), the
     * relay stops at once: no more rows are leased to it, its lease keeper stops renewing, so every row
     * and claim it held lapses and any relay takes it over (copies with the same eventId, never a
     * loss), and a claimer waiting for a place among the unrecorded batches, or between rounds, is let
     * go. Left running, the keeper would renew the leases of rows nothing sends any more, for as long as
     * the process lives.
     */
    private void stoppingOnError(String loop, Runnable body, BooleanSupplier endedInTurn) {
        Throwable cause;
        boolean threw = false;
        try {
            body.run();
            if (closing || endedInTurn.getAsBoolean()) {
                return;
            }
            cause = new IllegalStateException("its " + loop + " thread ended without the relay being closed");
        } catch (Throwable e) {
            cause = e;
            threw = true;
        }
        if (stopped.compareAndSet(false, true)) {
            stop(loop, cause);
        } else if (threw) {
            log.error("Outbox relay {}: its {} thread failed too", settings.relayId(), loop, cause);
        }
    }

    /** Stops the relay after its {@code loop} thread failed with {@code cause}: the first failure only. */
    private void stop(String loop, Throwable cause) {
        running = false;
        sendingRounds = false;
        // each step below runs whatever the one before did: any may fail too when memory has run out
        try {
            log.error("Outbox relay {} stopped: its {} thread failed; other relays take its rows over once"
                    + " their leases lapse", settings.relayId(), loop, cause);
        } finally {
            try {
                unrecorded.release(UNRECORDED_BATCHES); // the claimer let go first
                wake(); // a claimer between rounds ends now and releases the rows handed to it
                cancelFirstRoundWork(); // and one still preparing its first round ends too
                leases.close();
            } finally {
                failure.complete(cause);
            }
        }
    }

    /**
     * Completes with the throwable that stopped the relay, when one of its loops ends by throwing or
     * ends while the relay is not being closed (see {@link #stoppingOnError}); a relay that is closed,
     * or runs on, never completes it. The
     * gateway reports not ready from then on and its process exits (docs/architecture.md, "The relay in detail").
     */
    public CompletionStage<Throwable> failure() {
        return failure.copy();
    }

    /**
     * Work the relay thread must finish before its first round, retried with backoff until it
     * succeeds or the relay is closed (e.g. creating the topics while the broker is still down). Set
     * before {@link #start()}, which hands it to the claiming thread. The relay's close (and its stop
     * after a failure) runs {@code cancel} to end an attempt under way at once: the relay holds no rows
     * before its first round. {@code cancel} runs on the closing thread, on every close, before, during
     * or after the task's attempts, and perhaps more than once: it must be idempotent, make an attempt
     * under way end soon (it may throw) and one not begun yet fail at once.
     *
     * @throws IllegalStateException when the relay was started
     */
    public OutboxRelay beforeFirstRound(Runnable task, Runnable cancel) {
        if (started.get()) {
            throw new IllegalStateException("outbox relay " + settings.relayId() + " was started: set its first"
                    + " round's work before");
        }
        this.beforeFirstRound = Objects.requireNonNull(task, "task");
        this.firstRoundCancel = Objects.requireNonNull(cancel, "cancel");
        return this;
    }

    /**
     * Starts the relay's threads.
     *
     * @throws IllegalStateException when it was started before, or closed
     */
    public void start() {
        if (closing) {
            // its executors are shut down: the lease keeper's thread would start and run on alone
            throw new IllegalStateException("outbox relay " + settings.relayId() + " was closed");
        }
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("outbox relay " + settings.relayId() + " was started before");
        }
        running = true;
        leases.start();
        // the recording loop ends in turn when the claiming loop has ended (running off): that one reports why
        completer.execute(() -> stoppingOnError("recording", this::completeLoop, () -> !running));
        claimer.execute(() -> stoppingOnError("claiming", this::loop, () -> false));
        log.info("Outbox relay {} started (batch {}, poll {}, lease {} renewed every {})", settings.relayId(),
                settings.batchSize(), settings.pollInterval(), settings.lease(), leases.renewInterval());
    }

    /** Asks for a claim round soon; cheap and non-blocking, called after a commit that wrote unleased rows. */
    @Override
    public void eventsCommitted() {
        claimWanted.set(true);
        wake();
    }

    /**
     * A lease for rows about to be written in an order transaction, while this relay runs its rounds
     * (prepared, not closing) and has fewer than two batches of handed-over rows waiting.
     */
    @Override
    public Optional<Lease> lease() {
        if (!running || !sendingRounds || handedOverCount.get() >= 2 * settings.batchSize()) {
            return Optional.empty();
        }
        return Optional.of(new Lease(settings.relayId(), clock.instant().plus(settings.lease())));
    }

    /**
     * Whether a transaction that took {@code lease} committed in time: within the first third of the
     * lease. The keeper renews every third of a lease, so its next renewal of the handed-over rows
     * then comes with at least a third of the lease to spare.
     */
    @Override
    public boolean canHandOver(Lease lease) {
        return clock.instant().isBefore(lease.until().minus(leases.renewInterval().multipliedBy(2)));
    }

    /**
     * Takes the committed leased rows of a transaction; they are sent on the next round. Their leases
     * are renewed from now on, while they wait too: the claiming thread may be held up (sent batches
     * unrecorded, a producer waiting for the broker) for longer than a lease, and another relay would
     * then take them over and send them as well.
     */
    @Override
    public void committed(List<OutboxRow> rows, Set<String> unleasedAggregates) {
        if (!rows.isEmpty()) {
            leases.claimed(rows);
            handedOver.addAll(rows);
            handedOverCount.addAndGet(rows.size());
            if (!sendingRounds) {
                // leased just before the loop ended: nobody sends them here, so let them go at once,
                // on a thread of its own (this one is an order's request, which must not wait for it)
                Thread release = new Thread(this::releaseHandedOver, "outbox-relay-release-" + settings.relayId());
                release.setDaemon(true);
                release.start();
            }
        }
        if (!unleasedAggregates.isEmpty()) {
            if (sendingRounds) { // only the rounds forget them: before the first, the first claim takes every row
                long now = System.nanoTime();
                unleasedAggregates.forEach(aggregate -> awaited.put(aggregate, now));
            }
            claimWanted.set(true);
        }
        wake();
    }

    private void wake() {
        if (wakeup.availablePermits() == 0) {
            wakeup.release();
        }
    }

    /**
     * One round on the caller's thread, outside the relay's own loops: claim, publish, record
     * outcomes. Lets a caller step rounds one by one (e.g. against a mutable clock).
     *
     * @return the number of rows claimed (0 when nothing was due)
     */
    int runOnce() {
        List<OutboxRow> batch = claim();
        if (batch.isEmpty()) {
            return 0;
        }
        complete(publisher.publish(batch));
        return batch.size();
    }

    /** Claims the next batch for this relay in a transaction of its own. */
    List<OutboxRow> claim() {
        long start = System.nanoTime();
        List<OutboxRow> rows = List.of();
        leases.claimRoundStarting();
        try {
            rows = outbox.inTransaction(store -> {
                // timed once the transaction has its connection: the wait for one (shared with the
                // requests) must not come out of the lease
                Instant now = clock.instant();
                return store.claim(settings.relayId(), now, now.plus(settings.lease()), settings.batchSize());
            });
        } finally {
            leases.claimRoundEnded(rows);
        }
        metrics.claimTimer().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        return rows;
    }

    /**
     * Records what happened to published rows, fenced on this relay's hold on them: first the claims
     * they were sent under are ended, and the rows of a claim another relay has taken over meanwhile
     * are left alone, as are leased rows another relay has re-claimed; those are counted as fenced and
     * logged.
     */
    void complete(List<PublishOutcome> outcomes) {
        record(outcomes).run();
    }

    /**
     * {@link #complete}'s recording transaction; returns its metrics and log lines, to run once it has
     * committed.
     */
    private Runnable record(List<PublishOutcome> outcomes) {
        Instant now = clock.instant();
        Set<LeaseKeeper.Hold> knownLost = leases.finished(outcomes.stream().map(PublishOutcome::row).toList());
        List<PublishOutcome> live = outcomes.stream()
                .filter(o -> !knownLost.contains(LeaseKeeper.Hold.of(o.row()))).toList();
        Recorded recorded = outbox.inTransaction(store -> {
            // in claim order, as a renewal takes their locks
            Set<Long> ended = new HashSet<>();
            live.stream().map(PublishOutcome::row).filter(OutboxRow::claimed).map(OutboxRow::claimId).distinct()
                    .sorted().filter(claim -> store.endClaim(settings.relayId(), claim)).forEach(ended::add);
            List<PublishOutcome> ackedOutcomes = new ArrayList<>(live.size());
            List<OutboxRow> notSent = new ArrayList<>();
            List<PublishOutcome> failures = new ArrayList<>();
            // rows a refusal may concern and that no recording below leaves claimable: once recorded
            // they are PROCESSED or parked, so one that a claim holds now was refused
            List<OutboxRow> refusable = new ArrayList<>();
            int takenOver = 0;
            for (PublishOutcome outcome : live) {
                if (outcome.row().claimed() && !ended.contains(outcome.row().claimId())) {
                    takenOver++;
                    refusable.add(outcome.row());
                    continue;
                }
                switch (outcome.result()) {
                    case ACKED -> ackedOutcomes.add(outcome);
                    case NOT_SENT -> notSent.add(outcome.row());
                    default -> failures.add(outcome);
                }
            }
            List<OutboxRow> acked = ackedOutcomes.stream().map(PublishOutcome::row).toList();
            if (!failures.isEmpty() || !notSent.isEmpty()) {
                // acknowledged rows are marked in one statement and the others updated after them, so
                // their locks would come out of id order; a renewal takes them in id order, and the two
                // could wait for each other (the recording, rolled back, would have its rows re-sent)
                store.lockRows(Stream.of(acked.stream(), failures.stream().map(PublishOutcome::row), notSent.stream())
                        .flatMap(rows -> rows).map(OutboxRow::id).sorted().toList());
            }
            int marked = store.markProcessed(settings.relayId(), acked, now);
            refusable.addAll(acked);
            List<Runnable> failuresCommitted = new ArrayList<>(failures.size());
            for (PublishOutcome failure : failures) {
                Optional<Runnable> recordedFailure = recordFailure(store, failure, now);
                recordedFailure.ifPresentOrElse(failuresCommitted::add, () -> refusable.add(failure.row()));
            }
            int released = store.release(settings.relayId(), notSent);
            // a copy that was not marked (another relay's now) delivered nothing; which of them it was the
            // count does not say, so a recording with one times none
            List<PublishOutcome> delivered = marked == acked.size() ? ackedOutcomes : List.of();
            return new Recorded(takenOver, acked.size() - marked, failures.size() - failuresCommitted.size(),
                    notSent.size() - released, marked, refusable, delivered, failuresCommitted);
        });
        lastRecordingClean = live.size() == outcomes.size()
                && live.stream().allMatch(o -> o.result() == PublishOutcome.Result.ACKED);
        // counted and logged once committed: a recording rolled back has its rows tried again
        return () -> {
            recorded.failuresCommitted().forEach(Runnable::run);
            recordMetrics(recorded);
            // a row refused because a claim round of this relay took it back meanwhile (its hold had
            // lapsed, and the round ran after finished() above) is this relay's still: not fenced
            recordFenced(recorded, recorded.refused() == 0 ? 0 : leases.heldThroughNewerClaim(recorded.refusable()));
            logUnavailable(live);
        };
    }

    /**
     * The rows of one recording refused because a claim holds them now: of claims taken over, and
     * leased rows re-claimed, by outcome; how many rows were marked PROCESSED; and the rows among
     * which the refused ones are, but for unsent rows refused (see {@link #complete}); the
     * acknowledged sends that delivered the rows marked; and the metrics and logs of the failures
     * recorded, to run once the recording has committed.
     */
    private record Recorded(int ofClaimsTakenOver, int notMarked, int failureNotRecorded, int notReleased,
            int marked, List<OutboxRow> refusable, List<PublishOutcome> delivered, List<Runnable> failuresCommitted) {

        int refused() {
            return ofClaimsTakenOver + notMarked + failureNotRecorded + notReleased;
        }
    }

    /** @param retakenByOwnClaim of the refused rows, those a newer claim of this relay holds now */
    private void recordFenced(Recorded recorded, int retakenByOwnClaim) {
        int fenced = Math.max(0, recorded.refused() - retakenByOwnClaim);
        if (retakenByOwnClaim > 0) {
            log.debug("Relay {}: {} outbox rows had been claimed again by this relay after its lease expired; "
                    + "recorded through the newer claim", settings.relayId(), retakenByOwnClaim);
        }
        if (fenced > 0) {
            metrics.fenced(fenced);
            log.warn("Relay {}: {} outbox rows had been re-claimed by another relay after this relay's lease expired; "
                    + "their outcome was not recorded (refused: of claims taken over {}, acknowledged {}, failed {}, "
                    + "unsent {}; of those, taken back by this relay {})", settings.relayId(), fenced,
                    recorded.ofClaimsTakenOver(), recorded.notMarked(), recorded.failureNotRecorded(),
                    recorded.notReleased(), retakenByOwnClaim);
        }
    }

    /**
     * @return the failure's metric and log line, to run once the recording has committed; empty when
     *         the row was no longer this relay's to update
     */
    private Optional<Runnable> recordFailure(OutboxStore store, PublishOutcome failure, Instant now) {
        OutboxRow row = failure.row();
        // an unavailable broker is no fault of the event's: the attempt is not counted, and the row is
        // retried after the first step of the backoff, whatever its earlier attempts, for as long as it
        // lasts (each try takes the producer's own 10-30 s to fail), so the backlog drains as soon as the
        // broker is back
        // a refusal of this client (authentication, authorization) is no fault of the event's either,
        // but it comes at once: the row waits the backoff's longest delay, not its first step
        boolean refused = failure.result() == PublishOutcome.Result.REFUSED;
        boolean counts = failure.result() != PublishOutcome.Result.UNAVAILABLE && !refused;
        int attempts = row.retryCount() + 1;
        boolean park = failure.result() == PublishOutcome.Result.NON_RETRIABLE
                || (counts && attempts >= settings.maxAttempts());
        OutboxStatus status = park ? OutboxStatus.FAILED : OutboxStatus.PENDING;
        // the cause too: a producer that was refused once reports its later sends as its own error state
        String error = Causes.describe(failure.error());
        Instant due = backoff.nextAttemptAt(now, refused ? Integer.MAX_VALUE : counts ? attempts : 1);
        if (!store.recordFailure(settings.relayId(), row, status, due, error, counts)) {
            return Optional.empty();
        }
        return Optional.of(() -> {
            if (park) {
                metrics.failed();
                log.error("Outbox event {} of order {} parked as FAILED after {} attempt(s): {}",
                        row.eventId(), row.aggregateId(), attempts, error);
            } else if (counts) {
                metrics.retried();
                log.warn("Outbox event {} attempt {} failed, will retry: {}", row.eventId(), attempts, error);
            } else {
                metrics.retried(); // one line for the whole batch instead (logUnavailable)
                log.debug("Outbox event {} not published, the broker was unavailable or refused this client;"
                        + " will retry: {}", row.eventId(), error);
            }
        });
    }

    /**
     * One line per recording for the events the broker could not take, however many they were, and
     * at most one a minute for those it refused this client.
     */
    private void logUnavailable(List<PublishOutcome> outcomes) {
        List<PublishOutcome> unavailable = withResult(outcomes, PublishOutcome.Result.UNAVAILABLE);
        if (!unavailable.isEmpty()) {
            log.warn("Relay {}: {} outbox events not published, the broker was unavailable; retrying them: {}",
                    settings.relayId(), unavailable.size(), String.valueOf(unavailable.get(0).error()));
        }
        List<PublishOutcome> refused = withResult(outcomes, PublishOutcome.Result.REFUSED);
        long now = System.nanoTime();
        if (!refused.isEmpty() && now - lastRefusalLogged >= REFUSAL_LOG_INTERVAL_NANOS) {
            // a refusal comes at once, so at a steady rate every order's own recording meets one
            lastRefusalLogged = now;
            log.error("Relay {}: {} outbox events not published, the broker refused this client (authentication or"
                    + " authorization); retrying them within {} s, they go out once the broker's set-up is fixed"
                    + " (logged at most once a minute): {}", settings.relayId(), refused.size(),
                    settings.backoffMax().toSeconds(), Causes.describe(refused.get(0).error()));
        }
    }

    private static List<PublishOutcome> withResult(List<PublishOutcome> outcomes, PublishOutcome.Result result) {
        return outcomes.stream().filter(outcome -> outcome.result() == result).toList();
    }

    private void recordMetrics(Recorded recorded) {
        metrics.published(recorded.marked());
        for (PublishOutcome outcome : recorded.delivered()) {
            metrics.commitToAck(outcome.row().createdAt(), outcome.ackedAt());
        }
    }

    /**
     * The claiming thread's loop: claim a batch, hand it to the producer, queue it for the completer,
     * repeat at once while batches come back full. A second thread waits for the acknowledgements
     * and records them, so claiming batch N+1, publishing batch N and recording batch N-1 overlap.
     * Ordering still holds: a batch in flight is still PENDING, so the head-of-order rule keeps
     * later events of its orders out of the next claim.
     */
    private void loop() {
        try {
            prepare();
            lastClaimNanos = System.nanoTime();
            sendingRounds = running;
            rounds();
        } finally {
            // ended by close() or by an interrupt: either way this relay sends nothing more
            running = false;
            sendingRounds = false;
            endStream();
            // a wait for one of the pool's connections ends at an interrupt: release first, then restore the flag
            boolean interrupted = Thread.interrupted();
            releaseHandedOver();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        log.info("Outbox relay {} stopped claiming", settings.relayId());
    }

    private void rounds() {
        while (running) {
            sending = true;
            List<OutboxRow> handed = takeHandedOver();
            if (!handed.isEmpty() && !enqueue(publisher.send(handed))) {
                break;
            }
            sending = false;
            // no new claim once closing has begun: close() waits for what is in flight only
            if (running && claimDue()) {
                List<OutboxRow> claimed = claimSafely();
                forgetAwaited(claimed);
                sending = !claimed.isEmpty();
                if (!claimed.isEmpty() && !enqueue(publisher.send(claimed))) {
                    break;
                }
                sending = false;
                // a full batch, and the last recording had no failure: more is probably waiting, go again at once
                if (claimed.size() == settings.batchSize() && lastRecordingClean) {
                    claimWanted.set(true);
                }
            }
            if (handedOver.isEmpty() && !claimWanted.get()) {
                awaitWakeup(untilNextClaim());
            }
        }
    }

    /**
     * Gives up the leases of handed-over rows this relay will not send now that its loop has ended
     * (closing, or interrupted), so that any relay may claim them at once instead of after the lease.
     * A failure leaves them to run out.
     */
    private void releaseHandedOver() {
        List<OutboxRow> left = drainHandedOver(Integer.MAX_VALUE);
        if (left.isEmpty()) {
            return;
        }
        leases.finished(left);
        try {
            int released = outbox.inTransaction(store -> store.release(settings.relayId(), left));
            log.info("Outbox relay {} released {} handed-over rows it did not send", settings.relayId(), released);
        } catch (RuntimeException e) {
            log.warn("Outbox relay {} could not release {} handed-over rows; other relays take them after the lease: {}",
                    settings.relayId(), left.size(), e.toString());
        }
    }

    private void forgetAwaited(List<OutboxRow> claimed) {
        claimed.forEach(row -> awaited.remove(row.aggregateId()));
        long now = System.nanoTime();
        long kept = 2 * settings.pollInterval().toNanos();
        awaited.values().removeIf(since -> now - since > kept);
    }

    /**
     * Up to a batch of handed-over rows, in the order they were committed, less those this relay no
     * longer holds by their lease (taken over while they waited, by another relay or a claim of its own).
     */
    private List<OutboxRow> takeHandedOver() {
        List<OutboxRow> rows = drainHandedOver(settings.batchSize());
        return rows.isEmpty() ? rows : leases.stillLeased(rows);
    }

    /** Up to {@code max} handed-over rows off their queue, in the order they were committed. */
    private List<OutboxRow> drainHandedOver(int max) {
        List<OutboxRow> rows = new ArrayList<>();
        OutboxRow row;
        while (rows.size() < max && (row = handedOver.poll()) != null) {
            rows.add(row);
        }
        handedOverCount.addAndGet(-rows.size());
        return rows;
    }

    /** A claim round is due when asked for, or once the idle wait has passed since the last one. */
    private boolean claimDue() {
        if (claimWanted.getAndSet(false) || System.nanoTime() - lastClaimNanos >= idleWait().toNanos()) {
            lastClaimNanos = System.nanoTime();
            return true;
        }
        return false;
    }

    private Duration untilNextClaim() {
        long left = idleWait().toNanos() - (System.nanoTime() - lastClaimNanos);
        return Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(1), left));
    }

    /**
     * Tells the completer that nothing more comes: without the marker it would wait forever. The
     * queue is unbounded (the permits bound it), so this never blocks, even on an interrupted thread.
     */
    private void endStream() {
        inFlight.add(END_OF_STREAM);
    }

    /**
     * Queues a sent batch for the completer once fewer than {@link #UNRECORDED_BATCHES} are
     * unrecorded; false when interrupted meanwhile (its rows stay leased and are re-sent after the lease).
     */
    private boolean enqueue(OutboxPublisher.Sent sent) {
        try {
            unrecorded.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            leases.finished(sent.rows());
            return false;
        }
        inFlight.add(sent);
        return true;
    }

    /**
     * The completer thread's loop, until the claiming loop ends: awaits each batch's acknowledgements
     * in order and records them. At a trickle (no other rows waiting to be sent, being sent or sent
     * when a batch's acknowledgements come) the batches acknowledged within the
     * {@link RelaySettings#recordWindow record window} after it are recorded with it in
     * one transaction, up to {@link #UNRECORDED_BATCHES} batches and a batch of rows; a batch that
     * would overfill the group, or is not acknowledged in time, starts the next group. Under load
     * (rows already waiting) each batch is recorded alone and at once: every recording then frees
     * the claimer for one more send, which carries all the rows committed meanwhile.
     */
    private void completeLoop() {
        OutboxPublisher.Sent carried = null;
        boolean endOfStream = false;
        while (!endOfStream) {
            OutboxPublisher.Sent first = carried != null ? carried : take();
            carried = null;
            if (first == END_OF_STREAM) {
                break;
            }
            int batches = 1;
            List<PublishOutcome> outcomes = new ArrayList<>(awaitSafely(first, System.nanoTime()));
            // rows waiting already, to be sent or sent: under load, so record this one alone and at
            // once (checked in the order rows move: handed over, being sent, sent)
            boolean collect = handedOver.isEmpty() && !sending && inFlight.isEmpty();
            long deadline = System.nanoTime() + settings.recordWindow().toNanos();
            while (collect && batches < UNRECORDED_BATCHES && outcomes.size() < settings.batchSize()
                    && System.nanoTime() - deadline < 0) {
                OutboxPublisher.Sent next = poll(deadline);
                if (next == null) {
                    break;
                }
                if (next == END_OF_STREAM) {
                    endOfStream = true;
                    break;
                }
                long taken = System.nanoTime();
                if (outcomes.size() + next.rows().size() > settings.batchSize() || !next.awaitDone(deadline)) {
                    carried = next;
                    break;
                }
                outcomes.addAll(awaitSafely(next, taken));
                batches++;
            }
            recordSafely(outcomes);
            unrecorded.release(batches);
        }
        log.info("Outbox relay {} stopped", settings.relayId());
    }

    /** The next batch in flight; an interrupt ends the loop as the end of the stream does. */
    private OutboxPublisher.Sent take() {
        try {
            return inFlight.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return END_OF_STREAM;
        }
    }

    /**
     * The next batch in flight if one comes before {@code deadlineNanos} ({@link System#nanoTime()}),
     * else null; an interrupt ends the loop as the end of the stream does (what was collected is still
     * recorded).
     */
    private OutboxPublisher.Sent poll(long deadlineNanos) {
        try {
            return inFlight.poll(deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return END_OF_STREAM;
        }
    }

    private List<OutboxRow> claimSafely() {
        try {
            List<OutboxRow> rows = claim();
            consecutiveErrors.set(0);
            return rows;
        } catch (RuntimeException e) {
            log.warn("Outbox claim failed ({} in a row): {}", consecutiveErrors.incrementAndGet(), e.toString());
            return List.of();
        }
    }

    /**
     * Waits for a batch's acknowledgements: one outcome per row, or none when waiting failed. The wait
     * is timed from {@code sinceNanos}, when this thread began waiting for the batch.
     */
    private List<PublishOutcome> awaitSafely(OutboxPublisher.Sent sent, long sinceNanos) {
        try {
            List<PublishOutcome> outcomes = sent.awaitOutcomes();
            metrics.awaitAcksTimer().record(System.nanoTime() - sinceNanos, TimeUnit.NANOSECONDS);
            return outcomes;
        } catch (RuntimeException e) {
            forget(sent.rows(), "Awaiting the acknowledgements of", e);
            return List.of();
        }
    }

    /**
     * Records the outcomes of a group of batches in one transaction; if the database is unreachable
     * their rows stay leased and are re-sent after the lease.
     */
    private void recordSafely(List<PublishOutcome> outcomes) {
        if (outcomes.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        Runnable committed;
        try {
            committed = record(outcomes);
        } catch (RuntimeException e) {
            forget(outcomes.stream().map(PublishOutcome::row).toList(), "Recording", e);
            return;
        }
        metrics.recordTimer().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        try {
            committed.run();
        } catch (RuntimeException e) { // the rows are recorded: only their report is missing
            log.warn("Relay {}: the metrics and log lines of {} outbox rows recorded failed: {}", settings.relayId(),
                    outcomes.size(), e.toString());
        }
        // a claim's range may have held back rows it did not take (behind an event of their order,
        // or committed late): now that it has ended they are claimable
        if (outcomes.stream().anyMatch(outcome -> outcome.row().claimed()
                || awaited.containsKey(outcome.row().aggregateId()))) {
            claimWanted.set(true);
            wake();
        }
    }

    /** Stops renewing rows whose outcome cannot be recorded: another relay re-sends them once the lease runs out. */
    private void forget(List<OutboxRow> rows, String failed, RuntimeException cause) {
        leases.finished(rows);
        // not counted in consecutiveErrors: that spaces the claim rounds, which fail on their own
        // while the database is away, and must not wait on after it is back
        lastRecordingClean = false;
        log.warn("{} {} outbox rows failed; they will be re-sent after the lease: {}", failed, rows.size(),
                cause.toString());
    }

    private void prepare() {
        while (running) {
            try {
                beforeFirstRound.run();
                consecutiveErrors.set(0);
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    log.debug("Outbox relay {} closed or stopped while preparing its first round: {}",
                            settings.relayId(), e.toString());
                    return;
                }
                log.warn("Outbox relay not ready yet ({} attempts): {}", consecutiveErrors.incrementAndGet(),
                        e.toString());
                awaitClose(idleWait());
            }
        }
    }

    /**
     * Waits {@code timeout}, cut short only by {@link #close()}: the wake-ups that order commits send
     * ask for a round, and must not turn a back-off into an attempt per order.
     */
    private void awaitClose(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (long left = timeout.toNanos(); running && left > 0; left = deadline - System.nanoTime()) {
            awaitWakeup(Duration.ofNanos(left));
        }
    }

    private Duration idleWait() {
        int errors = consecutiveErrors.get();
        if (errors == 0) {
            return settings.pollInterval();
        }
        // never shorter than the poll interval, however long that was set
        return RetryBackoff.doubled(settings.pollInterval(), Math.min(errors, 5),
                settings.pollInterval().compareTo(MAX_IDLE_BACKOFF) > 0 ? settings.pollInterval() : MAX_IDLE_BACKOFF);
    }

    private void awaitWakeup(Duration timeout) {
        try {
            if (wakeup.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                wakeup.drainPermits();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /**
     * Stops after the round in flight has been published and recorded, then closes the producer
     * (which flushes). No claim round starts once closing has begun, and handed-over rows not yet
     * sent are released at once. Waits at most a lease for the claiming thread and the completer
     * together, without interrupting either (their rows' leases renewed meanwhile, until the end), and
     * the producer's close at most its own bound; rows of
     * an unfinished round stay leased and are re-sent by any relay once the lease expires. A thread
     * still waiting then on a broker that does not answer (within the producer's delivery timeout)
     * is released by the producer's close, which fails what it has not delivered: those rows are
     * recorded as not sent (no attempt counted, nothing parked) and released to any relay, and the
     * threads are waited for once more, at most {@link #AFTER_PRODUCER_CLOSE}, so that they record
     * before the caller closes the database. One still running then (waiting on the database) is
     * logged and left to end on its own; its rows stay leased until the lease lapses. A preparation
     * for the first round under way ({@link #beforeFirstRound}: the topics, while the brokers do not
     * answer) is cut short at once: no rows are held before the first round.
     */
    @Override
    public void close() {
        closing = true;
        running = false;
        wake();
        claimer.shutdown();
        completer.shutdown();
        cancelFirstRoundWork();
        // one lease for both: by then another relay may take the rows over anyway
        boolean ended = awaitThreads(settings.lease());
        try {
            publisher.close();
            if (!ended && !awaitThreads(AFTER_PRODUCER_CLOSE)) {
                log.warn("Outbox relay {} closed with its {} still running; its rows go to any relay once their"
                        + " leases lapse", settings.relayId(), claimer.isTerminated() ? "recording thread"
                        : completer.isTerminated() ? "claiming thread" : "two threads");
            }
        } finally {
            // renewed until the threads have recorded what they could: a lapsed hold would refuse it
            leases.close();
        }
    }

    /** Ends the first round's preparation, should the claiming thread be in it: it holds no rows then. */
    private void cancelFirstRoundWork() {
        try {
            firstRoundCancel.run();
        } catch (RuntimeException | Error e) {
            // the close goes on: a preparation it could not cut short is waited for as any round is
            log.warn("Outbox relay {}: cutting its first round's preparation short failed: {}", settings.relayId(),
                    e.toString());
        }
    }

    /** Waits at most {@code timeout} for both threads to end; returns whether they have. */
    private boolean awaitThreads(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            return claimer.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS)
                    & completer.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return claimer.isTerminated() && completer.isTerminated();
        }
    }

    /** How many orders' unleased rows the relay remembers as awaiting a claim round ({@link #awaited}). */
    int awaitedOrders() {
        return awaited.size();
    }

    /** Renews the lease on the rows in flight now, as the renewer thread does every third of a lease. */
    void renewLeases() {
        leases.renew();
    }
}

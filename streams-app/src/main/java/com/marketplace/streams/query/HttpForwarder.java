package com.marketplace.streams.query;

import com.marketplace.events.EventCodec;
import com.marketplace.http.ApiJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Forwarder} over HTTP/1.1 with {@link java.net.http.HttpClient}: the whole exchange, the
 * answer's body included, is bounded by {@code timeout}, so a forwarded query never hangs (the
 * client's own request timeout ends when the answer's headers arrive, and a peer that stalls in its
 * body would hold the asking thread until the connection broke). The request carries
 * {@link QueryPaths#FORWARDED_HEADER} with this instance's address and the shared
 * {@link InstanceSecret}, by which the receiver knows it comes from another instance. Only the query
 * API's own 404 ({@link QueryPaths#NOT_KNOWN_HEADER}) means "no value"; any other answer but 200 is
 * unavailable, so a sum is never made without an owner's part, and so is an answer longer than
 * {@link #MAX_ANSWER_BYTES}.
 *
 * <p>At most {@code maxInFlightPerOwner} forwarded queries wait for one owner at a time; each further
 * one waits in line up to {@link #PLACE_WAIT} (by default) for a place an answer gives back, and is
 * unavailable after that ({@link OwnerPlaces}: no thread waits meanwhile, and the other owners are
 * asked at once). A burst of queries to an owner that answers in milliseconds then passes whole,
 * while an owner that stops answering without closing its connections holds that many of this
 * instance's request threads for a timeout each, and every other for that short wait, not every
 * thread the queries arrive on for a timeout.
 */
public final class HttpForwarder implements Forwarder {

    private static final Logger log = LoggerFactory.getLogger(HttpForwarder.class);
    /** How the other instances' answers are read: the query API's own JSON, read strictly. */
    private static final ApiJson ANSWERS = new ApiJson(EventCodec.newMapper());
    /**
     * Forwarded queries waiting for one owner at a time, by default: an owner answering in a few
     * milliseconds takes thousands a second within it, one that does not answer holds 16 threads.
     */
    public static final int DEFAULT_MAX_IN_FLIGHT_PER_OWNER = 16;
    /**
     * How long a query waits for a place among an owner's in-flight ones (at most the timeout): an
     * owner answering in a few milliseconds frees many in that time, one that does not frees none.
     */
    static final Duration PLACE_WAIT = Duration.ofMillis(200);
    /**
     * The longest answer read from another instance ({@link BoundedBody}); the longest an instance
     * sends, a day of per-minute counts, is some 100 KB.
     */
    static final long MAX_ANSWER_BYTES = 1 << 20;
    /** Owners whose refusals were warned of that are remembered, before the memory starts again. */
    private static final int MAX_WARNED_OWNERS = 1_000;

    private final HttpClient client;
    private final String self;
    private final InstanceSecret secret;
    private final Duration timeout;
    private final Set<HostInfo> warnedRefusals = ConcurrentHashMap.newKeySet();
    private final int maxInFlightPerOwner;
    private final long placeWaitNanos;
    private final ConcurrentMap<HostInfo, OwnerPlaces> inFlight = new ConcurrentHashMap<>();

    /**
     * @param self    this instance's {@code application.server}, sent as the forwarding marker
     * @param secret  what the instances share to recognise each other
     * @param timeout bound of the connect and of the whole exchange
     */
    public HttpForwarder(HostInfo self, InstanceSecret secret, Duration timeout) {
        this(self, secret, timeout, DEFAULT_MAX_IN_FLIGHT_PER_OWNER);
    }

    /** As above, with at most {@code maxInFlightPerOwner} queries waiting for one owner at a time. */
    public HttpForwarder(HostInfo self, InstanceSecret secret, Duration timeout, int maxInFlightPerOwner) {
        this(self, secret, timeout, maxInFlightPerOwner, PLACE_WAIT);
    }

    /** As above, a query waiting at most {@code placeWait} for a place among an owner's in-flight ones. */
    HttpForwarder(HostInfo self, InstanceSecret secret, Duration timeout, int maxInFlightPerOwner,
                  Duration placeWait) {
        if (maxInFlightPerOwner < 1) {
            throw new IllegalArgumentException("maxInFlightPerOwner must be positive, was " + maxInFlightPerOwner);
        }
        this.maxInFlightPerOwner = maxInFlightPerOwner;
        this.self = Objects.requireNonNull(self, "self").host() + ":" + self.port();
        this.secret = Objects.requireNonNull(secret, "secret");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.placeWaitNanos = Math.min(placeWait.toNanos(), timeout.toNanos());
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .build();
    }

    @Override
    public <T> CompletableFuture<Optional<T>> ask(HostInfo host, String pathAndQuery, Class<T> type) {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(uri(host, pathAndQuery))
                    .timeout(timeout)
                    .header(QueryPaths.FORWARDED_HEADER, self)
                    .header(QueryPaths.INSTANCE_SECRET_HEADER, secret.value())
                    .header("Accept", "application/json")
                    .GET()
                    .build();
        } catch (StoreUnavailableException e) {
            return CompletableFuture.failedFuture(e);
        }
        Place taken = placeFor(host);
        OwnerPlaces places = taken.among();
        CompletableFuture<Void> place = taken.granted();
        CompletableFuture<Optional<T>> answer = new CompletableFuture<>();
        place.whenComplete((granted, failure) -> {
            if (failure != null) {
                answer.completeExceptionally(failure instanceof TimeoutException
                        ? StoreUnavailableException.ofPeer(host, "has " + maxInFlightPerOwner
                                + " forwarded queries waiting for it already", failure)
                        : failure);
            } else if (answer.isDone()) {
                places.giveBack(); // cancelled while it waited in line
            } else {
                send(host, request, type, places, answer);
            }
        });
        answer.whenComplete((value, failure) -> {
            if (answer.isCancelled()) {
                place.cancel(true);
            }
        });
        return answer;
    }

    /** A place taken, or waited for, among one owner's places. */
    private record Place(OwnerPlaces among, CompletableFuture<Void> granted) {
    }

    /** A place among {@code host}'s, whose places exist while queries to it are in flight or waiting. */
    private Place placeFor(HostInfo host) {
        while (true) {
            OwnerPlaces places = inFlight.computeIfAbsent(host, owner -> new OwnerPlaces(maxInFlightPerOwner,
                    retired -> inFlight.remove(owner, retired)));
            CompletableFuture<Void> granted = places.take(placeWaitNanos);
            if (granted != null) {
                return new Place(places, granted);
            }
            // retired by the last answer meanwhile: forgotten here too, so the next look-up makes new places
            // without waiting for the answer's thread to forget them
            inFlight.remove(host, places);
        }
    }

    /** Sends {@code request} on a place taken from {@code places} and completes {@code answer} with its answer. */
    private <T> void send(HostInfo host, HttpRequest request, Class<T> type, OwnerPlaces places,
                          CompletableFuture<Optional<T>> answer) {
        CompletableFuture<HttpResponse<byte[]>> exchange;
        try {
            exchange = client.sendAsync(request, BoundedBody.atMost(MAX_ANSWER_BYTES));
        } catch (RuntimeException e) {
            places.giveBack();
            answer.completeExceptionally(StoreUnavailableException.ofPeer(host, "could not be asked", e));
            return;
        } catch (Error e) {
            // on a place handed over this runs in a callback whose failure no one reads: the asking
            // thread waits for the answer, and the place must come back
            places.giveBack();
            answer.completeExceptionally(e);
            throw e;
        }
        // the place is given back before the answer completes, so a caller that has its answer
        // finds it free; a copy is bounded, so that the exchange itself can be cancelled at the bound
        exchange.copy().orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS).whenComplete((response, failure) -> {
            places.giveBack();
            if (failure != null) {
                exchange.cancel(true);
                answer.completeExceptionally(failed(host, failure));
                return;
            }
            try {
                answer.complete(read(host, response, type));
            } catch (RuntimeException e) {
                answer.completeExceptionally(e);
            } catch (Error e) {
                // the asking thread waits for the answer: it must complete whatever happened
                answer.completeExceptionally(e);
                throw e;
            }
        });
        answer.whenComplete((value, failure) -> {
            if (answer.isCancelled()) {
                exchange.cancel(true);
            }
        });
    }

    private <T> Optional<T> read(HostInfo host, HttpResponse<byte[]> response, Class<T> type) {
        return switch (response.statusCode()) {
            case 200 -> Optional.of(decode(host, response.body(), type));
            case 404 -> {
                if (!"true".equals(response.headers().firstValue(QueryPaths.NOT_KNOWN_HEADER).orElse(null))) {
                    throw StoreUnavailableException.ofPeer(host, "answered 404 to a forwarded query"
                            + " without " + QueryPaths.NOT_KNOWN_HEADER + ": no query API of this application there");
                }
                yield Optional.empty();
            }
            case 403 -> throw refused(host);
            default -> throw StoreUnavailableException.ofPeer(host, "answered "
                    + response.statusCode() + " to a forwarded query");
        };
    }

    /** The bounded copy fails with the bound's own {@link TimeoutException}, or with the exchange's failure. */
    private StoreUnavailableException failed(HostInfo host, Throwable failure) {
        if (failure instanceof TimeoutException) {
            log.debug("forwarded query to {} timed out after {}", host, timeout);
            return StoreUnavailableException.ofPeer(host, "did not answer in time", failure);
        }
        StoreUnavailableException unavailable = Forwarder.unavailable(Asked.instance(host), failure);
        log.debug("forwarded query to {} failed: {}", host, String.valueOf(unavailable.getCause()));
        return unavailable;
    }

    /**
     * {@code http://host:port} and the path: an IPv6 literal ({@code HostInfo} holds it without
     * brackets) in brackets. A host no URI can name is an owner that cannot be reached.
     */
    private static URI uri(HostInfo host, String pathAndQuery) {
        String name = host.host().indexOf(':') >= 0 ? "[" + host.host() + "]" : host.host();
        try {
            URI uri = URI.create("http://" + name + ":" + host.port() + pathAndQuery);
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("no host in " + uri);
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw StoreUnavailableException.ofPeer(host, "has no address a query can be sent to", e);
        }
    }

    /**
     * The owner does not share this instance's secret: answered 503, and warned once per owner (until a
     * thousand are remembered, then anew).
     */
    private StoreUnavailableException refused(HostInfo host) {
        if (warnedRefusals.size() >= MAX_WARNED_OWNERS) {
            warnedRefusals.clear(); // owners come and go at new addresses: warned again, not remembered forever
        }
        if (warnedRefusals.add(host)) {
            log.warn("instance {} refused a query forwarded to it: the instances do not share INSTANCE_SECRET{}",
                    host, secret.configured() ? "" : " (it is not set here: this instance uses its application id)");
        }
        return StoreUnavailableException.ofPeer(host,
                "refused the forwarded query: the instances do not share INSTANCE_SECRET");
    }

    /**
     * The answer read as strictly as a request ({@link ApiJson#readAnswer}): a number sent as a string
     * or with a fraction, a missing count, a duplicate field or trailing bytes make it unreadable rather
     * than read as something it does not say.
     */
    private static <T> T decode(HostInfo host, byte[] body, Class<T> type) {
        T value;
        try {
            value = ANSWERS.readAnswer(body, type);
        } catch (IOException e) {
            throw StoreUnavailableException.ofPeer(host, "sent an unreadable answer", e);
        }
        if (value == null) {
            throw StoreUnavailableException.ofPeer(host, "answered null");
        }
        return value;
    }
}

package com.marketplace.streams.query;

import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Asks another instance for an answer it holds locally. Implementations mark the request as
 * forwarded so the receiver never forwards it again, and bound every call by a timeout.
 */
public interface Forwarder {

    /**
     * Starts a GET of {@code pathAndQuery} from {@code host} whose JSON body is read as {@code type},
     * and returns at once: several owners can be asked at the same time, and a query that needs them
     * all waits one timeout in all, not one per owner.
     *
     * @return completes within the implementation's bounds (its wait for a place among the owner's
     *         queries in flight, then its timeout) with the body, or empty when the owner
     *         answers that it knows no such key; or exceptionally with a
     *         {@link StoreUnavailableException} when the owner cannot be reached in time or answers
     *         anything else. Cancelling it ends the exchange.
     */
    <T> CompletableFuture<Optional<T>> ask(HostInfo host, String pathAndQuery, Class<T> type);

    /**
     * {@link #ask}, waited for.
     *
     * @throws StoreUnavailableException as {@link #ask} completes with it, or when interrupted
     */
    default <T> Optional<T> get(HostInfo host, String pathAndQuery, Class<T> type) {
        return answerOf(Asked.instance(host), ask(host, pathAndQuery, type));
    }

    /**
     * Whom a query asked: another instance, whose address the logs name and a client is not told,
     * or a group described in words.
     */
    record Asked(HostInfo peer, String description) {

        static Asked instance(HostInfo peer) {
            return new Asked(peer, null);
        }

        static Asked of(String description) {
            return new Asked(null, description);
        }

        /** That what was asked {@code what} (worded to follow its name): the query's failure. */
        StoreUnavailableException unavailable(String what, Throwable cause) {
            return peer != null ? StoreUnavailableException.ofPeer(peer, what, cause)
                    : new StoreUnavailableException(description + " " + what, cause);
        }
    }

    /**
     * Waits for an answer from {@link #ask} (or for answers, {@code from} whom they come): its value,
     * or the {@link StoreUnavailableException} it completed with. An interrupted wait cancels the
     * ask and keeps the interrupt.
     *
     * @throws StoreUnavailableException when the ask failed or was cancelled, or the wait was interrupted
     */
    static <T> T answerOf(Asked from, CompletableFuture<T> answer) {
        try {
            return answer.get();
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw from.unavailable("did not answer before the wait for it was interrupted", e);
        } catch (CancellationException e) {
            throw from.unavailable("was asked by a query that was cancelled", e);
        } catch (ExecutionException e) {
            throw unavailable(from, e.getCause());
        }
    }

    /**
     * {@code answer} with {@code read} applied to its value, as {@link CompletableFuture#thenApply}
     * makes it, except that cancelling the result cancels {@code answer} too, and with it the exchange.
     */
    static <T, R> CompletableFuture<R> reading(CompletableFuture<T> answer, Function<? super T, ? extends R> read) {
        CompletableFuture<R> result = answer.thenApply(read);
        result.whenComplete((value, failure) -> {
            if (result.isCancelled()) {
                answer.cancel(true);
            }
        });
        return result;
    }

    /** {@code failure} as the query's {@link StoreUnavailableException}, unwrapped from its completion. */
    static StoreUnavailableException unavailable(Asked from, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause instanceof StoreUnavailableException unavailable ? unavailable
                : from.unavailable("did not answer", cause);
    }
}

package com.marketplace.streams.query;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The places for queries forwarded to one owner, taken without blocking: a query beyond them waits
 * in line, its future completed (on the common pool) by the place an answer gives back, or failed
 * with a {@link java.util.concurrent.TimeoutException} once its wait has passed. No thread waits
 * meanwhile.
 *
 * <p>They exist while queries are in flight to the owner or waiting for it: the place given back
 * last retires them, so that owners whose addresses are gone (an instance restarted at another
 * address) leave nothing behind. A retired one gives no place: its user forgets it when told
 * (its {@code onRetired}) and takes new ones.
 */
final class OwnerPlaces {

    private final Object lock = new Object();
    private final Queue<CompletableFuture<Void>> waiting = new ArrayDeque<>();
    private final int places;
    private final Consumer<OwnerPlaces> onRetired;
    private int free;
    private boolean retired;

    /** {@code onRetired} is called, on the thread that gave the last place back, once they are retired. */
    OwnerPlaces(int places, Consumer<OwnerPlaces> onRetired) {
        this.places = places;
        this.onRetired = onRetired;
        this.free = places;
    }

    /**
     * A place: at once when one is free, else once one is given back within {@code waitNanos}. A
     * caller that no longer needs it cancels the future, which then takes no place.
     *
     * @return the place, or null when these places are retired
     */
    CompletableFuture<Void> take(long waitNanos) {
        CompletableFuture<Void> place = new CompletableFuture<>();
        synchronized (lock) {
            if (retired) {
                return null;
            }
            if (free > 0) {
                free--;
                place.complete(null);
                return place;
            }
            waiting.add(place);
        }
        place.orTimeout(waitNanos, TimeUnit.NANOSECONDS).whenComplete((granted, failure) -> {
            if (failure != null) {
                synchronized (lock) {
                    waiting.remove(place);
                }
            }
        });
        return place;
    }

    /**
     * Gives a place back: to the first query still waiting in line, else to the free ones. A query in
     * line gets it on another thread: it sends at once, and a send that fails at once gives its place
     * back, so handing it over here would nest one hand-over in another for as long as the line is.
     * The last place out retires them.
     */
    void giveBack() {
        CompletableFuture<Void> next;
        boolean lastOut = false;
        synchronized (lock) {
            next = waiting.poll();
            if (next == null) {
                free++;
                retired = lastOut = free == places;
            }
        }
        if (lastOut) {
            onRetired.accept(this);
        }
        if (next == null) {
            return;
        }
        CompletableFuture.runAsync(() -> {
            if (!next.complete(null)) {
                giveBack(); // its wait had passed, or it was cancelled: the place goes to the next one
            }
        });
    }
}

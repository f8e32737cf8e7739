package com.marketplace.streams.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link OwnerPlaces}: taken, waited for, given back, and retired by the last place out. */
class OwnerPlacesTest {

    private static final long LONG_WAIT = TimeUnit.SECONDS.toNanos(30);

    private final List<OwnerPlaces> retired = new CopyOnWriteArrayList<>();

    @Test
    void theLastPlaceGivenBackRetiresThePlacesOnce() {
        OwnerPlaces places = new OwnerPlaces(2, retired::add);
        CompletableFuture<Void> first = places.take(LONG_WAIT);
        CompletableFuture<Void> second = places.take(LONG_WAIT);
        assertThat(first).isCompleted();
        assertThat(second).isCompleted();

        places.giveBack();
        assertThat(retired).as("one query still in flight").isEmpty();
        CompletableFuture<Void> third = places.take(LONG_WAIT);
        assertThat(third).isCompleted();

        places.giveBack();
        places.giveBack();
        assertThat(retired).containsExactly(places);
        assertThat(places.take(LONG_WAIT)).as("retired places give none").isNull();
    }

    @Test
    void aPlaceHandedToAQueryWaitingInLineDoesNotRetireThem() throws Exception {
        OwnerPlaces places = new OwnerPlaces(1, retired::add);
        places.take(LONG_WAIT);
        CompletableFuture<Void> waiting = places.take(LONG_WAIT);
        assertThat(waiting).isNotDone();

        places.giveBack();

        waiting.get(30, TimeUnit.SECONDS);
        assertThat(retired).isEmpty();
        places.giveBack();
        assertThat(retired).containsExactly(places);
    }

    @Test
    void aWaiterThatGaveUpLeavesTheLineSoTheLastPlaceBackRetiresThem() {
        OwnerPlaces places = new OwnerPlaces(1, retired::add);
        places.take(LONG_WAIT);
        CompletableFuture<Void> cancelled = places.take(LONG_WAIT);
        cancelled.cancel(true);

        places.giveBack();

        assertThat(retired).containsExactly(places);
        assertThat(places.take(LONG_WAIT)).isNull();
    }
}

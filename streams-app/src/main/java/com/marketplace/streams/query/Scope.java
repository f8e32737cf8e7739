package com.marketplace.streams.query;

import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Which partitions of a store a statistics query adds up. The statistics are kept per input
 * partition, so an outside query reads {@link #ALL} of them, asking the other instances for
 * theirs; such an instance is asked for named partitions ({@link #local}) and answers only from
 * its own active copies of exactly those.
 */
public sealed interface Scope {

    /** Every partition, wherever its active copy lives. */
    Scope ALL = new All();

    /** Exactly {@code partitions}, read from this instance's active copies only. */
    static Local local(Set<Integer> partitions) {
        return new Local(new TreeSet<>(partitions));
    }

    /** Every partition. */
    record All() implements Scope {
    }

    /** Named partitions this instance must own. */
    record Local(SortedSet<Integer> partitions) implements Scope {

        public Local {
            if (partitions.isEmpty()) {
                throw new IllegalArgumentException("a local scope names at least one partition");
            }
            partitions = new TreeSet<>(partitions);
        }

        /** The value of {@link QueryPaths#PARTITIONS_PARAM} that asks for these partitions. */
        public String param() {
            return partitions.stream().map(String::valueOf).collect(Collectors.joining(","));
        }
    }
}

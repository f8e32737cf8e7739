package com.marketplace.streams.topology;

import com.marketplace.streams.stats.ContributionChange;

/**
 * A contribution change on its way to one party's statistics (the record key is the party's id).
 * Lives only between {@link ContributionChanges} and the branch that routes it; never serialized.
 */
record PartyChange(Party party, ContributionChange change) {

    enum Party { BUYER, SELLER }
}

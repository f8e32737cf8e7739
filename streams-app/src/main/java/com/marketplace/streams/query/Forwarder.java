package com.marketplace.streams.query;

import java.util.Optional;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Asks another instance for an answer it holds locally. Implementations mark the request as
 * forwarded so the receiver never forwards it again, and bound every call by a timeout.
 */
public interface Forwarder {

    /**
     * GETs {@code pathAndQuery} from {@code host} and reads the JSON body as {@code type}.
     *
     * @return the body, or empty when the owner answers 404 (no such key)
     * @throws StoreUnavailableException when the owner cannot be reached in time or answers
     *         anything but 200 or 404
     */
    <T> Optional<T> get(HostInfo host, String pathAndQuery, Class<T> type);
}

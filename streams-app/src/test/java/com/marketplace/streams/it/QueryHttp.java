package com.marketplace.streams.it;

import com.marketplace.events.EventCodec;
import com.marketplace.streams.query.QueryPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** A small blocking HTTP/1.1 client for the query API in tests and benchmarks. */
public final class QueryHttp {

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** GETs {@code path} from localhost:{@code port}; {@code headers} are name/value pairs. */
    public HttpResponse<String> get(int port, String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The status counts served on {@code port}; empty while the answer is not 200. */
    public Map<String, Long> statusCounts(int port) {
        HttpResponse<String> response = get(port, QueryPaths.STATUS_COUNTS);
        return response.statusCode() == 200 ? parseCounts(response.body()) : Map.of();
    }

    /** A status-counts body as status name to count, in the body's order. */
    @SuppressWarnings("unchecked")
    public static Map<String, Long> parseCounts(String body) {
        Map<String, Number> raw = EventCodec.INSTANCE.decode(body.getBytes(), LinkedHashMap.class);
        Map<String, Long> counts = new LinkedHashMap<>();
        raw.forEach((status, count) -> counts.put(status, count.longValue()));
        return counts;
    }
}

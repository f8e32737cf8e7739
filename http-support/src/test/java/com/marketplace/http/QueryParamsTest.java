package com.marketplace.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.marketplace.http.testing.RawHttp;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Query parameters are percent-encoded UTF-8 whatever the request's {@code Content-Type} says, and a
 * query string that does not decode is a 400, never a 500 nor a parameter taken for absent.
 */
class QueryParamsTest {

    private Javalin app;

    @BeforeEach
    void start() {
        ApiJson json = new ApiJson(JsonMapper.builder().build());
        app = ApiServer.with(json, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                .routes(routes -> routes.get("/echo", ctx -> {
                    Map<String, Object> body = new HashMap<>();
                    body.put("limit", QueryParams.single(ctx, "limit"));
                    json.ok(ctx, body);
                }))
                .build().start(0);
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    /** The query as written, sent byte for byte (a URI would refuse the malformed ones). */
    private RawHttp.Answer get(String query, String contentType) {
        String head = "GET /echo" + query + " HTTP/1.1\nHost: localhost\nConnection: close"
                + (contentType == null ? "" : "\nContent-Type: " + contentType) + "\n";
        return RawHttp.exchange(app.port(), RawHttp.request(head, new byte[0]), Duration.ofSeconds(10));
    }

    @Test
    void valuesAreDecodedAsUtf8() throws Exception {
        assertThat(get("?limit=5", null).body()).isEqualTo("{\"limit\":\"5\"}");
        assertThat(get("?other=1&limit=%C3%A9+x&other=2", null).body()).isEqualTo("{\"limit\":\"é x\"}");
        assertThat(get("?limit", null).body()).isEqualTo("{\"limit\":\"\"}");
        assertThat(get("?li%6Dit=7", null).body()).isEqualTo("{\"limit\":\"7\"}");
        assertThat(get("", null).body()).isEqualTo("{\"limit\":null}");
        assertThat(get("?other=1", null).body()).isEqualTo("{\"limit\":null}");
    }

    @Test
    void aParameterGivenTwiceIsABadRequestWhateverItsValues() throws Exception {
        for (String query : new String[] {"?limit=5&limit=1000", "?limit=5&limit=5", "?limit&limit=",
            "?limit=1&li%6Dit=2"}) {
            RawHttp.Answer answer = get(query, null);
            assertThat(answer.status()).as(query).isEqualTo(400);
            assertThat(answer.body()).as(query).contains("limit must be given at most once");
        }
    }

    @Test
    void theRequestsContentTypeDoesNotChangeHowTheQueryIsRead() throws Exception {
        for (String contentType : new String[] {"text/plain; charset", "text/plain; charset=", "x; charset=bogus",
            "text/plain; charset=UTF-16"}) {
            RawHttp.Answer answer = get("?limit=5", contentType);
            assertThat(answer.status()).as(contentType).isEqualTo(200);
            assertThat(answer.body()).as(contentType).isEqualTo("{\"limit\":\"5\"}");
        }
    }

    @Test
    void aQueryStringThatDoesNotDecodeIsABadRequest() throws Exception {
        for (String query : new String[] {"?limit=%ZZ", "?limit=%", "?limit=%4", "?limit=%FF", "?limit=%C3",
            "?limit=%ED%A0%80", "?x=%G0&limit=5"}) {
            RawHttp.Answer answer = get(query, null);
            assertThat(answer.status()).as(query).isEqualTo(400);
            assertThat(answer.body()).as(query).contains("not percent-encoded UTF-8");
        }
    }
}

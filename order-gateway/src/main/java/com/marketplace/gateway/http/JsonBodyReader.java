package com.marketplace.gateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.marketplace.gateway.order.FieldError;
import com.marketplace.http.ApiJson;
import com.marketplace.http.ClientInput;
import com.marketplace.http.ProblemException;
import com.marketplace.http.ProblemType;
import com.marketplace.http.RequestHeaders;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a JSON request body: only {@code application/json} (UTF-8), uncompressed, is accepted (else 415), at most
 * {@link #MAX_BODY_BYTES} (else 413), valid UTF-8 and strictly typed JSON (else 400). A body the
 * client does not deliver completely (connection closed early, invalid chunk, silent past the
 * server's idle timeout) is a 400 too, logged at debug; one that takes longer than
 * {@link #BODY_DEADLINE} to arrive is a 408.
 */
public final class JsonBodyReader {

    private static final Logger log = LoggerFactory.getLogger(JsonBodyReader.class);

    /** 64 KiB. */
    public static final int MAX_BODY_BYTES = 64 * 1024;
    /** A too-large body up to this size is read to its end before the 413 (see {@link #swallowIfSmall}). */
    static final int MAX_SWALLOW_BYTES = 1024 * 1024;
    /** The longest a request body may take to arrive, however steadily it trickles in (else 408). */
    static final Duration BODY_DEADLINE = Duration.ofSeconds(10);

    private final ApiJson json;

    public JsonBodyReader(ApiJson json) {
        this.json = Objects.requireNonNull(json, "json");
    }

    /** @throws ProblemException with status 400, 408, 413 or 415 */
    public <T> T read(Context ctx, Class<T> type) {
        // a second Content-Type would leave the body's type to whichever one a reader took
        requireJsonContentType(RequestHeaders.single(ctx, "Content-Type").orElse(null));
        requireNoCoding(ctx);
        String text = decodeUtf8(readBounded(ctx));
        try {
            return json.readRequest(text, type);
        } catch (JsonProcessingException e) {
            throw describe(e, text);
        }
    }

    private static void requireJsonContentType(String contentType) {
        if (contentType == null) {
            throw new ProblemException(ProblemType.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json");
        }
        // with -1, a value of separators alone (";") splits into empty parts instead of none at all
        String[] parts = contentType.split(";", -1);
        boolean json = parts[0].trim().equalsIgnoreCase("application/json");
        for (int i = 1; i < parts.length && json; i++) {
            String param = parts[i].trim().toLowerCase(Locale.ROOT).replace("\"", "");
            if (param.startsWith("charset=") && !isUtf8(param.substring("charset=".length()))) {
                json = false;
            }
        }
        if (!json) {
            throw new ProblemException(ProblemType.UNSUPPORTED_MEDIA_TYPE,
                    "Content-Type must be application/json (UTF-8)");
        }
    }

    /**
     * Whether {@code charset} names UTF-8: its registered name or one of the aliases Java knows for
     * it ({@code utf8}, as MySQL and many clients spell it), never a name Java does not know.
     */
    private static boolean isUtf8(String charset) {
        try {
            return Charset.isSupported(charset) && Charset.forName(charset).equals(StandardCharsets.UTF_8);
        } catch (IllegalCharsetNameException e) {
            return false;
        }
    }

    /**
     * A body sent compressed ({@code Content-Encoding: gzip}, or a transfer coding other than
     * {@code chunked}, such as {@code Transfer-Encoding: gzip, chunked}, of which the server undoes
     * the chunking only) is refused with 415 and {@code Accept-Encoding: identity} (RFC 7694) before
     * it is read, rather than read as JSON.
     */
    private static void requireNoCoding(Context ctx) {
        requireOnly(ctx, "Content-Encoding", "identity");
        requireOnly(ctx, "Transfer-Encoding", "chunked");
    }

    private static void requireOnly(Context ctx, String header, String accepted) {
        Enumeration<String> values = ctx.req().getHeaders(header);
        while (values.hasMoreElements()) {
            for (String coding : values.nextElement().split(",")) {
                String name = coding.trim();
                if (!name.isEmpty() && !name.equalsIgnoreCase(accepted)) {
                    ctx.header("Accept-Encoding", "identity");
                    throw new ProblemException(ProblemType.UNSUPPORTED_MEDIA_TYPE, header + " "
                            + ClientInput.quote(name) + " is not accepted: send the body uncompressed");
                }
            }
        }
    }

    private static ByteBuffer readBounded(Context ctx) {
        long start = System.nanoTime();
        long declared = ctx.req().getContentLengthLong();
        if (declared > MAX_BODY_BYTES && "100-continue".equalsIgnoreCase(ctx.header("Expect"))) {
            throw tooLarge(); // the client waits for "100 Continue" before sending: nothing to read
        }
        try (InputStream in = ctx.req().getInputStream()) {
            if (declared > MAX_BODY_BYTES) {
                swallowIfSmall(in, declared, start);
                throw tooLarge();
            }
            // room for the declared length and one byte more, to see the end; chunked bodies grow
            byte[] body = new byte[declared >= 0 ? (int) declared + 1 : 8192];
            int length = 0;
            int n;
            while ((n = in.read(body, length, body.length - length)) > 0) {
                length += n;
                requireWithinDeadline(start);
                if (length == body.length) {
                    if (length > MAX_BODY_BYTES) {
                        swallowIfSmall(in, declared, start);
                        throw tooLarge();
                    }
                    body = Arrays.copyOf(body, Math.min(2 * length, MAX_BODY_BYTES + 1));
                }
            }
            return ByteBuffer.wrap(body, 0, length);
        } catch (IOException e) {
            log.debug("Request body of {} {} could not be read: {}", ctx.method(), ClientInput.quote(ctx.path()), e.toString());
            throw new ProblemException(OrderApiProblems.MALFORMED_REQUEST, "the request body could not be read completely");
        }
    }

    /**
     * Reads and drops the rest of a body that is too large but not huge, so the client finishes
     * sending and reads the 413; answering while it still sends closes the connection under it and
     * the client sees a broken pipe instead (Tomcat's {@code maxSwallowSize} does the same).
     */
    private static void swallowIfSmall(InputStream in, long declared, long start) throws IOException {
        if (declared > MAX_SWALLOW_BYTES) {
            return;
        }
        byte[] buffer = new byte[8192];
        long left = MAX_SWALLOW_BYTES;
        int n;
        while (left > 0 && System.nanoTime() - start < BODY_DEADLINE.toNanos()
                && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
            left -= n;
        }
    }

    /**
     * A client that keeps sending, but too slowly, is cut off too: the server's idle timeout only
     * ends a silence, so a byte every few seconds would otherwise hold a request thread for as long
     * as the body lasts. Checked after each read, so a body takes at most the deadline plus one
     * idle timeout.
     */
    private static void requireWithinDeadline(long start) {
        if (System.nanoTime() - start > BODY_DEADLINE.toNanos()) {
            throw new ProblemException(ProblemType.REQUEST_TIMEOUT,
                    "the request body was not received within " + BODY_DEADLINE.toSeconds() + " s");
        }
    }

    private static ProblemException tooLarge() {
        return new ProblemException(ProblemType.PAYLOAD_TOO_LARGE,
                "request body must be at most " + MAX_BODY_BYTES + " bytes");
    }

    private static String decodeUtf8(ByteBuffer body) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(body)
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ProblemException(OrderApiProblems.MALFORMED_REQUEST, "request body is not valid UTF-8");
        }
    }

    /**
     * A client-safe description of why {@code text} could not be read: the field path and kind of
     * error, never Java type names. JSON of another shape than an object (an array, a number) is a
     * validation error of the body, as {@code null} is; text that is not one JSON value is malformed.
     */
    private ProblemException describe(JsonProcessingException e, String text) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            return validation(path(unknown), "is not a known field");
        }
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            return validation(path(mapping), "has the wrong type or an invalid value");
        }
        if (e instanceof MismatchedInputException && json.isJsonValue(text)) {
            return validation("body", "must be a JSON object");
        }
        String where = e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        return new ProblemException(OrderApiProblems.MALFORMED_REQUEST, "request body is not a valid JSON document" + where);
    }

    private static ProblemException validation(String field, String message) {
        return new ProblemException(OrderApiProblems.validation("request body has invalid fields",
                List.of(new FieldError(field, message))));
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            } else if (ref.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
            }
        }
        // an unknown field's name is the client's own text
        return path.length() == 0 ? "body" : ClientInput.excerpt(path.toString());
    }
}

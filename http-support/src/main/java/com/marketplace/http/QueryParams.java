package com.marketplace.http;

import io.javalin.http.Context;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A request's query parameters, read from its query string as percent-encoded UTF-8 ({@code +} a
 * space), whatever else the request says. Javalin's {@code Context.queryParam} decodes them by the
 * charset of the request's {@code Content-Type} (a GET's too): a {@code charset} without a value
 * made it throw (a 500), and a value it could not decode ({@code %ZZ}, or bytes that are not
 * UTF-8) it dropped as if the parameter were absent, so a malformed limit was taken for the default.
 * Here a query string that does not decode is a {@code 400}.
 */
public final class QueryParams {

    private QueryParams() {
    }

    /**
     * The value of {@code name} in the request's query string, empty for {@code ?name} or
     * {@code ?name=}, null when the parameter is absent.
     *
     * @throws ProblemException 400 when the query string is not percent-encoded UTF-8, or when it
     *         gives {@code name} more than once: which value the client meant cannot be known, so none
     *         is taken (as for a header, {@link RequestHeaders#single})
     */
    public static String single(Context ctx, String name) {
        String query = ctx.req().getQueryString();
        if (query == null) {
            return null;
        }
        String found = null;
        for (String pair : query.split("&", -1)) {
            // every pair is decoded, so a malformed one is refused whichever parameter is asked for
            int equals = pair.indexOf('=');
            String key = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            if (key.equals(name)) {
                if (found != null) {
                    throw new ProblemException(ProblemType.MALFORMED_REQUEST,
                            "query parameter " + name + " must be given at most once");
                }
                found = value;
            }
        }
        return found;
    }

    /** Percent-decoding at the byte level: a character sent as such stands for its UTF-8 bytes. */
    private static String decode(String encoded) {
        if (encoded.indexOf('%') < 0 && encoded.indexOf('+') < 0) {
            return encoded;
        }
        byte[] in = encoded.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[in.length];
        int length = 0;
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '+') {
                out[length++] = ' ';
            } else if (in[i] != '%') {
                out[length++] = in[i];
            } else if (i + 2 < in.length && hex(in[i + 1]) >= 0 && hex(in[i + 2]) >= 0) {
                out[length++] = (byte) (hex(in[i + 1]) << 4 | hex(in[i + 2]));
                i += 2;
            } else {
                throw malformed();
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out, 0, length))
                    .toString();
        } catch (CharacterCodingException e) {
            throw malformed();
        }
    }

    private static int hex(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F') {
            return (b | 0x20) - 'a' + 10;
        }
        return -1;
    }

    private static ProblemException malformed() {
        return new ProblemException(ProblemType.MALFORMED_REQUEST,
                "the query string is not percent-encoded UTF-8");
    }
}

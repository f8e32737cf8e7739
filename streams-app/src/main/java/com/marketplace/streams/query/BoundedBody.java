package com.marketplace.streams.query;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * An answer's body read whole into a byte array, up to a limit: a body that says it is longer
 * ({@code Content-Length}) or turns out longer on the way fails the exchange with an
 * {@link IOException} and the rest is not read. The JDK's own {@code ofByteArray} reads whatever
 * comes, and a peer that streams without end (an address that is not an instance of this app, or
 * a broken one) would fill the heap within the exchange's timeout.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {

    private final long limit;
    private final long declared;
    private final HttpResponse.BodySubscriber<byte[]> bytes = HttpResponse.BodySubscribers.ofByteArray();
    private Flow.Subscription subscription;
    private long received;
    private boolean refused;

    private BoundedBody(long limit, long declared) {
        this.limit = limit;
        this.declared = declared;
    }

    /** Bodies of at most {@code limit} bytes. */
    static HttpResponse.BodyHandler<byte[]> atMost(long limit) {
        return answer -> new BoundedBody(limit, answer.headers().firstValueAsLong("Content-Length").orElse(-1));
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return bytes.getBody();
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        bytes.onSubscribe(subscription);
        if (declared > limit) {
            refuse(declared + " bytes");
        }
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (refused) {
            return;
        }
        for (ByteBuffer buffer : buffers) {
            received += buffer.remaining();
        }
        if (received > limit) {
            refuse("more than " + received + " bytes");
            return;
        }
        bytes.onNext(buffers);
    }

    @Override
    public void onError(Throwable failure) {
        if (!refused) {
            bytes.onError(failure);
        }
    }

    @Override
    public void onComplete() {
        if (!refused) {
            bytes.onComplete();
        }
    }

    private void refuse(String size) {
        refused = true;
        subscription.cancel();
        bytes.onError(new IOException("an answer of " + size + ", above the limit of " + limit + " bytes"));
    }
}

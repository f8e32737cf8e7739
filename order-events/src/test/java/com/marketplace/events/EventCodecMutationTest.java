package com.marketplace.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The envelope reader over many damaged copies of the contract's samples: whatever the bytes, it
 * answers an envelope or an {@link EventDecodingException}, never another exception (which would
 * stop a stream thread instead of dead-lettering the record), and an envelope it answers is one the
 * codec writes and reads back unchanged.
 */
class EventCodecMutationTest {

    private static final int MUTANTS_PER_SAMPLE = 20_000;
    /** Bytes that move a JSON reader into its other paths: structure, numbers, escapes, UTF-8. */
    private static final byte[] INTERESTING = "{}[]\",:\\-+.eE0129nulltruefalse\u00e9\ud83d\ude00 \t"
            .getBytes(StandardCharsets.UTF_8);

    private final EventCodec codec = EventCodec.INSTANCE;

    @Test
    void everyDamagedSampleIsAnEnvelopeOrADecodingFailure() throws IOException {
        Random random = new Random(20261205L);
        int read = 0;
        int refused = 0;
        for (String name : List.of("order-created.json", "order-status-changed.json")) {
            byte[] sample = sample(name);
            for (int i = 0; i < MUTANTS_PER_SAMPLE; i++) {
                byte[] mutant = mutate(sample, random);
                EventEnvelope envelope;
                try {
                    envelope = codec.decodeEnvelope(mutant);
                } catch (EventDecodingException expected) {
                    refused++;
                    continue;
                } catch (RuntimeException e) {
                    fail("%s escaped for %s", e, new String(mutant, StandardCharsets.UTF_8), e);
                    return;
                }
                read++;
                assertThat(codec.decodeEnvelope(codec.encode(envelope)))
                        .as(new String(mutant, StandardCharsets.UTF_8)).isEqualTo(envelope);
            }
        }
        // both outcomes happen: a check that refused everything, or nothing, would not be one
        assertThat(read).isPositive();
        assertThat(refused).isPositive();
    }

    /** One to three edits: a byte replaced, inserted or removed, or a span duplicated or cut. */
    private static byte[] mutate(byte[] sample, Random random) {
        byte[] bytes = sample.clone();
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits && bytes.length > 1; e++) {
            int at = random.nextInt(bytes.length);
            byte value = random.nextBoolean() ? INTERESTING[random.nextInt(INTERESTING.length)] : (byte) random.nextInt();
            bytes = switch (random.nextInt(5)) {
                case 0 -> replace(bytes, at, value);
                case 1 -> insert(bytes, at, value);
                case 2 -> remove(bytes, at, 1);
                case 3 -> duplicate(bytes, at, 1 + random.nextInt(Math.min(16, bytes.length - at)));
                default -> remove(bytes, at, 1 + random.nextInt(Math.min(16, bytes.length - at)));
            };
        }
        return bytes;
    }

    private static byte[] replace(byte[] bytes, int at, byte value) {
        bytes[at] = value;
        return bytes;
    }

    private static byte[] insert(byte[] bytes, int at, byte value) {
        byte[] out = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, out, 0, at);
        out[at] = value;
        System.arraycopy(bytes, at, out, at + 1, bytes.length - at);
        return out;
    }

    private static byte[] remove(byte[] bytes, int at, int length) {
        byte[] out = new byte[bytes.length - length];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(bytes, at + length, out, at, bytes.length - at - length);
        return out;
    }

    private static byte[] duplicate(byte[] bytes, int at, int length) {
        byte[] out = new byte[bytes.length + length];
        System.arraycopy(bytes, 0, out, 0, at + length);
        System.arraycopy(bytes, at, out, at + length, bytes.length - at);
        return out;
    }

    private static byte[] sample(String name) throws IOException {
        try (InputStream in = EventCodecMutationTest.class.getResourceAsStream("/golden/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8);
        }
    }
}

package com.marketplace.events;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.datatype.jsr310.ser.InstantSerializer;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

/**
 * Jackson's {@link InstantSerializer} writing ISO-8601 text through {@link IsoInstants#format}, the
 * same text as the {@code DateTimeFormatter.ISO_INSTANT} it uses otherwise: an event carries two or
 * three instants, and the formatter took 1.5–2 % of the gateway's request threads and of the stream
 * thread in profiles of the benchmarks. Numeric timestamps, a format set by annotation or config
 * override, and a time zone set on the mapper for dates are Jackson's own handling. Jackson makes a
 * copy of the serializer for each property ({@code withFormat}, {@code withFeatures}); the copies
 * are of this class too.
 */
final class IsoInstantSerializer extends InstantSerializer {

    private static final long serialVersionUID = 1L;

    IsoInstantSerializer() {
    }

    private IsoInstantSerializer(IsoInstantSerializer base, Boolean useTimestamp, DateTimeFormatter formatter,
                                 JsonFormat.Shape shape) {
        super(base, useTimestamp, formatter, shape);
    }

    private IsoInstantSerializer(IsoInstantSerializer base, Boolean useTimestamp, Boolean useNanoseconds,
                                 DateTimeFormatter formatter) {
        super(base, useTimestamp, useNanoseconds, formatter);
    }

    @Override
    protected InstantSerializer withFormat(Boolean useTimestamp, DateTimeFormatter formatter, JsonFormat.Shape shape) {
        return new IsoInstantSerializer(this, useTimestamp, formatter, shape);
    }

    @Override
    protected InstantSerializer withFeatures(Boolean writeZoneId, Boolean writeNanoseconds) {
        return new IsoInstantSerializer(this, _useTimestamp, writeNanoseconds, _formatter);
    }

    @Override
    protected String formatValue(Instant value, SerializerProvider provider) {
        boolean contextZone = provider.getConfig().hasExplicitTimeZone()
                && provider.isEnabled(SerializationFeature.WRITE_DATES_WITH_CONTEXT_TIME_ZONE);
        return _formatter == null && !contextZone ? IsoInstants.format(value) : super.formatValue(value, provider);
    }
}

package com.marketplace.bench.pipeline;

/**
 * One step of a rate sweep: the pipeline's measurements at one open-loop rate. A step holds its
 * rate when every order was answered 201, every created order reached {@code marketplace.email},
 * and at least {@value SweepSettings#HELD_SHARE} of the offered rate was answered per second; it
 * passes when it holds and its 201 → email p99 and HTTP p99 (from the due time) are both at most the target.
 */
public record SweepStep(int rate, PipelineResult result, double p99TargetMs) {

    public double e2eP50Ms() {
        return PipelineResult.ms(result.endToEnd(), 50);
    }

    public double e2eP99Ms() {
        return PipelineResult.ms(result.endToEnd(), 99);
    }

    public double e2eMaxMs() {
        return result.endToEnd().getTotalCount() == 0 ? Double.NaN : result.endToEnd().getMaxValue() / 1000.0;
    }

    public double relayP50Ms() {
        return PipelineResult.ms(result.relay(), 50);
    }

    public double relayP99Ms() {
        return PipelineResult.ms(result.relay(), 99);
    }

    /** HTTP p99 from each request's due time. */
    public double httpP99Ms() {
        return PipelineResult.ms(result.http(), 99);
    }

    /** The latest the client sent any request after its due time. */
    public double clientLateMaxMs() {
        return result.clientLate().getTotalCount() == 0 ? Double.NaN : result.clientLate().getMaxValue() / 1000.0;
    }

    public boolean held() {
        return result.answeredOther() == 0 && result.lostEndToEnd() == 0
                && result.achievedRate() >= SweepSettings.HELD_SHARE * rate;
    }

    public boolean passed() {
        return held() && e2eP99Ms() <= p99TargetMs && httpP99Ms() <= p99TargetMs;
    }

    /**
     * Did not hold the rate, or missed a p99 target (201 → email, HTTP from due) by more than
     * {@value SweepSettings#CLEAR_MISS_FACTOR} times.
     */
    public boolean missedClearly() {
        return !held() || !(e2eP99Ms() <= SweepSettings.CLEAR_MISS_FACTOR * p99TargetMs)
                || !(httpP99Ms() <= SweepSettings.CLEAR_MISS_FACTOR * p99TargetMs);
    }
}

#!/usr/bin/env bash
# Sequential create baseline: 1,000 POST /api/v1/orders one after another against a running gateway,
# printing orders/s. A first baseline, not a target.
#   mvn -B verify            # builds target/order-gateway.jar and the test classes
#   java -jar order-gateway/target/order-gateway.jar &
#   order-gateway/bench/sequential-baseline.sh [baseUrl=http://localhost:7070] [count=1000]
set -euo pipefail
module="$(cd "$(dirname "$0")/.." && pwd)"
java -cp "$module/target/test-classes:$module/target/order-gateway.jar" \
  com.marketplace.gateway.bench.SequentialCreateBaseline "${1:-http://localhost:7070}" "${2:-1000}"

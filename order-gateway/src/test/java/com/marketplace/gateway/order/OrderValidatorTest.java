package com.marketplace.gateway.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marketplace.events.OrderStatus;
import com.marketplace.gateway.support.TestOrders;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OrderValidatorTest {

    @Test
    void validRequestBecomesANewOrderWithScale2PricesAndExactTotal() {
        NewOrder order = OrderValidator.validate(new NewOrderRequest(1L, "a@b.co", "KRW", List.of(
                item(10L, 7L, 3, "0.1"), item(11L, 7L, 1, "1000000000"))));

        assertThat(order.items()).extracting(i -> i.unitPrice().toPlainString())
                .containsExactly("0.10", "1000000000.00");
        assertThat(order.totalAmount()).isEqualTo(new BigDecimal("1000000000.30"));
    }

    @Test
    void everyBrokenRuleIsReportedWithItsFieldPath() {
        NewOrderRequest request = new NewOrderRequest(0L, "nope", "krw", List.of(
                item(-1L, null, 0, "1.001"), item(1L, 1L, 10_001, "0")));

        assertThatThrownBy(() -> OrderValidator.validate(request))
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).errors()).extracting(FieldError::field)
                        .containsExactly("buyerId", "buyerEmail", "currency",
                                "items[0].productId", "items[0].sellerId", "items[0].quantity", "items[0].unitPrice",
                                "items[1].quantity", "items[1].unitPrice"));
    }

    @Test
    void itemCountMustBeBetween1And100() {
        NewOrderRequest.Item one = item(1L, 1L, 1, "1.00");
        assertThat(OrderValidator.validate(request(Collections.nCopies(100, one))).items()).hasSize(100);
        assertInvalid(request(Collections.nCopies(101, one)), "items");
        assertInvalid(request(List.of()), "items");
        assertInvalid(request(null), "items");
    }

    @Test
    void limitsAreInclusive() {
        OrderValidator.validate(request(List.of(item(1L, 1L, 10_000, "1000000000.00"))));
        OrderValidator.validate(request(List.of(item(1L, 1L, 1, "0.01"))));
        assertInvalid(request(List.of(item(1L, 1L, 1, "1000000000.01"))), "items[0].unitPrice");
        assertInvalid(request(List.of(item(1L, 1L, 1, "0.001"))), "items[0].unitPrice");
    }

    @Test
    void trailingZerosBeyondTwoDecimalsAreAccepted() {
        NewOrder order = OrderValidator.validate(request(List.of(item(1L, 1L, 1, "12.500"))));
        assertThat(order.items().get(0).unitPrice()).isEqualTo(new BigDecimal("12.50"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a@b.co", "first.last+tag@sub.example.com", "x_y@a-b.io"})
    void validEmails(String email) {
        assertThat(OrderValidator.isValidEmail(email)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "@b.co", "a@", "a@b", "a@@b.co", "a b@c.de", ".a@b.co", "a..b@c.de",
            "a@-b.co", "a@b..co", "a@b.co'; DROP TABLE orders; --"})
    void invalidEmails(String email) {
        assertThat(OrderValidator.isValidEmail(email)).isFalse();
    }

    /** The rules as the regular expressions that stated them before the scanner, kept as the reference. */
    private static final Pattern EMAIL_LOCAL =
            Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");
    private static final Pattern DOMAIN_LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

    private static boolean isValidEmailByRegex(String email) {
        int at = email.lastIndexOf('@');
        if (at <= 0 || at > 64 || at == email.length() - 1) {
            return false;
        }
        String[] labels = email.substring(at + 1).split("\\.", -1);
        return EMAIL_LOCAL.matcher(email.substring(0, at)).matches() && labels.length >= 2
                && Arrays.stream(labels).allMatch(label -> DOMAIN_LABEL.matcher(label).matches());
    }

    @Test
    void emailScannerAgreesWithTheRegularExpressionsOnRandomAddresses() {
        // an alphabet of every character class the rules treat differently, weighted to the boundaries
        String alphabet = "aZ09.-@_+!~\"(),:; \u00e9\u0430.-.@a";
        Random random = new Random(20261202);
        int valid = 0;
        for (int n = 0; n < 200_000; n++) {
            StringBuilder email = new StringBuilder();
            int length = random.nextInt(12);
            for (int i = 0; i < length; i++) {
                email.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            if (random.nextBoolean()) {
                email.append('@').append(random.nextBoolean() ? "b.co" : "x-" + "y".repeat(random.nextInt(70)) + ".io");
            }
            String candidate = email.toString();
            boolean expected = isValidEmailByRegex(candidate);
            assertThat(OrderValidator.isValidEmail(candidate)).as("%s", candidate).isEqualTo(expected);
            valid += expected ? 1 : 0;
        }
        assertThat(valid).as("valid addresses among the random ones").isGreaterThan(1_000);
    }

    @Test
    void emailLongerThan254IsRejected() {
        String email = "a".repeat(64) + "@" + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(63);
        assertThat(email.length()).isGreaterThan(254);
        assertThat(OrderValidator.isValidEmail(email)).isTrue();
        assertInvalid(new NewOrderRequest(1L, email, "KRW", List.of(item(1L, 1L, 1, "1"))), "buyerEmail");
    }

    @Test
    void statusesParseExactly() {
        assertThat(OrderValidator.parseStatus("PAID")).isEqualTo(OrderStatus.PAID);
        assertThatThrownBy(() -> OrderValidator.parseStatus("paid")).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> OrderValidator.parseStatus("SHIPPING")).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> OrderValidator.parseStatus(null)).isInstanceOf(ValidationException.class);
    }

    @Test
    void orderIdsMustBePositiveIntegers() {
        assertThat(OrderValidator.parseOrderId("42")).isEqualTo(42L);
        for (String bad : List.of("0", "-1", "abc", "1.0", "99999999999999999999", "")) {
            assertThatThrownBy(() -> OrderValidator.parseOrderId(bad)).as(bad).isInstanceOf(ValidationException.class);
        }
    }

    @Test
    void idempotencyKeysAreVisibleAscii() {
        NewOrderRequest valid = request(List.of(item(1L, 1L, 1, "1.00")));
        assertThat(OrderValidator.validate(valid, "a-B_9.:/")).isNotNull();
        for (String bad : List.of("", "with space", "ü", "k".repeat(256))) {
            assertThatThrownBy(() -> OrderValidator.validate(valid, bad)).as(bad)
                    .isInstanceOf(ValidationException.class)
                    .satisfies(e -> assertThat(((ValidationException) e).errors()).extracting(FieldError::field)
                            .containsExactly(OrderValidator.IDEMPOTENCY_KEY_FIELD));
        }
    }

    @Test
    void oneAnswerListsWhatIsWrongWithTheBodyAndTheIdempotencyKey() {
        NewOrderRequest zeroQuantity = request(List.of(item(1L, 1L, 0, "1.00")));

        assertThatThrownBy(() -> OrderValidator.validate(zeroQuantity, "two words"))
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).errors()).extracting(FieldError::field)
                        .containsExactlyInAnyOrder("items[0].quantity", OrderValidator.IDEMPOTENCY_KEY_FIELD));
        assertThatThrownBy(() -> OrderValidator.validate(null, "two words"))
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).errors()).extracting(FieldError::field)
                        .containsExactlyInAnyOrder("body", OrderValidator.IDEMPOTENCY_KEY_FIELD));
    }

    @Test
    void fingerprintIgnoresAmountScaleButNotValues() {
        String base = RequestFingerprint.of(OrderValidator.validate(TestOrders.request(1)));
        NewOrderRequest sameScaled = new NewOrderRequest(1L, "buyer1@example.com", "KRW", List.of(
                item(10L, 7L, 2, "1500"), item(11L, 3L, 1, "99.990")));

        assertThat(RequestFingerprint.of(OrderValidator.validate(sameScaled))).isEqualTo(base).hasSize(64);
        assertThat(RequestFingerprint.of(OrderValidator.validate(TestOrders.request(2)))).isNotEqualTo(base);
    }

    private static NewOrderRequest request(List<NewOrderRequest.Item> items) {
        return new NewOrderRequest(1L, "a@b.co", "KRW", items);
    }

    private static NewOrderRequest.Item item(Long productId, Long sellerId, Integer quantity, String price) {
        return new NewOrderRequest.Item(productId, sellerId, quantity, new BigDecimal(price));
    }

    private static void assertInvalid(NewOrderRequest request, String field) {
        assertThatThrownBy(() -> OrderValidator.validate(request))
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).errors()).extracting(FieldError::field)
                        .contains(field));
    }
}

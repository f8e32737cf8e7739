package com.marketplace.streams.serde;

import com.marketplace.events.OrderStatus;
import com.marketplace.streams.stats.BuyerStats;
import com.marketplace.streams.stats.OrderState;
import com.marketplace.streams.stats.SellerShare;
import com.marketplace.streams.stats.SellerStats;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The compact form of each state store's values, version 1 ({@link CompactFormat#VERSION_1}): the
 * record's components in declaration order, in the encodings of {@link CompactOutput}; a list is
 * its length and elements; a status is its {@linkplain #statusCode code}, 0 for none.
 */
final class StateValueCodecs {

    /** The status of each stored code ({@link #statusCode}); 0 is no status. */
    private static final OrderStatus[] STATUSES = {null, OrderStatus.PENDING, OrderStatus.PAID,
        OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.CANCELLED};

    static final StateValueCodec<OrderState> ORDER_STATE = new OrderStateCodec();

    private static final class OrderStateCodec implements StateValueCodec<OrderState> {
        @Override
        public Class<OrderState> type() {
            return OrderState.class;
        }

        @Override
        public void write(CompactOutput out, OrderState value) {
            out.writeLong(value.orderId());
            out.writeString(value.orderNumber());
            out.writeBoolean(value.created());
            writeStatus(out, value.status());
            out.writeInstant(value.statusChangedAt());
            out.writeLong(value.buyerId());
            out.writeString(value.buyerEmail());
            out.writeCount(value.sellerIds().size());
            for (long sellerId : value.sellerIds()) {
                out.writeLong(sellerId);
            }
            out.writeCount(value.sellerShares().size());
            for (SellerShare share : value.sellerShares()) {
                out.writeLong(share.sellerId());
                out.writeLong(share.itemsSold());
                out.writeDecimal(share.revenue());
            }
            out.writeDecimal(value.totalAmount());
            out.writeString(value.currency());
            out.writeInstant(value.createdAt());
            out.writeInstant(value.updatedAt());
        }

        @Override
        public OrderState read(CompactInput in) {
            long orderId = in.readLong();
            String orderNumber = in.readString();
            boolean created = in.readBoolean();
            OrderStatus status = readStatus(in);
            Instant statusChangedAt = in.readInstant();
            long buyerId = in.readLong();
            String buyerEmail = in.readString();
            int sellerCount = in.readElementCount(1);
            List<Long> sellerIds = new ArrayList<>(sellerCount);
            for (int i = 0; i < sellerCount; i++) {
                sellerIds.add(in.readLong());
            }
            int shareCount = in.readElementCount(3);
            List<SellerShare> shares = new ArrayList<>(shareCount);
            for (int i = 0; i < shareCount; i++) {
                long sellerId = in.readLong();
                long itemsSold = in.readLong();
                shares.add(new SellerShare(sellerId, itemsSold, in.readDecimal()));
            }
            BigDecimal totalAmount = in.readDecimal();
            String currency = in.readString();
            Instant createdAt = in.readInstant();
            Instant updatedAt = in.readInstant();
            return new OrderState(orderId, orderNumber, created, status, statusChangedAt, buyerId, buyerEmail,
                    sellerIds, shares, totalAmount, currency, createdAt, updatedAt);
        }
    }

    static final StateValueCodec<SellerStats> SELLER_STATS = new SellerStatsCodec();

    private static final class SellerStatsCodec implements StateValueCodec<SellerStats> {
        @Override
        public Class<SellerStats> type() {
            return SellerStats.class;
        }

        @Override
        public void write(CompactOutput out, SellerStats value) {
            out.writeLong(value.sellerId());
            out.writeLong(value.orders());
            out.writeLong(value.itemsSold());
            out.writeDecimal(value.revenue());
        }

        @Override
        public SellerStats read(CompactInput in) {
            long sellerId = in.readLong();
            long orders = in.readLong();
            long itemsSold = in.readLong();
            return new SellerStats(sellerId, orders, itemsSold, in.readDecimal());
        }
    }

    static final StateValueCodec<BuyerStats> BUYER_STATS = new BuyerStatsCodec();

    private static final class BuyerStatsCodec implements StateValueCodec<BuyerStats> {
        @Override
        public Class<BuyerStats> type() {
            return BuyerStats.class;
        }

        @Override
        public void write(CompactOutput out, BuyerStats value) {
            out.writeLong(value.buyerId());
            out.writeLong(value.orders());
            out.writeDecimal(value.totalSpent());
        }

        @Override
        public BuyerStats read(CompactInput in) {
            long buyerId = in.readLong();
            long orders = in.readLong();
            return new BuyerStats(buyerId, orders, in.readDecimal());
        }
    }

    private StateValueCodecs() {
    }

    /**
     * The stored code of a status. Codes are stored: a new status gets the next free code, an
     * existing one never changes (the enum's ordinal would change if a status were inserted).
     */
    static int statusCode(OrderStatus status) {
        if (status == null) {
            return 0;
        }
        return switch (status) {
            case PENDING -> 1;
            case PAID -> 2;
            case SHIPPED -> 3;
            case DELIVERED -> 4;
            case CANCELLED -> 5;
        };
    }

    private static void writeStatus(CompactOutput out, OrderStatus status) {
        out.writeByte(statusCode(status));
    }

    private static OrderStatus readStatus(CompactInput in) {
        int code = in.readByte();
        if (code < 0 || code >= STATUSES.length) {
            throw new IllegalArgumentException("unknown status code " + code);
        }
        return STATUSES[code];
    }
}

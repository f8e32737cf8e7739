package com.marketplace.streams.topology;

import com.marketplace.events.AnalyticsEvent;
import com.marketplace.events.DerivedIds;
import com.marketplace.events.EmailMessage;
import com.marketplace.events.EmailTemplate;
import com.marketplace.events.EventEnvelope;
import com.marketplace.events.Notification;
import com.marketplace.events.OrderCreated;
import com.marketplace.events.OrderEventPayload;
import com.marketplace.events.OrderItem;
import com.marketplace.events.OrderStatusChanged;
import com.marketplace.events.RecipientType;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The records derived from one first-seen order event (docs/architecture.md, "Topics"). Pure functions; ids are
 * derived from the source eventId with {@link DerivedIds}, so reprocessing yields the same ids.
 */
public final class FanOut {

    private FanOut() {
    }

    /** ORDER_CONFIRMATION for a creation, ORDER_STATUS_CHANGED for a status change, to the buyer. */
    public static EmailMessage email(EventEnvelope event) {
        OrderEventPayload p = event.payload();
        UUID id = event.eventId();
        if (p instanceof OrderStatusChanged change) {
            return new EmailMessage(DerivedIds.emailId(id), id, EmailTemplate.ORDER_STATUS_CHANGED, p.buyerEmail(),
                    p.orderId(), p.orderNumber(), change.previousStatus(), p.status(), p.totalAmount(), p.currency());
        }
        return new EmailMessage(DerivedIds.emailId(id), id, EmailTemplate.ORDER_CONFIRMATION, p.buyerEmail(),
                p.orderId(), p.orderNumber(), null, p.status(), p.totalAmount(), p.currency());
    }

    /** A creation: one to the buyer and one to each distinct seller; a status change: one to the buyer. */
    public static List<Notification> notifications(EventEnvelope event) {
        OrderEventPayload p = event.payload();
        List<Notification> out = new ArrayList<>();
        out.add(notification(event, RecipientType.BUYER, p.buyerId(), buyerMessage(p)));
        if (p instanceof OrderCreated created) {
            for (long sellerId : distinctSellers(created)) {
                out.add(notification(event, RecipientType.SELLER, sellerId,
                        "New order " + p.orderNumber() + " contains your items"));
            }
        }
        return out;
    }

    /** One flat analytics record per event. */
    public static AnalyticsEvent analytics(EventEnvelope event) {
        OrderEventPayload p = event.payload();
        return new AnalyticsEvent(event.eventId(), event.eventType(), p.orderId(), p.buyerId(), p.sellerIds(),
                p.status(), p.totalAmount(), p.currency(), event.occurredAt());
    }

    /** The sellers of a creation: its sellerIds and the sellers of its items, each once, ascending. */
    static List<Long> distinctSellers(OrderCreated created) {
        TreeSet<Long> sellers = new TreeSet<>(created.sellerIds());
        created.items().stream().map(OrderItem::sellerId).forEach(sellers::add);
        return List.copyOf(sellers);
    }

    private static Notification notification(EventEnvelope event, RecipientType type, long recipientId, String text) {
        return new Notification(DerivedIds.notificationId(event.eventId(), type, recipientId), event.eventId(),
                type, recipientId, event.eventType(), event.orderId(), text);
    }

    private static String buyerMessage(OrderEventPayload p) {
        if (p instanceof OrderStatusChanged change) {
            return "Order " + p.orderNumber() + " is now " + change.status() + " (was " + change.previousStatus() + ")";
        }
        return "Order " + p.orderNumber() + " placed: " + p.totalAmount().toPlainString() + " " + p.currency();
    }
}

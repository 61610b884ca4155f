package city.onestop.billing.payment;

import city.onestop.billing.Money;
import city.onestop.billing.Utility;
import city.onestop.billing.account.PayForOthers;
import city.onestop.billing.payment.PaymentTransitions.Outcome;
import city.onestop.billing.provider.PaymentProvider;
import city.onestop.billing.provider.ProviderSettings;
import city.onestop.platform.AuditLog;
import city.onestop.platform.Cursors;
import city.onestop.platform.Keyset;
import city.onestop.platform.Idempotency;
import city.onestop.platform.Idempotency.Claim;
import city.onestop.platform.Idempotency.IdempotentRequest;
import city.onestop.platform.Page;
import city.onestop.platform.ProblemException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Paying a bill at most once. The Idempotency-Key claim stops a retried request; the partial unique index on
 * open payments stops a second payment of the same bill; the provider gets our payment id as its idempotency
 * key; a timeout is UNKNOWN and is looked up, never charged again.
 */
@Service
public class PaymentService {

    private static final Logger log = LoggerFactory.getLogger(PaymentService.class);
    public static final Set<String> CHANNELS = Set.of("ALIPAY", "WECHAT_PAY", "UNIONPAY", "BANK_CARD");
    public static final String DEFAULT_CHANNEL = "ALIPAY";

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final Idempotency idempotency;
    private final PayForOthers payable;
    private final PaymentProvider provider;
    private final PaymentTransitions transitions;
    private final Reconciler reconciler;
    private final ReconcilerSettings reconcilerSettings;
    private final ProviderSettings providerSettings;
    private final AuditLog audit;
    private final Clock clock;
    private final city.onestop.platform.Outbox outbox;

    PaymentService(DatabaseClient db, ReactiveTransactionManager txManager, Idempotency idempotency, PayForOthers payable,
            PaymentProvider provider, PaymentTransitions transitions, Reconciler reconciler, ReconcilerSettings reconcilerSettings,
            ProviderSettings providerSettings, AuditLog audit, Clock clock,
            city.onestop.platform.Outbox outbox) {
        this.outbox = outbox;
        this.db = db;
        this.tx = TransactionalOperator.create(txManager);
        this.idempotency = idempotency;
        this.payable = payable;
        this.provider = provider;
        this.transitions = transitions;
        this.reconciler = reconciler;
        this.reconcilerSettings = reconcilerSettings;
        this.providerSettings = providerSettings;
        this.audit = audit;
        this.clock = clock;
    }

    /** The optional body of a payment request: channel defaults to ALIPAY; amount, if given, must be the bill total. */
    public record PayRequest(String channel, Money amount) {}

    public Mono<ResponseEntity<Object>> pay(UUID citizen, UUID billId, String idempotencyKey, PayRequest body) {
        return Mono.defer(() -> {
            String channel = body == null || body.channel() == null ? DEFAULT_CHANNEL : body.channel();
            if (!CHANNELS.contains(channel)) {
                return Mono.error(ProblemException.badRequest("INVALID_CHANNEL", "channel must be one of " + CHANNELS));
            }
            Long askedFen = body == null || body.amount() == null ? null : Money.parseFen(body.amount());
            Map<String, Object> canonical = new LinkedHashMap<>();
            canonical.put("channel", channel);
            canonical.put("amountFen", askedFen);
            IdempotentRequest request = IdempotentRequest.of(citizen, idempotencyKey, "billing.pay:" + billId, canonical);
            // Linked to one of my accounts, or looked up by its account number to pay it for someone else.
            return payable.findPayable(citizen, billId)
                    .switchIfEmpty(Mono.error(() -> ProblemException.notFound("Bill", billId.toString())))
                    .flatMap(bill -> idempotency.claimed(request, fresh -> payFresh(fresh, citizen, billId, channel, askedFen)));
        });
    }

    private Mono<ResponseEntity<Object>> payFresh(Claim.Fresh claim, UUID citizen, UUID billId, String channel, Long askedFen) {
        return createPayment(citizen, billId, channel, askedFen).flatMap(created -> provider
                .charge(new PaymentProvider.ChargeRequest(created.paymentId(), created.amountFen(), Money.CNY, channel,
                        providerSettings.callbackUrl()))
                .map(PaymentService::outcome)
                .onErrorResume(PaymentProvider.OutcomeUnknown.class, e -> {
                    log.warn("Payment {}: {}; it stays UNKNOWN until the provider is asked again", created.paymentId(), e.getMessage());
                    return Mono.just(new Outcome.Unknown("PROVIDER_TIMEOUT_OR_ERROR"));
                })
                // Nothing was charged: the claim is forgotten in the transaction that fails the payment, so a retry runs.
                .onErrorResume(PaymentProvider.ProviderUnavailable.class, e -> transitions
                        .apply(created.paymentId(), new Outcome.Failed(null, "PROVIDER_UNAVAILABLE"), view -> idempotency.fail(claim))
                        .then(Mono.error(new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, "PROVIDER_UNAVAILABLE",
                                "Payment provider unavailable", "The payment provider is not accepting payments right now; "
                                        + "nothing was charged. Try again in a minute."))))
                .flatMap(outcome -> transitions.apply(created.paymentId(), outcome,
                        view -> idempotency.complete(claim, HttpStatus.CREATED.value(), view)))
                .map(view -> ResponseEntity.status(HttpStatus.CREATED).body((Object) view)));
    }

    static Outcome outcome(PaymentProvider.ProviderPayment p) {
        return switch (p.status()) {
            case SUCCEEDED -> new Outcome.Succeeded(p.providerReference(), p.amountFen());
            case PENDING -> new Outcome.Pending(p.providerReference());
            case DECLINED -> new Outcome.Failed(p.providerReference(), "DECLINED");
        };
    }

    private record Created(UUID paymentId, long amountFen) {}

    /**
     * Writes the CREATED payment, committed before the provider is called so a crash leaves a trace the
     * reconciler follows up. The partial unique index refuses a second open payment of the bill. The bill row
     * is locked ({@code FOR UPDATE}) so an insert racing a success waits for it and then sees the bill PAID:
     * without the lock, the unique check passes as soon as the first payment leaves the open states, and a
     * second charge would follow (decision 0503).
     */
    private Mono<Created> createPayment(UUID citizen, UUID billId, String channel, Long askedFen) {
        UUID id = UUID.randomUUID();
        OffsetDateTime now = OffsetDateTime.now(clock);
        return db.sql("""
                        INSERT INTO billing_payments (id, bill_id, citizen_id, amount_fen, currency, channel, status, next_check_at,
                            created_at, updated_at)
                        SELECT :id, b.id, :citizen, b.total_fen, b.currency, :channel, 'CREATED', :next, :now, :now
                        FROM billing_bills b WHERE b.id = :bill AND b.status = 'ACTIVE' AND b.total_fen > 0
                          AND (:asked < 0 OR b.total_fen = :asked)
                        FOR UPDATE
                        RETURNING amount_fen""")
                .bind("id", id)
                .bind("citizen", citizen)
                .bind("channel", channel)
                .bind("next", now.plus(reconcilerSettings.createdGrace()))
                .bind("now", now)
                .bind("bill", billId)
                .bind("asked", askedFen == null ? -1L : askedFen)
                .map(r -> new Created(id, r.get("amount_fen", Long.class)))
                .one()
                .flatMap(created -> audit.record(new AuditLog.AuditEntry(citizen, "CITIZEN", "PAYMENT_CREATED",
                                "payment:" + id + " bill:" + billId, AuditLog.Outcome.SUCCESS))
                        .thenReturn(created))
                .as(tx::transactional)
                .onErrorMap(DataIntegrityViolationException.class, e -> inProgressOrPaid(e))
                .switchIfEmpty(Mono.defer(() -> whyNotPayable(billId, askedFen)));
    }

    private static ProblemException inProgressOrPaid(DataIntegrityViolationException e) {
        if (String.valueOf(e.getMessage()).contains("billing_payments_one_success")) {
            return ProblemException.conflict("BILL_ALREADY_PAID", "This bill is already paid");
        }
        return ProblemException.conflict("PAYMENT_IN_PROGRESS",
                "A payment of this bill is in progress; check its status before paying again");
    }

    private Mono<Created> whyNotPayable(UUID billId, Long askedFen) {
        return db.sql("SELECT status, total_fen FROM billing_bills WHERE id = :bill")
                .bind("bill", billId)
                .map(r -> new Object[] {r.get("status", String.class), r.get("total_fen", Long.class)})
                .one()
                .flatMap(b -> Mono.error(switch ((String) b[0]) {
                    case "PAID" -> ProblemException.conflict("BILL_ALREADY_PAID", "This bill is already paid");
                    case "ACTIVE" -> (Long) b[1] == 0
                            ? ProblemException.conflict("NOTHING_TO_PAY", "This bill's total is 0.00")
                            : new ProblemException(HttpStatus.UNPROCESSABLE_CONTENT, "AMOUNT_MISMATCH", "Amount mismatch",
                                    "The amount must be the bill total " + Money.ofFen((Long) b[1]).amount() + " (partial payments "
                                            + "are not supported); send {} to pay the full amount");
                    default -> ProblemException.conflict("BILL_NOT_PAYABLE", "This bill is " + b[0] + " and cannot be paid");
                }));
    }

    /** The payment if the citizen can see its account; an open PENDING/UNKNOWN payment is refreshed from the provider first. */
    public Mono<PaymentView> get(UUID citizen, UUID paymentId) {
        return visible(citizen, paymentId)
                .flatMap(p -> "PENDING".equals(p.status()) || "UNKNOWN".equals(p.status())
                        ? reconciler.refreshNow(paymentId).then(Mono.defer(() -> transitions.find(paymentId)))
                        : Mono.just(p))
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("Payment", paymentId.toString())));
    }

    private Mono<PaymentView> visible(UUID citizen, UUID paymentId) {
        // The payer (who may have paid someone else's bill) and every citizen linked to the bill's account.
        return db.sql(PaymentTransitions.VIEW + " WHERE p.id = :id AND (p.citizen_id = :citizen OR EXISTS "
                        + "(SELECT 1 FROM billing_account_links l WHERE l.account_id = b.account_id AND l.citizen_id = :citizen))")
                .bind("id", paymentId)
                .bind("citizen", citizen)
                .map(PaymentTransitions::view)
                .one();
    }

    /** Payments the citizen made, newest first. */
    public Mono<Page<PaymentView>> history(UUID citizen, Integer limit, String cursor) {
        return page(" WHERE p.citizen_id = :who", citizen, limit, cursor);
    }

    /** Payments of an account linked to the citizen (by any family member), newest first. */
    public Mono<Page<PaymentView>> accountHistory(UUID citizen, UUID accountId, Integer limit, String cursor) {
        return db.sql("SELECT 1 FROM billing_account_links WHERE account_id = :a AND citizen_id = :c")
                .bind("a", accountId)
                .bind("c", citizen)
                .map(r -> 1)
                .one()
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("Account", accountId.toString())))
                .flatMap(x -> page(" WHERE b.account_id = :who", accountId, limit, cursor));
    }

    private Mono<Page<PaymentView>> page(String where, UUID who, Integer limit, String cursor) {
        int n = Cursors.limit(limit);
        String sql = PaymentTransitions.VIEW + where;
        OffsetDateTime cAt = null;
        UUID cId = null;
        Keyset.Position after;
        try {
            after = Keyset.decode(cursor);
            if (after != null) {
                cAt = after.offsetDateTime();
                cId = after.uuid();
            }
        } catch (ProblemException e) {
            return Mono.error(e);
        }
        if (after != null) {
            sql += " AND (p.created_at, p.id) < (:cAt, :cId)";
        }
        var spec = db.sql(sql + " ORDER BY p.created_at DESC, p.id DESC LIMIT :limit").bind("who", who).bind("limit", n + 1);
        if (cAt != null) {
            spec = spec.bind("cAt", cAt).bind("cId", cId);
        }
        return spec.map(PaymentTransitions::view).all().collectList()
                .map(items -> Page.of(items, n, last -> Keyset.position(last.createdAt(), last.id())));
    }

    /** A receipt, if the citizen can see its account. */
    public Mono<ReceiptView> receipt(UUID citizen, String receiptNumber) {
        return db.sql("""
                        SELECT r.receipt_number, r.payment_id, r.bill_id, r.account_id, a.utility, a.account_number, b.period,
                               r.amount_fen, p.channel, r.issued_at
                        FROM billing_receipts r JOIN billing_bills b ON b.id = r.bill_id JOIN billing_accounts a ON a.id = r.account_id
                        JOIN billing_payments p ON p.id = r.payment_id
                        WHERE r.receipt_number = :n AND (p.citizen_id = :c OR EXISTS
                            (SELECT 1 FROM billing_account_links l WHERE l.account_id = r.account_id AND l.citizen_id = :c))""")
                .bind("n", receiptNumber)
                .bind("c", citizen)
                .map(r -> new ReceiptView(r.get("receipt_number", String.class), r.get("payment_id", UUID.class),
                        r.get("bill_id", UUID.class), r.get("account_id", UUID.class), Utility.valueOf(r.get("utility", String.class)),
                        r.get("account_number", String.class), YearMonth.from(r.get("period", LocalDate.class)).toString(),
                        Money.ofFen(r.get("amount_fen", Long.class)), r.get("channel", String.class),
                        r.get("issued_at", OffsetDateTime.class)))
                .one()
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("Receipt", receiptNumber)));
    }

    /**
     * Refunds part or all of a successful payment (operator). The amount is reserved by a conditional
     * UPDATE (never more than was paid, even under concurrent refunds), then the provider is asked; if the
     * provider could not be reached the reservation is undone.
     */
    public Mono<PaymentView> refund(UUID operator, UUID paymentId, long amountFen, String reason) {
        if (amountFen <= 0) {
            return Mono.error(ProblemException.badRequest("INVALID_AMOUNT", "A refund must be at least 0.01"));
        }
        UUID refundId = UUID.randomUUID();
        OffsetDateTime now = OffsetDateTime.now(clock);
        Mono<Long> reserve = db.sql("""
                        UPDATE billing_payments SET refunded_fen = refunded_fen + :amount, updated_at = :now,
                            status = CASE WHEN refunded_fen + :amount = amount_fen THEN 'REFUNDED' ELSE status END
                        WHERE id = :id AND status IN ('SUCCEEDED', 'REFUNDED') AND refunded_fen + :amount <= amount_fen""")
                .bind("amount", amountFen)
                .bind("now", now)
                .bind("id", paymentId)
                .fetch()
                .rowsUpdated()
                .flatMap(n -> n == 1 ? db.sql("INSERT INTO billing_refunds (id, payment_id, amount_fen, reason, operator_id, created_at) "
                                        + "VALUES (:id, :p, :amount, :reason, :op, :now)")
                                .bind("id", refundId)
                                .bind("p", paymentId)
                                .bind("amount", amountFen)
                                .bind("reason", reason == null ? "" : reason)
                                .bind("op", operator)
                                .bind("now", now)
                                .fetch()
                                .rowsUpdated()
                                .flatMap(x -> audit.record(new AuditLog.AuditEntry(operator, "UTILITY_OPERATOR", "PAYMENT_REFUNDED",
                                        "payment:" + paymentId, AuditLog.Outcome.SUCCESS)).thenReturn(x))
                        : whyNotRefundable(paymentId))
                .as(tx::transactional);
        Mono<Void> undo = db.sql("""
                        UPDATE billing_payments SET refunded_fen = refunded_fen - :amount,
                            status = CASE WHEN status = 'REFUNDED' THEN 'SUCCEEDED' ELSE status END
                        WHERE id = :id""")
                .bind("amount", amountFen)
                .bind("id", paymentId)
                .then()
                .then(db.sql("DELETE FROM billing_refunds WHERE id = :id").bind("id", refundId).then())
                .as(tx::transactional);
        return reserve
                .then(provider.refund(paymentId, refundId, amountFen)
                        .then(Mono.defer(() -> announceRefunded(refundId, paymentId, amountFen)))
                        .onErrorResume(PaymentProvider.ProviderUnavailable.class, e -> undo.then(Mono.error(new ProblemException(
                                HttpStatus.SERVICE_UNAVAILABLE, "PROVIDER_UNAVAILABLE", "Payment provider unavailable",
                                "The refund was not sent; try again in a minute"))))
                        .onErrorResume(PaymentProvider.OutcomeUnknown.class, e -> {
                            log.error("ALERT refund {} of payment {} ({} fen): provider outcome unknown, check with the provider",
                                    refundId, paymentId, amountFen);
                            return Mono.empty();
                        }))
                .then(Mono.defer(() -> transitions.find(paymentId)));
    }

    /**
     * After the refund's commit and the provider's acceptance (not after an unknown outcome or an undo), in a
     * transaction of its own: once it commits the notice cannot be lost. An instance dying between the provider's
     * acceptance and this commit loses the notice (not the refund); the provider call cannot join a transaction.
     */
    private Mono<Void> announceRefunded(UUID refundId, UUID paymentId, long amountFen) {
        return db.sql("SELECT citizen_id FROM billing_payments WHERE id = :id")
                .bind("id", paymentId)
                .map(r -> r.get("citizen_id", UUID.class))
                .one()
                .flatMap(citizen -> outbox.append(new city.onestop.billing.PaymentRefunded(refundId, paymentId, citizen,
                        Money.ofFen(amountFen))))
                .as(tx::transactional)
                .then();
    }

    private Mono<Long> whyNotRefundable(UUID paymentId) {
        return db.sql("SELECT status, amount_fen, refunded_fen FROM billing_payments WHERE id = :id")
                .bind("id", paymentId)
                .map(r -> new Object[] {r.get("status", String.class), r.get("amount_fen", Long.class), r.get("refunded_fen", Long.class)})
                .one()
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("Payment", paymentId.toString())))
                .flatMap(p -> Mono.error(switch ((String) p[0]) {
                    case "SUCCEEDED", "REFUNDED" -> new ProblemException(HttpStatus.UNPROCESSABLE_CONTENT, "REFUND_EXCEEDS_PAYMENT",
                            "Refund too large", "At most " + Money.ofFen((Long) p[1] - (Long) p[2]).amount()
                                    + " of this payment can still be refunded");
                    default -> ProblemException.conflict("PAYMENT_NOT_REFUNDABLE", "Only a SUCCEEDED payment can be refunded; this one is "
                            + p[0]);
                }));
    }
}

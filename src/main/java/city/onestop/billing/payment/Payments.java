package city.onestop.billing.payment;

import city.onestop.billing.BillingError;
import city.onestop.billing.Money;
import city.onestop.billing.account.PayForOthers;
import city.onestop.billing.payment.PaymentTransitions.Outcome;
import city.onestop.billing.provider.PaymentProvider;
import city.onestop.billing.provider.ProviderSettings;
import city.onestop.platform.AuditLog;
import city.onestop.platform.Cursors;
import city.onestop.platform.Idempotency;
import city.onestop.platform.Idempotency.Claim;
import city.onestop.platform.Idempotency.IdempotentRequest;
import city.onestop.platform.Keyset;
import city.onestop.platform.Page;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Paying a bill at most once, and what a citizen sees of payments. The Idempotency-Key claim stops a retried request;
 * the partial unique index on open payments stops a second payment of the same bill; the provider gets our payment id
 * as its idempotency key; a timeout is UNKNOWN and is looked up, never charged again. The CREATED payment and its audit
 * row commit in one transaction before the provider is called; the outcome, the bill, the receipt, the audit row, the
 * outbox event and the completed claim in another ({@link PaymentTransitions}).
 */
@Service
public class Payments {

    private static final Logger log = LoggerFactory.getLogger(Payments.class);
    public static final Set<String> CHANNELS = Set.of("ALIPAY", "WECHAT_PAY", "UNIONPAY", "BANK_CARD");
    public static final String DEFAULT_CHANNEL = "ALIPAY";

    private final PaymentRepository payments;
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

    Payments(PaymentRepository payments, TransactionalOperator tx, Idempotency idempotency, PayForOthers payable,
            PaymentProvider provider, PaymentTransitions transitions, Reconciler reconciler, ReconcilerSettings reconcilerSettings,
            ProviderSettings providerSettings, AuditLog audit, Clock clock) {
        this.payments = payments;
        this.tx = tx;
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

    public Mono<ResponseEntity<Object>> pay(UUID citizen, UUID billId, @Nullable String idempotencyKey, @Nullable PayRequest body) {
        return Mono.defer(() -> {
            String channel = body == null || body.channel() == null ? DEFAULT_CHANNEL : body.channel();
            if (!CHANNELS.contains(channel)) {
                return Mono.error(new BillingError.InvalidChannel("channel must be one of " + CHANNELS));
            }
            Long askedFen = body == null || body.amount() == null ? null : Money.parseFen(body.amount());
            Map<String, Object> canonical = new LinkedHashMap<>();
            canonical.put("channel", channel);
            canonical.put("amountFen", askedFen);
            IdempotentRequest request = IdempotentRequest.of(citizen, idempotencyKey, "billing.pay:" + billId, canonical);
            // Linked to one of my accounts, or looked up by its account number to pay it for someone else.
            return payable.findPayable(citizen, billId)
                    .switchIfEmpty(Mono.error(() -> new BillingError.BillNotFound(billId)))
                    .flatMap(bill -> idempotency.claimed(request, fresh -> payFresh(fresh, citizen, billId, channel, askedFen)));
        });
    }

    private Mono<ResponseEntity<Object>> payFresh(Claim.Fresh claim, UUID citizen, UUID billId, String channel, @Nullable Long askedFen) {
        return create(citizen, billId, channel, askedFen).flatMap(created -> provider
                .charge(new PaymentProvider.ChargeRequest(created.paymentId(), created.amountFen(), Money.CNY, channel,
                        providerSettings.callbackUrl()))
                .map(PaymentTransitions::outcome)
                .onErrorResume(PaymentProvider.OutcomeUnknown.class, e -> {
                    log.warn("Payment {}: {}; it stays UNKNOWN until the provider is asked again", created.paymentId(), e.getMessage());
                    return Mono.just(new Outcome.Unknown("PROVIDER_TIMEOUT_OR_ERROR"));
                })
                // Nothing was charged: the claim is forgotten in the transaction that fails the payment, so a retry runs.
                .onErrorResume(PaymentProvider.ProviderUnavailable.class, e -> transitions
                        .apply(created.paymentId(), new Outcome.Failed(null, "PROVIDER_UNAVAILABLE"), view -> idempotency.fail(claim))
                        .then(Mono.error(new BillingError.ProviderUnavailable("The payment provider is not accepting payments "
                                + "right now; nothing was charged. Try again in a minute."))))
                .flatMap(outcome -> transitions.apply(created.paymentId(), outcome,
                        view -> idempotency.complete(claim, 201, view)))
                .map(view -> ResponseEntity.status(201).body((Object) view)));
    }

    /**
     * The CREATED payment and its audit row, committed before the provider is called so a crash leaves a trace the
     * reconciler follows up.
     */
    private Mono<PaymentRepository.Created> create(UUID citizen, UUID billId, String channel, @Nullable Long askedFen) {
        return Mono.defer(() -> {
            UUID id = UUID.randomUUID();
            OffsetDateTime now = OffsetDateTime.now(clock);
            return payments.insertCreated(id, citizen, billId, channel, askedFen, now.plus(reconcilerSettings.createdGrace()), now)
                    .flatMap(created -> audit.record(new AuditLog.AuditEntry(citizen, "CITIZEN", "PAYMENT_CREATED",
                                    "payment:" + id + " bill:" + billId, AuditLog.Outcome.SUCCESS))
                            .thenReturn(created))
                    .as(tx::transactional)
                    .switchIfEmpty(Mono.defer(() -> payments.whyNotPayable(billId)));
        });
    }

    /** The payment if the citizen can see its account; an open PENDING/UNKNOWN payment is refreshed from the provider first. */
    public Mono<PaymentView> get(UUID citizen, UUID paymentId) {
        return payments.findVisible(citizen, paymentId)
                .flatMap(p -> "PENDING".equals(p.status()) || "UNKNOWN".equals(p.status())
                        ? reconciler.refreshNow(paymentId).then(Mono.defer(() -> payments.find(paymentId)))
                        : Mono.just(p))
                .switchIfEmpty(Mono.error(() -> new BillingError.PaymentNotFound(paymentId)));
    }

    /** Payments the citizen made, newest first. */
    public Mono<Page<PaymentView>> history(UUID citizen, @Nullable Integer limit, @Nullable String cursor) {
        return Mono.defer(() -> {
            int n = Cursors.limit(limit);
            return payments.listByPayer(citizen, after(cursor), n + 1).map(items -> page(items, n));
        });
    }

    /** Payments of an account linked to the citizen (by any family member), newest first. */
    public Mono<Page<PaymentView>> accountHistory(UUID citizen, UUID accountId, @Nullable Integer limit, @Nullable String cursor) {
        return payments.isLinked(accountId, citizen)
                .flatMap(linked -> linked ? Mono.defer(() -> {
                            int n = Cursors.limit(limit);
                            return payments.listByAccount(accountId, after(cursor), n + 1).map(items -> page(items, n));
                        })
                        : Mono.error(new BillingError.AccountNotFound(accountId.toString())));
    }

    private static PaymentRepository.@Nullable After after(@Nullable String cursor) {
        Keyset.Position after = Keyset.decode(cursor);
        return after == null ? null : new PaymentRepository.After(after.offsetDateTime(), after.uuid());
    }

    private static Page<PaymentView> page(List<PaymentView> items, int n) {
        return Page.of(items, n, last -> Keyset.position(last.createdAt(), last.id()));
    }

    /** A receipt, if the citizen can see its account. */
    public Mono<ReceiptView> receipt(UUID citizen, String receiptNumber) {
        return payments.findReceipt(citizen, receiptNumber)
                .switchIfEmpty(Mono.error(() -> new BillingError.ReceiptNotFound(receiptNumber)));
    }
}

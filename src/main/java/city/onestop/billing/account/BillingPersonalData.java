package city.onestop.billing.account;

import city.onestop.citizen.PersonalData;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Billing's part of a citizen's export and erasure: linked accounts, link requests, the bills of linked accounts and
 * the payments the citizen made. Erasure removes the links and link requests; payments, receipts and refunds are
 * accounting records the law keeps: they stay, under a citizen id that no longer names anyone.
 */
@Component
class BillingPersonalData implements PersonalData {

    private final BillingPersonalDataRepository repository;
    private final AccountService accounts;

    BillingPersonalData(BillingPersonalDataRepository repository, AccountService accounts) {
        this.repository = repository;
        this.accounts = accounts;
    }

    @Override
    public String section() {
        return "billing";
    }

    @Override
    public Mono<Object> export(UUID citizenId) {
        Mono<java.util.List<AccountView>> linked = accounts.listLinked(citizenId).collectList();
        return Mono.zip(linked, repository.listLinkRequests(citizenId), repository.listBills(citizenId),
                repository.listPayments(citizenId)).map(t -> {
            Map<String, Object> part = new LinkedHashMap<>();
            part.put("linkedAccounts", t.getT1());
            part.put("linkRequests", t.getT2());
            part.put("bills", t.getT3());
            part.put("payments", t.getT4());
            return part;
        });
    }

    @Override
    public Mono<Void> erase(UUID citizenId) {
        return repository.eraseLinks(citizenId);
    }
}

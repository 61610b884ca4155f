package city.onestop.notification;

import city.onestop.billing.AccountLinkChanged;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Tells the citizens billing names ({@link AccountLinkChanged#recipients()}) that someone's access to a utility
 * account changed (issue #10: linked citizens and the holder hear of new links and removals; a revoked citizen
 * hears of the revocation; the holder of a request for approval). The event id and the recipient make the dedup
 * key, so a redelivered event stores nothing new. Texts in each recipient's language.
 */
@Component
class AccountLinkNotices {

    private static final Logger log = LoggerFactory.getLogger(AccountLinkNotices.class);
    static final String TYPE = "ACCOUNT_LINK_CHANGED";

    private final Notifications notifications;
    private final NotificationTexts texts;

    AccountLinkNotices(Notifications notifications, NotificationTexts texts) {
        this.notifications = notifications;
        this.texts = texts;
    }

    Mono<Void> on(UUID eventId, AccountLinkChanged event) {
        String change = event.change().name();
        return Flux.fromIterable(event.recipients())
                .concatMap(to -> texts.languageOf(to).flatMap(l -> {
                    // The requester told of their own approved link reads it as theirs, everyone else as a household member's.
                    String body = "notification." + TYPE + "." + change + (to.equals(event.citizenId()) ? ".self" : "") + ".body";
                    return notifications.notify(to, TYPE, texts.text("notification." + TYPE + "." + change + ".title", l),
                            texts.text(body, l, texts.text("utility." + event.utility().name(), l), event.maskedAccountNumber()),
                            "account-link:" + eventId);
                }))
                .doOnError(e -> log.warn("Could not store the notices of link change {} on account {}", eventId, event.accountId(), e))
                .then();
    }
}

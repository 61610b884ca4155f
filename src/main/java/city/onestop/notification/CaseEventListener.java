package city.onestop.notification;

import city.onestop.participation.CaseOverdue;
import city.onestop.participation.CaseUpdated;
import reactor.core.publisher.Flux;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Tells a case's submitter of every change to it, in Chinese first and English second; the timeline entry's id is
 * the dedup key, so a redelivered event stores nothing new. Participation appends its events to the outbox in the
 * change's transaction; these methods are the consumers' bodies ({@link NotificationConsumers}).
 */
@Component
class CaseEventListener {

    private static final Logger log = LoggerFactory.getLogger(CaseEventListener.class);

    private final Notifications notifications;

    CaseEventListener(Notifications notifications) {
        this.notifications = notifications;
    }

    Mono<Void> on(CaseUpdated event) {
        CaseTexts.Text text = CaseTexts.of(event);
        return notifications.notify(event.citizenId(), "CASE_" + event.kind(), text.title(), text.body(), "case-event:" + event.eventId())
                .doOnError(e -> log.warn("Could not store the notice for case {} ({})", event.caseId(), event.kind(), e))
                .then();
    }

    /** Tells each staff member of the department that a case of theirs is overdue, once per staff member and deadline. */
    Mono<Void> on(CaseOverdue event) {
        String title = "诉求办理超时 Case overdue";
        String body = "诉求（" + event.reference() + "）“" + event.title() + "”已超过办理时限，请尽快办理。\n"
                + "Case " + event.reference() + " \"" + event.title() + "\" is past its deadline; please handle it.";
        return Flux.fromIterable(event.staffIds())
                .concatMap(staff -> notifications.notify(staff, "CASE_OVERDUE_STAFF", title, body, "case-overdue:" + event.eventId()))
                .doOnError(e -> log.warn("Could not store the overdue notices for case {}", event.caseId(), e))
                .then();
    }
}

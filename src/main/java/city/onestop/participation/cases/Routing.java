package city.onestop.participation.cases;

import city.onestop.billing.BillingFacts;
import city.onestop.billing.Utility;
import city.onestop.booking.BookingFacts;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Decides which department a new case goes to. A subject wins over the category: a STOP or ROUTE goes to the transit
 * operator, an APPOINTMENT or HOSPITAL to that hospital (found through booking), an ACCOUNT or BILL to the utility
 * that runs it (found through billing). Without a subject the category's department (data in
 * {@code participation_categories}) takes it; the city office takes what nobody else does.
 */
@Component
class Routing {

    private final Departments departments;
    private final BookingFacts booking;
    private final BillingFacts billing;

    Routing(Departments departments, BookingFacts booking, BillingFacts billing) {
        this.departments = departments;
        this.booking = booking;
        this.billing = billing;
    }

    /** The department for a case of {@code citizenId} in {@code category} about {@code subject} (may be null). */
    Mono<Department> route(UUID citizenId, Departments.Category category, Cases.Subject subject) {
        if (subject == null) {
            return byCode(category.departmentCode());
        }
        return switch (subject.kind()) {
            case STOP, ROUTE -> byCode(Departments.TRANSIT);
            case ACCOUNT -> uuid(subject).flatMap(billing::findAccountUtility)
                    .switchIfEmpty(Mono.error(() -> subjectNotFound(subject)))
                    .flatMap(this::utility);
            case BILL -> uuid(subject).flatMap(billing::findBillUtility)
                    .switchIfEmpty(Mono.error(() -> subjectNotFound(subject)))
                    .flatMap(this::utility);
            case APPOINTMENT -> uuid(subject).flatMap(booking::findAppointment)
                    // Someone else's appointment is as unknown as a missing one.
                    .filter(a -> a.citizenId().equals(citizenId))
                    .switchIfEmpty(Mono.error(() -> subjectNotFound(subject)))
                    .flatMap(a -> departments.ensureHospital(a.hospitalId(), a.hospitalName()));
            case HOSPITAL -> uuid(subject).flatMap(booking::findHospital)
                    .switchIfEmpty(Mono.error(() -> subjectNotFound(subject)))
                    .flatMap(h -> departments.ensureHospital(h.id(), h.name()));
        };
    }

    private Mono<Department> utility(Utility utility) {
        return byCode(utility == Utility.WATER ? Departments.WATER : Departments.POWER);
    }

    private Mono<Department> byCode(String code) {
        return departments.findByCode(code)
                .switchIfEmpty(Mono.defer(() -> departments.findByCode(Departments.CITY_OFFICE)));
    }

    private static Mono<UUID> uuid(Cases.Subject subject) {
        try {
            return Mono.just(UUID.fromString(subject.id()));
        } catch (IllegalArgumentException e) {
            return Mono.error(subjectNotFound(subject));
        }
    }

    static ParticipationError subjectNotFound(Cases.Subject subject) {
        return ParticipationError.unprocessable("SUBJECT_NOT_FOUND",
                "subject " + subject.kind() + " " + subject.id() + " does not exist or is not yours");
    }
}

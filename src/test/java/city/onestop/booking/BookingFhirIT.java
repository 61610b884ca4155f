package city.onestop.booking;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import city.onestop.IntegrationTest;
import city.onestop.platform.AccessTokens;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The FHIR view is checked by HAPI's R4 instance validator against the base specification, offline. */
@IntegrationTest
class BookingFhirIT {

    static FhirValidator validator;

    @Autowired WebTestClient web;
    @Autowired AccessTokens tokens;
    @Autowired DatabaseClient db;
    @Autowired Clock clock;
    BookingFixture f;

    @BeforeAll
    static void validator() {
        FhirContext context = FhirContext.forR4();
        ValidationSupportChain chain = new ValidationSupportChain(new DefaultProfileValidationSupport(context),
                new InMemoryTerminologyServerValidationSupport(context), new CommonCodeSystemsTerminologyService(context),
                new SnapshotGeneratingValidationSupport(context));
        FhirInstanceValidator instance = new FhirInstanceValidator(chain);
        // Our Patient/Practitioner/Location references point at resources this view does not serve.
        instance.setAnyExtensionsAllowed(true);
        validator = context.newValidator().registerValidatorModule(instance);
    }

    @BeforeEach
    void setUp() {
        f = new BookingFixture(web, tokens, db, clock);
    }

    private static void assertValid(String json) {
        ValidationResult result = validator.validateWithResult(json);
        List<SingleValidationMessage> errors = result.getMessages().stream()
                .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
                .toList();
        assertThat(errors).as("FHIR validation errors in %s", json).isEmpty();
    }

    private String get(String token, String uri, Object... vars) {
        return web.get().uri(uri, vars).headers(x -> x.setBearerAuth(token)).exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith("application/fhir+json")
                .expectBody(String.class).returnResult().getResponseBody();
    }

    @Test
    void slotSearchIsAValidSearchsetWithFreeAndBusySlots() {
        var h = f.hospital();
        var session = f.session(h, 2, 1);
        f.bookOk(f.citizen(UUID.randomUUID()), session.slotIds().get(0));
        String token = f.citizen(UUID.randomUUID());

        String bundle = get(token, "/fhir/r4/Slot?schedule=Schedule/{s}&start=ge{d}", session.scheduleId(), f.today().plusDays(2));

        assertValid(bundle);
        assertThat(bundle).contains("\"resourceType\":\"Bundle\"", "\"type\":\"searchset\"", "\"total\":2",
                "\"status\":\"busy\"", "\"status\":\"free\"", f.today().plusDays(2) + "T08:00:00+08:00");
        String none = get(token, "/fhir/r4/Slot?schedule={s}&start=ge{d}", session.scheduleId(), f.today().plusDays(3));
        assertThat(none).contains("\"total\":0");
    }

    @Test
    void appointmentsAreValidWithFhirStatusCodesForThePatientAndTheirHospitalsStaff() {
        var h = f.hospital();
        var session = f.session(h, 2, 1);
        String token = f.citizen(UUID.randomUUID());
        UUID booked = f.bookOk(token, session.slotIds().get(0));

        String json = get(token, "/fhir/r4/Appointment/{id}", booked);
        assertValid(json);
        assertThat(json).contains("\"resourceType\":\"Appointment\"", "\"status\":\"booked\"", "Slot/" + session.slotIds().get(0));

        web.post().uri("/api/v1/booking/staff/appointments/{id}/check-in", booked).headers(x -> x.setBearerAuth(h.staff())).exchange()
                .expectStatus().isOk();
        String checkedIn = get(h.staff(), "/fhir/r4/Appointment/{id}", booked);
        assertValid(checkedIn);
        assertThat(checkedIn).contains("\"status\":\"checked-in\"");

        String otherToken = f.citizen(UUID.randomUUID());
        UUID other = f.bookOk(otherToken, session.slotIds().get(1));
        web.post().uri("/api/v1/booking/appointments/{id}/cancel", other).headers(x -> x.setBearerAuth(otherToken)).exchange()
                .expectStatus().isOk();
        String cancelled = get(otherToken, "/fhir/r4/Appointment/{id}", other);
        assertValid(cancelled);
        assertThat(cancelled).contains("\"status\":\"cancelled\"", "CANCELLED_BY_PATIENT");
    }

    @Test
    void theFhirViewNeedsAToken() {
        web.get().uri("/fhir/r4/Slot?schedule={s}", UUID.randomUUID()).exchange().expectStatus().isUnauthorized();
        web.get().uri("/fhir/r4/Appointment/{id}", UUID.randomUUID()).exchange().expectStatus().isUnauthorized();
    }

    @Test
    void aMalformedStartIs400() {
        String token = f.citizen(UUID.randomUUID());
        web.get().uri("/fhir/r4/Slot?schedule={s}&start=ge2026-99", UUID.randomUUID()).headers(x -> x.setBearerAuth(token)).exchange()
                .expectStatus().isBadRequest();
    }
}

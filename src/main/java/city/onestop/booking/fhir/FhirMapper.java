package city.onestop.booking.fhir;

import city.onestop.booking.Views;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import java.time.OffsetDateTime;
import java.util.Date;
import java.util.TimeZone;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Reference;

/** Our appointment as a FHIR R4 Appointment; our UPPER_SNAKE statuses become FHIR's codes here, at the edge. */
final class FhirMapper {

    private FhirMapper() {}

    static Appointment.AppointmentStatus status(String ours) {
        return switch (ours) {
            case "PENDING" -> Appointment.AppointmentStatus.PENDING;
            case "BOOKED" -> Appointment.AppointmentStatus.BOOKED;
            case "ARRIVED" -> Appointment.AppointmentStatus.ARRIVED;
            case "CHECKED_IN" -> Appointment.AppointmentStatus.CHECKEDIN;
            case "FULFILLED" -> Appointment.AppointmentStatus.FULFILLED;
            case "CANCELLED" -> Appointment.AppointmentStatus.CANCELLED;
            case "NOSHOW" -> Appointment.AppointmentStatus.NOSHOW;
            case "ENTERED_IN_ERROR" -> Appointment.AppointmentStatus.ENTEREDINERROR;
            default -> throw new IllegalArgumentException("Unknown appointment status " + ours);
        };
    }

    static Appointment appointment(Views.Appointment a) {
        Appointment fhir = new Appointment();
        fhir.setId(a.id().toString());
        fhir.setStatus(status(a.status()));
        fhir.setStartElement(instant(a.start()));
        fhir.setEndElement(instant(a.end()));
        fhir.setCreatedElement(new DateTimeType(date(a.createdAt()), TemporalPrecisionEnum.SECOND, zone(a.createdAt())));
        fhir.addSlot(new Reference("Slot/" + a.slotId()));
        fhir.addServiceType(new CodeableConcept().setText(a.department().name()));
        fhir.setDescription(a.department().name() + ", " + a.hospital().name());
        if (a.statusReason() != null && "CANCELLED".equals(a.status())) {
            fhir.setCancelationReason(new CodeableConcept().setText(a.statusReason()));
        }
        fhir.addParticipant()
                .setActor(new Reference("Patient/" + a.patientId()).setDisplay(a.patientName()))
                .setStatus(Appointment.ParticipationStatus.ACCEPTED);
        fhir.addParticipant()
                .setActor(new Reference("Practitioner/" + a.doctor().id()).setDisplay(a.doctor().name()))
                .setStatus(Appointment.ParticipationStatus.ACCEPTED);
        fhir.addParticipant()
                .setActor(new Reference("Location/" + a.hospital().id()).setDisplay(a.hospital().name()))
                .setStatus(Appointment.ParticipationStatus.ACCEPTED);
        return fhir;
    }

    static Date date(String offsetDateTime) {
        return Date.from(OffsetDateTime.parse(offsetDateTime).toInstant());
    }

    /** Keeps the hospital's offset in the output ({@code +08:00}) instead of the JVM's zone. */
    static TimeZone zone(String offsetDateTime) {
        return TimeZone.getTimeZone(OffsetDateTime.parse(offsetDateTime).getOffset());
    }

    static InstantType instant(String offsetDateTime) {
        return new InstantType(date(offsetDateTime), TemporalPrecisionEnum.SECOND, zone(offsetDateTime));
    }
}

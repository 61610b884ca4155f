package city.onestop.booking;

import city.onestop.citizen.PersonalData;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Booking's part of a citizen's export and erasure. Appointments are medical records the hospitals must keep: they
 * stay on erasure, under a citizen id that no longer names anyone. Family members whom no appointment names are
 * deleted; those an appointment names stay with it (the patient of a medical record).
 */
@Component
class BookingPersonalData implements PersonalData {

    private final BookingPersonalDataRepository repository;

    BookingPersonalData(BookingPersonalDataRepository repository) {
        this.repository = repository;
    }

    @Override
    public String section() {
        return "booking";
    }

    @Override
    public Mono<Object> export(UUID citizenId) {
        return Mono.zip(repository.listAppointments(citizenId), repository.listFamilyMembers(citizenId)).map(t -> {
            Map<String, Object> part = new LinkedHashMap<>();
            part.put("appointments", t.getT1());
            part.put("familyMembers", t.getT2());
            return part;
        });
    }

    @Override
    public Mono<Void> erase(UUID citizenId) {
        return repository.eraseUnnamedFamilyMembers(citizenId);
    }
}

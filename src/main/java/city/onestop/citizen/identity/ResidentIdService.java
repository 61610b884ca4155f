package city.onestop.citizen.identity;

import city.onestop.citizen.CitizenSummary;
import city.onestop.citizen.ResidentIds;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** {@link ResidentIds} over the module's {@link IdNumberProtector} and the citizen table. */
@Service
class ResidentIdService implements ResidentIds {

    private final IdNumberProtector protector;
    private final CitizenRepository citizens;

    ResidentIdService(IdNumberProtector protector, CitizenRepository citizens) {
        this.protector = protector;
        this.citizens = citizens;
    }

    @Override
    public Optional<ProtectedId> protect(String raw) {
        return ResidentIdNumber.normalize(raw)
                .map(n -> new ProtectedId(protector.encrypt(n), protector.fingerprint(n), ResidentIdNumber.mask(n)));
    }

    @Override
    public Mono<byte[]> findIdFingerprint(UUID citizenId) {
        return citizens.findIdFingerprint(citizenId);
    }

    @Override
    public Mono<CitizenSummary> findCitizenByIdFingerprint(byte[] fingerprint) {
        return citizens.findByIdFingerprint(fingerprint)
                .map(row -> new CitizenSummary(row.id(), row.realName(), Registrations.maskPhone(row.phone())));
    }
}

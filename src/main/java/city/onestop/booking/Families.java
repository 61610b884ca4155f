package city.onestop.booking;

import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** The people a citizen books for (children, parents): bound by name and resident ID number, shown masked. */
@Service
public class Families {

    private final PeopleRepository people;
    private final Clock clock;

    Families(PeopleRepository people, Clock clock) {
        this.people = people;
        this.clock = clock;
    }

    public Mono<List<Views.FamilyMember>> list(UUID citizenId) {
        return people.listFamilyMembers(citizenId);
    }

    /** Binds a family member; the ID number must already be valid and normalised (upper case). One statement. */
    public Mono<Views.FamilyMember> add(UUID citizenId, String name, String idNumber, String relationship) {
        return people.addFamilyMember(citizenId, name, idNumber, relationship, clock.instant());
    }
}

package city.onestop.citizen;

import java.time.Instant;
import java.util.UUID;

/**
 * Published (as a Spring application event) once a registration is committed. Listeners run on the thread
 * that completed the insert, an event-loop thread: they must not block, and should hand real work off.
 */
public record CitizenRegistered(UUID citizenId, Instant registeredAt) {}

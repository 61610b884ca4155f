package city.onestop.citizen.identity;

import city.onestop.platform.Role;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** A citizen as the API shows it: the ID number only masked. */
public record Citizen(UUID id, String phone, String realName, String idNumberMasked, Set<Role> roles, Instant createdAt) {}

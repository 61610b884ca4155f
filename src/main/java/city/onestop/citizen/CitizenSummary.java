package city.onestop.citizen;

import java.util.UUID;

/** What other modules may know about a citizen: enough to greet or verify, never the ID number or full phone. */
public record CitizenSummary(UUID id, String realName, String maskedPhone) {}

package city.onestop.participation.cases;

import java.util.UUID;

/** A department that handles cases; {@code code} is TRANSIT, WATER, POWER, CITY_OFFICE or HOSPITAL:&lt;hospital id&gt;. */
public record Department(UUID id, String code, String kind, String name, String nameEn) {}

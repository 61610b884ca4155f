package city.onestop.booking.fhir;

import city.onestop.booking.FhirReads;
import city.onestop.platform.ProblemException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Slot;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** FHIR Slot search: booking's slots ({@link FhirReads}) as a FHIR searchset Bundle. */
@Component
class FhirSlots {

    private final FhirReads reads;

    FhirSlots(FhirReads reads) {
        this.reads = reads;
    }

    /**
     * One {@code start} search parameter: a prefix (ge, gt, le, lt; none means the whole day or instant) and
     * a date or dateTime. A date without zone is a day of the hospital's zone, resolved when the zone is known.
     */
    record StartBound(String prefix, LocalDate date, OffsetDateTime dateTime) {

        static StartBound parse(String raw) {
            String prefix = raw.length() > 2 && raw.substring(0, 2).matches("ge|gt|le|lt|eq") ? raw.substring(0, 2) : "eq";
            String value = raw.length() > 2 && raw.substring(0, 2).matches("ge|gt|le|lt|eq") ? raw.substring(2) : raw;
            try {
                if (value.length() == 10) {
                    return new StartBound(prefix, LocalDate.parse(value), null);
                }
                return new StartBound(prefix, null, OffsetDateTime.parse(value));
            } catch (DateTimeParseException e) {
                throw ProblemException.badRequest("INVALID_DATE", "start must be [ge|gt|le|lt]YYYY-MM-DD or a dateTime with offset");
            }
        }

        /** [from, to) in instants. */
        Instant[] range(ZoneId zone) {
            Instant lo = dateTime != null ? dateTime.toInstant() : date.atStartOfDay(zone).toInstant();
            Instant hi = dateTime != null ? dateTime.toInstant().plusNanos(1) : date.plusDays(1).atStartOfDay(zone).toInstant();
            return switch (prefix) {
                case "ge" -> new Instant[] {lo, null};
                case "gt" -> new Instant[] {hi, null};
                case "le" -> new Instant[] {null, hi};
                case "lt" -> new Instant[] {null, lo};
                default -> new Instant[] {lo, hi};
            };
        }
    }

    Mono<Bundle> search(UUID scheduleId, List<StartBound> bounds, String selfUrl) {
        return reads.findScheduleZone(scheduleId)
                .flatMap(zone -> {
                    Instant from = Instant.MIN;
                    Instant to = Instant.MAX;
                    for (StartBound b : bounds) {
                        Instant[] r = b.range(zone);
                        if (r[0] != null && r[0].isAfter(from)) {
                            from = r[0];
                        }
                        if (r[1] != null && r[1].isBefore(to)) {
                            to = r[1];
                        }
                    }
                    return reads.listSlots(scheduleId, from, to).map(rows -> rows.stream()
                            .map(row -> slot(row.id(), row.scheduleId(), row.startsAt(), row.endsAt(), row.capacity(), row.booked(),
                                    row.open(), zone))
                            .toList());
                })
                .defaultIfEmpty(List.of())
                .map(found -> {
                    Bundle bundle = new Bundle();
                    bundle.setType(Bundle.BundleType.SEARCHSET);
                    bundle.setTotal(found.size());
                    bundle.addLink().setRelation("self").setUrl(selfUrl);
                    for (Slot s : found) {
                        bundle.addEntry().setFullUrl("urn:uuid:" + s.getIdElement().getIdPart()).setResource(s)
                                .getSearch().setMode(Bundle.SearchEntryMode.MATCH);
                    }
                    return bundle;
                });
    }

    private static Slot slot(UUID id, UUID scheduleId, OffsetDateTime start, OffsetDateTime end, int capacity, int booked, boolean open,
            ZoneId zone) {
        Slot slot = new Slot();
        slot.setId(id.toString());
        slot.setSchedule(new Reference("Schedule/" + scheduleId));
        slot.setStatus(!open ? Slot.SlotStatus.BUSYUNAVAILABLE : booked >= capacity ? Slot.SlotStatus.BUSY : Slot.SlotStatus.FREE);
        slot.setStartElement(FhirMapper.instant(start.atZoneSameInstant(zone).toOffsetDateTime().toString()));
        slot.setEndElement(FhirMapper.instant(end.atZoneSameInstant(zone).toOffsetDateTime().toString()));
        slot.setComment((open ? Math.max(0, capacity - booked) : 0) + " of " + capacity + " places free");
        return slot;
    }

    static Date date(Instant t) {
        return Date.from(t);
    }
}

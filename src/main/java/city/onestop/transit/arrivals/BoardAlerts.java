package city.onestop.transit.arrivals;

import city.onestop.transit.realtime.ingest.LiveSnapshot;
import city.onestop.transit.realtime.ingest.ServiceAlert;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Service alerts where riders look: a board carries the active alerts that inform on its stop (stop only) or on the
 * whole agency; each row those that inform on its route or its trip (alone, or together with this stop, since an
 * informed entity's fields must all match). Texts in the rider's language where the feed translates them
 * ({@code Accept-Language}), else the untranslated text, else the first one.
 */
final class BoardAlerts {

    /** The city app's language when the rider states none. */
    static final String DEFAULT_LANGUAGE = "zh-CN";

    private BoardAlerts() {}

    /** One alert as a board shows it. Times RFC 3339 in the agency's zone; open ends absent. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Alert(
            String id,
            String effect,
            String cause,
            @Nullable String headerText,
            @Nullable String descriptionText,
            @Nullable String url,
            @Nullable String language,
            List<Period> activePeriods) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Period(@Nullable String start, @Nullable String end) {}

    /** One alerts snapshot indexed by what its informed entities name; built once per snapshot. */
    record Index(LiveSnapshot snapshot, List<ServiceAlert> agencyWide, Map<String, List<Informed>> byStop,
            Map<String, List<Informed>> byRoute, Map<String, List<Informed>> byTrip) {}

    /** An alert and the stop an informed entity narrows it to (null: anywhere). */
    record Informed(ServiceAlert alert, @Nullable String stopId) {}

    static Index index(LiveSnapshot s) {
        List<ServiceAlert> agency = new ArrayList<>();
        Map<String, List<Informed>> byStop = new HashMap<>(), byRoute = new HashMap<>(), byTrip = new HashMap<>();
        for (ServiceAlert a : s.alerts()) {
            for (ServiceAlert.InformedEntity e : a.informedEntities()) {
                if (e.tripId() != null) {
                    byTrip.computeIfAbsent(e.tripId(), k -> new ArrayList<>()).add(new Informed(a, e.stopId()));
                } else if (e.routeId() != null) {
                    byRoute.computeIfAbsent(e.routeId(), k -> new ArrayList<>()).add(new Informed(a, e.stopId()));
                } else if (e.stopId() != null) {
                    byStop.computeIfAbsent(e.stopId(), k -> new ArrayList<>()).add(new Informed(a, null));
                } else if (e.agencyId() != null) {
                    if (!agency.contains(a)) agency.add(a);
                }
            }
        }
        return new Index(s, agency, byStop, byRoute, byTrip);
    }

    /** Alerts of the stop itself and of the agency, active now. */
    static List<Alert> forStop(Index i, String stopId, Instant now, ZoneId zone, List<Locale.LanguageRange> language) {
        Map<String, ServiceAlert> out = new LinkedHashMap<>();
        for (ServiceAlert a : i.agencyWide()) if (a.isActiveAt(now)) out.putIfAbsent(a.id(), a);
        for (Informed x : i.byStop().getOrDefault(stopId, List.of())) if (x.alert().isActiveAt(now)) out.putIfAbsent(x.alert().id(), x.alert());
        return render(out.values(), zone, language);
    }

    /** Alerts of a row's route or trip (anywhere, or at this stop), active now. */
    static List<Alert> forRow(Index i, @Nullable String routeId, @Nullable String tripId, String stopId, Instant now,
            ZoneId zone, List<Locale.LanguageRange> language) {
        Map<String, ServiceAlert> out = new LinkedHashMap<>();
        if (routeId != null) collect(i.byRoute().get(routeId), stopId, now, out);
        if (tripId != null) collect(i.byTrip().get(tripId), stopId, now, out);
        return out.isEmpty() ? List.of() : render(out.values(), zone, language);
    }

    private static void collect(@Nullable List<Informed> informed, String stopId, Instant now, Map<String, ServiceAlert> out) {
        if (informed == null) return;
        for (Informed x : informed) {
            if ((x.stopId() == null || x.stopId().equals(stopId)) && x.alert().isActiveAt(now)) {
                out.putIfAbsent(x.alert().id(), x.alert());
            }
        }
    }

    private static List<Alert> render(java.util.Collection<ServiceAlert> alerts, ZoneId zone, List<Locale.LanguageRange> language) {
        List<Alert> out = new ArrayList<>(alerts.size());
        for (ServiceAlert a : alerts) {
            ServiceAlert.LocalizedText header = pick(a.headerText(), language);
            ServiceAlert.LocalizedText description = pick(a.descriptionText(), language);
            ServiceAlert.LocalizedText url = pick(a.url(), language);
            List<Period> periods = new ArrayList<>();
            for (ServiceAlert.ActivePeriod p : a.activePeriods()) {
                periods.add(new Period(p.start() == null ? null : ArrivalBoards.RFC_3339.format(p.start().atZone(zone)),
                        p.end() == null ? null : ArrivalBoards.RFC_3339.format(p.end().atZone(zone))));
            }
            out.add(new Alert(a.id(), a.effect(), a.cause(), header == null ? null : header.text(),
                    description == null ? null : description.text(), url == null ? null : url.text(),
                    header != null ? header.language() : description != null ? description.language() : null, periods));
        }
        return out;
    }

    /**
     * The translation the rider asked for ({@code Accept-Language} ranges, best first; the city's default when none),
     * else the text without a language, else the first.
     */
    static ServiceAlert.@Nullable LocalizedText pick(List<ServiceAlert.LocalizedText> texts, List<Locale.LanguageRange> wanted) {
        if (texts.isEmpty()) return null;
        List<String> tags = new ArrayList<>();
        for (ServiceAlert.LocalizedText t : texts) if (t.language() != null) tags.add(t.language());
        if (!tags.isEmpty()) {
            List<Locale.LanguageRange> ranges = wanted.isEmpty() ? Locale.LanguageRange.parse(DEFAULT_LANGUAGE) : wanted;
            List<String> matches = Locale.filterTags(ranges, tags);
            if (matches.isEmpty()) {
                // "zh-CN" asked, "zh" given (or the other way round): compare primary languages.
                for (Locale.LanguageRange r : ranges) {
                    String primary = r.getRange().split("-")[0];
                    for (String tag : tags) {
                        if (tag.toLowerCase(Locale.ROOT).split("-")[0].equals(primary)) {
                            matches = List.of(tag);
                            break;
                        }
                    }
                    if (!matches.isEmpty()) break;
                }
            }
            if (!matches.isEmpty()) {
                String chosen = matches.get(0);
                for (ServiceAlert.LocalizedText t : texts) if (chosen.equalsIgnoreCase(t.language())) return t;
            }
        }
        for (ServiceAlert.LocalizedText t : texts) if (t.language() == null) return t;
        return texts.get(0);
    }

    /** The rider's languages from an {@code Accept-Language} header; empty (the default) when absent or malformed. */
    static List<Locale.LanguageRange> languages(@Nullable String acceptLanguage) {
        if (acceptLanguage == null || acceptLanguage.isBlank()) return List.of();
        try {
            return Locale.LanguageRange.parse(acceptLanguage);
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }
}

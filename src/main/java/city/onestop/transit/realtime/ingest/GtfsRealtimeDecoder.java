package city.onestop.transit.realtime.ingest;

import city.onestop.transit.realtime.ingest.FeedDecoding.FeedDecodeResult;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import com.google.transit.realtime.GtfsRealtime.Alert;
import com.google.transit.realtime.GtfsRealtime.EntitySelector;
import com.google.transit.realtime.GtfsRealtime.FeedEntity;
import com.google.transit.realtime.GtfsRealtime.FeedHeader.Incrementality;
import com.google.transit.realtime.GtfsRealtime.FeedMessage;
import com.google.transit.realtime.GtfsRealtime.TimeRange;
import com.google.transit.realtime.GtfsRealtime.TranslatedString;
import com.google.transit.realtime.GtfsRealtime.TripDescriptor;
import com.google.transit.realtime.GtfsRealtime.TripUpdate.StopTimeEvent;
import com.google.transit.realtime.GtfsRealtime.TripUpdate.StopTimeUpdate;
import com.google.transit.realtime.GtfsRealtime.TripUpdate;
import com.google.transit.realtime.GtfsRealtime.VehiclePosition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The protobuf edge: turns a GTFS-realtime {@code FeedMessage} body into OneStop's records. Never throws for bad
 * input: a body that is not a feed is {@link FeedDecoding.Malformed}; a bad entity becomes an {@link EntityProblem}
 * and the rest of the feed goes on. Stateless and thread-safe.
 */
public final class GtfsRealtimeDecoder {

    /** Feeds nest a few levels only; a deeper message is hostile or broken. */
    private static final int RECURSION_LIMIT = 32;

    public FeedDecoding decode(byte[] body) {
        FeedMessage message;
        try {
            CodedInputStream in = CodedInputStream.newInstance(body);
            in.setRecursionLimit(RECURSION_LIMIT);
            message = FeedMessage.parseFrom(in);
            in.checkLastTagWas(0);
        } catch (InvalidProtocolBufferException e) {
            return new FeedDecoding.Malformed("not a GTFS-realtime FeedMessage: " + e.getMessage());
        } catch (java.io.IOException e) {
            return new FeedDecoding.Malformed("unreadable body: " + e.getMessage());
        }
        return decode(message);
    }

    FeedDecoding decode(FeedMessage message) {
        var h = message.getHeader();
        if (!h.isInitialized() || !h.hasGtfsRealtimeVersion()) {
            return new FeedDecoding.Malformed("feed header without gtfs_realtime_version");
        }
        if (h.hasIncrementality() && h.getIncrementality() == Incrementality.DIFFERENTIAL) {
            return new FeedDecoding.Unsupported("DIFFERENTIAL feeds are not supported; send FULL_DATASET");
        }
        FeedHeader header = new FeedHeader(
                h.getGtfsRealtimeVersion(),
                FeedHeader.Incrementality.FULL_DATASET,
                h.hasTimestamp() && h.getTimestamp() > 0 ? Instant.ofEpochSecond(h.getTimestamp()) : null);

        List<VehicleState> vehicles = new ArrayList<>();
        List<TripUpdateState> tripUpdates = new ArrayList<>();
        List<ServiceAlert> alerts = new ArrayList<>();
        List<EntityProblem> problems = new ArrayList<>();
        Set<String> tripKeys = new HashSet<>();
        int accepted = 0;
        int rejected = 0;
        for (FeedEntity entity : message.getEntityList()) {
            String id = entity.getId();
            if (entity.getIsDeleted()) {
                // Deletions only mean something in DIFFERENTIAL feeds; in a full dataset the entity is simply absent.
                accepted++;
                continue;
            }
            boolean any = false;
            boolean ok = true;
            if (entity.hasVehicle()) {
                any = true;
                VehicleState v = vehicle(id, entity.getVehicle(), problems);
                if (v == null) ok = false;
                else vehicles.add(v);
            }
            if (entity.hasTripUpdate()) {
                any = true;
                TripUpdateState t = tripUpdate(id, entity.getTripUpdate(), problems);
                if (t == null) ok = false;
                else {
                    if (!tripKeys.add(t.trip().tripId() + "|" + t.trip().startDate())) {
                        problems.add(new EntityProblem(id, EntityProblem.Reason.DUPLICATE_TRIP, t.trip().tripId()));
                    }
                    tripUpdates.add(t);
                }
            }
            if (entity.hasAlert()) {
                any = true;
                alerts.add(alert(id, entity.getAlert()));
            }
            if (!any) {
                problems.add(new EntityProblem(id, EntityProblem.Reason.EMPTY_ENTITY, null));
                ok = false;
            }
            if (ok) accepted++;
            else rejected++;
        }
        return new FeedDecodeResult(header, vehicles, tripUpdates, alerts, accepted, rejected, problems);
    }

    private static @Nullable VehicleState vehicle(String id, VehiclePosition v, List<EntityProblem> problems) {
        String vehicleId = v.hasVehicle() && v.getVehicle().hasId() && !v.getVehicle().getId().isBlank()
                ? v.getVehicle().getId()
                : id;
        if (vehicleId.isBlank()) {
            problems.add(new EntityProblem(id, EntityProblem.Reason.MISSING_VEHICLE_ID, null));
            return null;
        }
        if (!v.hasPosition()) {
            problems.add(new EntityProblem(id, EntityProblem.Reason.MISSING_POSITION, "no position"));
            return null;
        }
        double lat = v.getPosition().getLatitude();
        double lon = v.getPosition().getLongitude();
        if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) || (lat == 0 && lon == 0)) {
            problems.add(new EntityProblem(id, EntityProblem.Reason.MISSING_POSITION, "invalid position " + lat + "," + lon));
            return null;
        }
        TripRef trip = null;
        if (v.hasTrip()) {
            trip = tripRef(id, v.getTrip(), problems);
            if (trip == null) return null;
        }
        VehicleState.StopStatus status = null;
        if (v.hasCurrentStatus()) {
            status = VehicleState.StopStatus.valueOf(v.getCurrentStatus().name());
        }
        var p = v.getPosition();
        return new VehicleState(
                id,
                vehicleId,
                v.hasVehicle() && v.getVehicle().hasLabel() ? v.getVehicle().getLabel() : null,
                trip,
                lat,
                lon,
                p.hasBearing() ? p.getBearing() : null,
                p.hasSpeed() ? p.getSpeed() : null,
                v.hasCurrentStopSequence() ? v.getCurrentStopSequence() : null,
                v.hasStopId() && !v.getStopId().isBlank() ? v.getStopId() : null,
                status,
                v.hasTimestamp() && v.getTimestamp() > 0 ? Instant.ofEpochSecond(v.getTimestamp()) : null);
    }

    private static @Nullable TripUpdateState tripUpdate(String id, TripUpdate t, List<EntityProblem> problems) {
        if (!t.getTrip().hasTripId() || t.getTrip().getTripId().isBlank()) {
            problems.add(new EntityProblem(id, EntityProblem.Reason.MISSING_TRIP, "trip update without trip_id"));
            return null;
        }
        TripRef trip = tripRef(id, t.getTrip(), problems);
        if (trip == null) return null;
        List<StopTimePrediction> stops = new ArrayList<>(t.getStopTimeUpdateCount());
        for (StopTimeUpdate u : t.getStopTimeUpdateList()) {
            if (!u.hasStopSequence() && (!u.hasStopId() || u.getStopId().isBlank())) {
                problems.add(new EntityProblem(id, EntityProblem.Reason.STOP_TIME_WITHOUT_STOP, null));
                continue;
            }
            if (unknownEnum(u.getUnknownFields(), StopTimeUpdate.SCHEDULE_RELATIONSHIP_FIELD_NUMBER)) {
                problems.add(new EntityProblem(
                        id, EntityProblem.Reason.UNKNOWN_SCHEDULE_RELATIONSHIP, "stop " + stopLabel(u) + " dropped"));
                continue;
            }
            stops.add(new StopTimePrediction(
                    u.hasStopSequence() ? u.getStopSequence() : null,
                    u.hasStopId() && !u.getStopId().isBlank() ? u.getStopId() : null,
                    u.hasArrival() ? event(u.getArrival()) : null,
                    u.hasDeparture() ? event(u.getDeparture()) : null,
                    StopTimePrediction.Relationship.valueOf(u.getScheduleRelationship().name())));
        }
        String vehicleId = t.hasVehicle() && t.getVehicle().hasId() && !t.getVehicle().getId().isBlank()
                ? t.getVehicle().getId()
                : null;
        return new TripUpdateState(
                id,
                trip,
                vehicleId,
                t.hasTimestamp() && t.getTimestamp() > 0 ? Instant.ofEpochSecond(t.getTimestamp()) : null,
                t.hasDelay() ? t.getDelay() : null,
                stops);
    }

    private static String stopLabel(StopTimeUpdate u) {
        return u.hasStopId() ? u.getStopId() : "#" + u.getStopSequence();
    }

    private static StopTimePrediction.Event event(StopTimeEvent e) {
        return new StopTimePrediction.Event(
                e.hasTime() && e.getTime() > 0 ? Instant.ofEpochSecond(e.getTime()) : null,
                e.hasDelay() ? e.getDelay() : null,
                e.hasUncertainty() ? e.getUncertainty() : null);
    }

    private static @Nullable TripRef tripRef(String id, TripDescriptor d, List<EntityProblem> problems) {
        // proto2 keeps an enum number it does not know in the unknown fields, and the getter answers the default
        // (SCHEDULED): treating that as SCHEDULED would hide a cancellation from a newer producer.
        if (unknownEnum(d.getUnknownFields(), TripDescriptor.SCHEDULE_RELATIONSHIP_FIELD_NUMBER)) {
            problems.add(new EntityProblem(id, EntityProblem.Reason.UNKNOWN_SCHEDULE_RELATIONSHIP, d.getTripId()));
            return null;
        }
        return new TripRef(
                blankToNull(d.getTripId()),
                blankToNull(d.getRouteId()),
                d.hasDirectionId() ? d.getDirectionId() : null,
                blankToNull(d.getStartDate()),
                blankToNull(d.getStartTime()),
                TripRef.TripStatus.valueOf(d.getScheduleRelationship().name()));
    }

    private static boolean unknownEnum(UnknownFieldSet unknown, int fieldNumber) {
        return unknown.hasField(fieldNumber);
    }

    private static ServiceAlert alert(String id, Alert a) {
        List<ServiceAlert.ActivePeriod> periods = new ArrayList<>();
        for (TimeRange r : a.getActivePeriodList()) {
            periods.add(new ServiceAlert.ActivePeriod(
                    r.hasStart() && r.getStart() > 0 ? Instant.ofEpochSecond(r.getStart()) : null,
                    r.hasEnd() && r.getEnd() > 0 ? Instant.ofEpochSecond(r.getEnd()) : null));
        }
        List<ServiceAlert.InformedEntity> informed = new ArrayList<>();
        for (EntitySelector s : a.getInformedEntityList()) {
            informed.add(new ServiceAlert.InformedEntity(
                    blankToNull(s.getAgencyId()),
                    blankToNull(s.getRouteId()),
                    s.hasRouteType() ? s.getRouteType() : null,
                    s.hasTrip() ? blankToNull(s.getTrip().getTripId()) : null,
                    blankToNull(s.getStopId())));
        }
        return new ServiceAlert(
                id,
                periods,
                informed,
                a.hasCause() ? a.getCause().name() : "UNKNOWN_CAUSE",
                a.hasEffect() ? a.getEffect().name() : "UNKNOWN_EFFECT",
                texts(a.getHeaderText()),
                texts(a.getDescriptionText()),
                texts(a.getUrl()));
    }

    private static List<ServiceAlert.LocalizedText> texts(TranslatedString s) {
        List<ServiceAlert.LocalizedText> out = new ArrayList<>(s.getTranslationCount());
        for (var t : s.getTranslationList()) {
            out.add(new ServiceAlert.LocalizedText(t.getText(), t.hasLanguage() ? t.getLanguage() : null));
        }
        return out;
    }

    private static @Nullable String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}

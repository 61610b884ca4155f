package city.onestop.transit.demo;

import city.onestop.transit.arrivals.Arrivals;
import city.onestop.transit.schedule.PlannedStop;
import com.google.transit.realtime.GtfsRealtime.FeedEntity;
import com.google.transit.realtime.GtfsRealtime.FeedHeader;
import com.google.transit.realtime.GtfsRealtime.FeedMessage;
import com.google.transit.realtime.GtfsRealtime.Position;
import com.google.transit.realtime.GtfsRealtime.TripDescriptor;
import com.google.transit.realtime.GtfsRealtime.TripUpdate;
import com.google.transit.realtime.GtfsRealtime.VehicleDescriptor;
import com.google.transit.realtime.GtfsRealtime.VehiclePosition;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;

/**
 * The demo city's simulated agency: buses run their trips along the shapes, each with its own delay that drifts
 * slowly (deterministic per trip and minute, so every instance and every test sees the same city), published as
 * GTFS-realtime VehiclePositions and TripUpdates exactly as an agency would. Pure functions of the timetable and
 * the time.
 */
public final class DemoFeeds {

    private static final DateTimeFormatter YYYYMMDD = DateTimeFormatter.BASIC_ISO_DATE;

    private DemoFeeds() {}

    /** Seconds late (negative: early): a per-trip base of -60..+240 s plus a drift of up to 45 s over ~10 minutes. */
    public static int delaySeconds(String tripId, Instant now) {
        int h = tripId.hashCode() & 0x7fffffff;
        int base = (h % 301) - 60;
        double phase = (h % 628) / 100.0;
        return base + (int) Math.round(45 * Math.sin(phase + now.getEpochSecond() / 600.0));
    }

    /** Trip instances running at {@code now} once their delay is applied. */
    public static List<SimulatedTimetable.SimTrip> running(List<SimulatedTimetable.SimTrip> trips, Instant now) {
        return trips.stream()
                .filter(t -> {
                    Instant shifted = now.minusSeconds(delaySeconds(t.plan().tripId(), now));
                    List<PlannedStop> stops = t.plan().stops();
                    return !shifted.isBefore(stops.get(0).scheduledDeparture())
                            && shifted.isBefore(stops.get(stops.size() - 1).scheduledArrival());
                })
                .toList();
    }

    public static FeedMessage vehiclePositions(List<SimulatedTimetable.SimTrip> trips, Instant now) {
        return vehiclePositions(trips, now, Set.of());
    }

    /**
     * Vehicle positions; the buses of {@code lineLevelRoutes} report the way most Chinese city bus GPS does: the line
     * (route id), position and bearing only, no trip, no stop, no timestamp of their own.
     */
    public static FeedMessage vehiclePositions(List<SimulatedTimetable.SimTrip> trips, Instant now, Set<String> lineLevelRoutes) {
        FeedMessage.Builder feed = FeedMessage.newBuilder().setHeader(header(now));
        for (SimulatedTimetable.SimTrip t : running(trips, now)) {
            int delay = delaySeconds(t.plan().tripId(), now);
            Arrivals.Progress progress = Arrivals.scheduledProgress(t.plan(), now, delay);
            double[] p = t.plan().shape().pointAt(progress.distanceMeters());
            boolean lineLevel = lineLevelRoutes.contains(t.routeId());
            VehiclePosition.Builder v = VehiclePosition.newBuilder()
                    .setTrip(lineLevel ? TripDescriptor.newBuilder().setRouteId(t.routeId()) : trip(t))
                    .setVehicle(VehicleDescriptor.newBuilder().setId(vehicleId(t)).setLabel(t.routeId()))
                    .setPosition(Position.newBuilder()
                            .setLatitude((float) p[0])
                            .setLongitude((float) p[1])
                            .setBearing((float) p[2]));
            if (!lineLevel) v.setTimestamp(now.getEpochSecond());
            feed.addEntity(FeedEntity.newBuilder().setId(vehicleId(t)).setVehicle(v));
        }
        return feed.build();
    }

    public static FeedMessage tripUpdates(List<SimulatedTimetable.SimTrip> trips, Instant now) {
        return tripUpdates(trips, now, Set.of());
    }

    /** Trip updates of every running trip except those of line-level routes (their GPS knows no trips). */
    public static FeedMessage tripUpdates(List<SimulatedTimetable.SimTrip> trips, Instant now, Set<String> lineLevelRoutes) {
        FeedMessage.Builder feed = FeedMessage.newBuilder().setHeader(header(now));
        for (SimulatedTimetable.SimTrip t : running(trips, now)) {
            if (lineLevelRoutes.contains(t.routeId())) continue;
            int delay = delaySeconds(t.plan().tripId(), now);
            int next = Arrivals.scheduledProgress(t.plan(), now, delay).nextStopIndex();
            TripUpdate.Builder u = TripUpdate.newBuilder()
                    .setTrip(trip(t))
                    .setVehicle(VehicleDescriptor.newBuilder().setId(vehicleId(t)))
                    .setTimestamp(now.getEpochSecond())
                    .setDelay(delay);
            List<PlannedStop> stops = t.plan().stops();
            for (int i = next; i < stops.size(); i++) {
                PlannedStop s = stops.get(i);
                u.addStopTimeUpdate(TripUpdate.StopTimeUpdate.newBuilder()
                        .setStopSequence(s.stopSequence())
                        .setStopId(s.stopId())
                        .setArrival(TripUpdate.StopTimeEvent.newBuilder()
                                .setTime(s.scheduledArrival().plusSeconds(delay).getEpochSecond())
                                .setDelay(delay))
                        .setDeparture(TripUpdate.StopTimeEvent.newBuilder()
                                .setTime(s.scheduledDeparture().plusSeconds(delay).getEpochSecond())
                                .setDelay(delay)));
            }
            feed.addEntity(FeedEntity.newBuilder().setId(t.plan().tripId()).setTripUpdate(u));
        }
        return feed.build();
    }

    /** How far around "now" the simulator asks the timetable for trips: late and early buses included. */
    public static Duration window() {
        return Duration.ofMinutes(10);
    }

    private static String vehicleId(SimulatedTimetable.SimTrip t) {
        return "demo-bus-" + t.plan().tripId();
    }

    private static TripDescriptor.Builder trip(SimulatedTimetable.SimTrip t) {
        return TripDescriptor.newBuilder()
                .setTripId(t.plan().tripId())
                .setRouteId(t.routeId())
                .setStartDate(t.serviceDate().format(YYYYMMDD));
    }

    private static FeedHeader header(Instant now) {
        return FeedHeader.newBuilder()
                .setGtfsRealtimeVersion("2.0")
                .setIncrementality(FeedHeader.Incrementality.FULL_DATASET)
                .setTimestamp(now.getEpochSecond())
                .build();
    }
}

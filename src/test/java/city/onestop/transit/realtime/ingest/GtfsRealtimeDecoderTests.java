package city.onestop.transit.realtime.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import city.onestop.transit.realtime.ingest.FeedDecoding.FeedDecodeResult;
import city.onestop.transit.realtime.ingest.HalifaxCapture.Node;
import com.google.protobuf.UnknownFieldSet;
import com.google.transit.realtime.GtfsRealtime.FeedEntity;
import com.google.transit.realtime.GtfsRealtime.FeedHeader.Incrementality;
import com.google.transit.realtime.GtfsRealtime.FeedMessage;
import com.google.transit.realtime.GtfsRealtime.Position;
import com.google.transit.realtime.GtfsRealtime.TripDescriptor;
import com.google.transit.realtime.GtfsRealtime.TripUpdate;
import com.google.transit.realtime.GtfsRealtime.VehiclePosition;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class GtfsRealtimeDecoderTests {

    private final GtfsRealtimeDecoder decoder = new GtfsRealtimeDecoder();

    private FeedDecodeResult decoded(String file) {
        FeedDecoding d = decoder.decode(HalifaxCapture.bytes(file));
        assertThat(d).isInstanceOf(FeedDecodeResult.class);
        return (FeedDecodeResult) d;
    }

    @Test
    void headerWithoutIncrementalityIsAFullDataset() {
        Node text = HalifaxCapture.text("VehiclePositions");
        FeedDecodeResult r = decoded("VehiclePositions.pb");
        assertThat(text.one("header").has("incrementality")).isFalse();
        assertThat(r.header().incrementality()).isEqualTo(FeedHeader.Incrementality.FULL_DATASET);
        assertThat(r.header().timestamp())
                .isEqualTo(Instant.ofEpochSecond(Long.parseLong(text.one("header").get("timestamp"))));
        assertThat(r.header().gtfsRealtimeVersion()).isEqualTo(text.one("header").get("gtfs_realtime_version"));
    }

    @Test
    void decodesEveryVehicleOfTheCaptureWithItsTripPositionAndTimestamp() {
        List<Node> entities = HalifaxCapture.text("VehiclePositions").all("entity");
        FeedDecodeResult r = decoded("VehiclePositions.pb");

        assertThat(r.vehicles()).hasSize(entities.size());
        assertThat(r.acceptedEntities()).isEqualTo(entities.size());
        assertThat(r.rejectedEntities()).isZero();
        Map<String, VehicleState> byEntity =
                r.vehicles().stream().collect(Collectors.toMap(VehicleState::entityId, Function.identity()));
        for (Node e : entities) {
            Node v = e.one("vehicle");
            VehicleState s = byEntity.get(e.get("id"));
            assertThat(s).as(e.get("id")).isNotNull();
            assertThat(s.vehicleId()).isEqualTo(v.one("vehicle").get("id"));
            assertThat(s.trip().tripId()).isEqualTo(v.one("trip").get("trip_id"));
            assertThat(s.trip().routeId()).isEqualTo(v.one("trip").get("route_id"));
            assertThat(s.trip().startDate()).isEqualTo(v.one("trip").get("start_date"));
            // positions are proto floats: compare at float precision
            assertThat(s.lat()).isEqualTo((double) Float.parseFloat(v.one("position").get("latitude")));
            assertThat(s.lon()).isEqualTo((double) Float.parseFloat(v.one("position").get("longitude")));
            assertThat(s.timestamp()).isEqualTo(Instant.ofEpochSecond(Long.parseLong(v.get("timestamp"))));
            // Halifax sends no stop fields: nothing may be invented.
            assertThat(s.stopId()).isNull();
            assertThat(s.currentStopSequence()).isNull();
            assertThat(s.currentStatus()).isNull();
            String tripStatus = v.one("trip").get("schedule_relationship");
            assertThat(s.trip().status().name()).isEqualTo(tripStatus == null ? "SCHEDULED" : tripStatus);
        }
        assertThat(r.vehicles().stream().map(VehicleState::vehicleId).distinct()).hasSize(entities.size());
    }

    @Test
    void decodesEveryTripUpdateAndStopTimeUpdateWithRelationships() {
        List<Node> entities = HalifaxCapture.text("TripUpdates").all("entity");
        FeedDecodeResult r = decoded("TripUpdates.pb");

        assertThat(r.tripUpdates()).hasSize(entities.size());
        assertThat(r.acceptedEntities()).isEqualTo(entities.size());
        int stopTimeUpdates = entities.stream()
                .mapToInt(e -> e.one("trip_update").all("stop_time_update").size())
                .sum();
        assertThat(r.stopTimeUpdateCount()).isEqualTo(stopTimeUpdates);

        for (String relationship : List.of("SKIPPED", "NO_DATA")) {
            long expected = entities.stream()
                    .flatMap(e -> e.one("trip_update").all("stop_time_update").stream())
                    .filter(u -> relationship.equals(u.get("schedule_relationship")))
                    .count();
            long actual = r.tripUpdates().stream()
                    .flatMap(t -> t.stopTimes().stream())
                    .filter(s -> s.relationship().name().equals(relationship))
                    .count();
            assertThat(actual).as(relationship).isEqualTo(expected).isPositive();
        }
        for (String relationship : List.of("ADDED", "CANCELED")) {
            long expected = entities.stream()
                    .filter(e -> relationship.equals(e.one("trip_update").one("trip").get("schedule_relationship")))
                    .count();
            long actual = r.tripUpdates().stream()
                    .filter(t -> t.trip().status().name().equals(relationship))
                    .count();
            assertThat(actual).as(relationship).isEqualTo(expected).isPositive();
        }
        long withTimestamp = entities.stream().filter(e -> e.one("trip_update").has("timestamp")).count();
        assertThat(r.tripUpdates().stream().filter(t -> t.timestamp() != null)).hasSize((int) withTimestamp);

        // Field by field, in feed order, for every entity.
        for (int i = 0; i < entities.size(); i++) {
            Node tu = entities.get(i).one("trip_update");
            TripUpdateState s = r.tripUpdates().get(i);
            assertThat(s.entityId()).isEqualTo(entities.get(i).get("id"));
            assertThat(s.trip().tripId()).isEqualTo(tu.one("trip").get("trip_id"));
            List<Node> updates = tu.all("stop_time_update");
            assertThat(s.stopTimes()).hasSize(updates.size());
            for (int j = 0; j < updates.size(); j++) {
                Node u = updates.get(j);
                StopTimePrediction p = s.stopTimes().get(j);
                assertThat(p.stopId()).isEqualTo(u.get("stop_id"));
                assertThat(p.stopSequence()).isEqualTo(Integer.valueOf(u.get("stop_sequence")));
                Node arrival = u.one("arrival");
                if (arrival == null) {
                    assertThat(p.arrival()).isNull();
                } else {
                    assertThat(p.arrival().time()).isEqualTo(Instant.ofEpochSecond(Long.parseLong(arrival.get("time"))));
                    assertThat(p.arrival().delaySeconds())
                            .isEqualTo(arrival.get("delay") == null ? null : Integer.valueOf(arrival.get("delay")));
                }
            }
        }
    }

    @Test
    void aTripAppearingTwiceIsFlaggedButNotRejected() {
        List<Node> entities = HalifaxCapture.text("TripUpdates").all("entity");
        Set<String> seen = new HashSet<>();
        List<String> duplicates = entities.stream()
                .map(e -> e.one("trip_update").one("trip").get("trip_id"))
                .filter(id -> !seen.add(id))
                .toList();
        FeedDecodeResult r = decoded("TripUpdates.pb");

        assertThat(duplicates).isNotEmpty();
        assertThat(r.problems())
                .filteredOn(p -> p.reason() == EntityProblem.Reason.DUPLICATE_TRIP)
                .extracting(EntityProblem::detail)
                .containsExactlyElementsOf(duplicates);
        assertThat(r.rejectedEntities()).isZero();
    }

    @Test
    void decodesAlertsWithTheirTextsAndInformedStops() {
        List<Node> entities = HalifaxCapture.text("Alerts").all("entity");
        FeedDecodeResult r = decoded("Alerts.pb");

        assertThat(r.alerts()).hasSize(entities.size());
        Set<String> textStops = entities.stream()
                .flatMap(e -> e.one("alert").all("informed_entity").stream())
                .map(i -> i.get("stop_id"))
                .filter(s -> s != null)
                .collect(Collectors.toSet());
        Set<String> decodedStops = r.alerts().stream()
                .flatMap(a -> a.informedEntities().stream())
                .map(ServiceAlert.InformedEntity::stopId)
                .filter(s -> s != null)
                .collect(Collectors.toSet());
        assertThat(decodedStops).isEqualTo(textStops);
        for (int i = 0; i < entities.size(); i++) {
            Node a = entities.get(i).one("alert");
            ServiceAlert s = r.alerts().get(i);
            assertThat(s.effect()).isEqualTo(a.get("effect"));
            assertThat(s.headerText().get(0).language())
                    .isEqualTo(a.one("header_text").one("translation").get("language"));
            assertThat(s.headerText()).hasSize(a.one("header_text").all("translation").size());
        }
    }

    @Test
    void garbageTruncatedAndEmptyBodiesAreMalformedNotExceptions() {
        byte[] real = HalifaxCapture.bytes("TripUpdates.pb");
        assertThat(decoder.decode(Arrays.copyOf(real, real.length / 2))).isInstanceOf(FeedDecoding.Malformed.class);
        assertThat(decoder.decode("<html>Service Unavailable</html>".getBytes()))
                .isInstanceOf(FeedDecoding.Malformed.class);
        assertThat(decoder.decode(new byte[0])).isInstanceOf(FeedDecoding.Malformed.class);
    }

    @Test
    void aDifferentialFeedIsRefusedAsUnsupported() {
        FeedMessage m = FeedMessage.newBuilder()
                .setHeader(header().setIncrementality(Incrementality.DIFFERENTIAL))
                .build();
        assertThat(decoder.decode(m.toByteArray())).isInstanceOf(FeedDecoding.Unsupported.class);
    }

    @Test
    void badEntitiesAreCountedWhileTheRestOfTheFeedIsKept() {
        // schedule_relationship = 42: a value from a future spec, kept by protobuf as an unknown field.
        TripDescriptor unknownRelationship = TripDescriptor.newBuilder()
                .setTripId("t-future")
                .setUnknownFields(UnknownFieldSet.newBuilder()
                        .addField(
                                TripDescriptor.SCHEDULE_RELATIONSHIP_FIELD_NUMBER,
                                UnknownFieldSet.Field.newBuilder().addVarint(42).build())
                        .build())
                .build();
        FeedMessage m = FeedMessage.newBuilder()
                .setHeader(header())
                .addEntity(FeedEntity.newBuilder()
                        .setId("good")
                        .setTripUpdate(TripUpdate.newBuilder()
                                .setTrip(TripDescriptor.newBuilder().setTripId("t1"))
                                .addStopTimeUpdate(TripUpdate.StopTimeUpdate.newBuilder()
                                        .setStopId("s1")
                                        .setArrival(TripUpdate.StopTimeEvent.newBuilder().setDelay(60)))
                                .addStopTimeUpdate(TripUpdate.StopTimeUpdate.newBuilder())))
                .addEntity(FeedEntity.newBuilder()
                        .setId("no-trip-id")
                        .setTripUpdate(TripUpdate.newBuilder().setTrip(TripDescriptor.newBuilder().setRouteId("r"))))
                .addEntity(FeedEntity.newBuilder()
                        .setId("future")
                        .setTripUpdate(TripUpdate.newBuilder().setTrip(unknownRelationship)))
                .addEntity(FeedEntity.newBuilder()
                        .setId("no-position")
                        .setVehicle(VehiclePosition.newBuilder().setTrip(TripDescriptor.newBuilder().setTripId("t1"))))
                .addEntity(FeedEntity.newBuilder()
                        .setId("null-island")
                        .setVehicle(VehiclePosition.newBuilder().setPosition(Position.newBuilder().setLatitude(0).setLongitude(0))))
                .addEntity(FeedEntity.newBuilder().setId("empty"))
                .build();

        FeedDecodeResult r = (FeedDecodeResult) decoder.decode(m.toByteArray());

        assertThat(r.acceptedEntities()).isEqualTo(1);
        assertThat(r.rejectedEntities()).isEqualTo(5);
        assertThat(r.tripUpdates()).singleElement().satisfies(t -> {
            assertThat(t.trip().tripId()).isEqualTo("t1");
            assertThat(t.stopTimes()).hasSize(1);
        });
        assertThat(r.problemCounts())
                .containsEntry(EntityProblem.Reason.MISSING_TRIP, 1L)
                .containsEntry(EntityProblem.Reason.UNKNOWN_SCHEDULE_RELATIONSHIP, 1L)
                .containsEntry(EntityProblem.Reason.MISSING_POSITION, 2L)
                .containsEntry(EntityProblem.Reason.EMPTY_ENTITY, 1L)
                .containsEntry(EntityProblem.Reason.STOP_TIME_WITHOUT_STOP, 1L);
    }

    private static com.google.transit.realtime.GtfsRealtime.FeedHeader.Builder header() {
        return com.google.transit.realtime.GtfsRealtime.FeedHeader.newBuilder()
                .setGtfsRealtimeVersion("2.0")
                .setTimestamp(1_762_463_054L);
    }
}

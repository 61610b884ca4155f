package city.onestop.transit.realtime.ingest;

import com.google.transit.realtime.GtfsRealtime.FeedEntity;
import com.google.transit.realtime.GtfsRealtime.FeedMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import tools.jackson.databind.json.JsonMapper;

/**
 * Ingest cost of a VehiclePositions + TripUpdates pair scaled to 5,000 vehicles (the Halifax capture replicated
 * with suffixed ids), next to protobuf decoding alone as the floor. "Ingest" is what a poll does on the CPU:
 * decode into OneStop records and serialize the snapshots written to Redis. Compiled and run only with
 * {@code -P bench} (see bench/transit-live-ingest.sh).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class IngestBenchmark {

    static final int VEHICLES = 5_000;

    byte[] vehiclePositions;
    byte[] tripUpdates;
    final GtfsRealtimeDecoder decoder = new GtfsRealtimeDecoder();
    final JsonMapper json = JsonMapper.builder().build();

    @Setup
    public void load() throws Exception {
        Path dir = Path.of(System.getProperty("halifax.dir", "../shared/data/transit/halifax-transit"));
        vehiclePositions = scale(FeedMessage.parseFrom(Files.readAllBytes(dir.resolve("VehiclePositions.pb"))));
        tripUpdates = scale(FeedMessage.parseFrom(Files.readAllBytes(dir.resolve("TripUpdates.pb"))));
    }

    /** Copies of the capture's entities, ids suffixed per copy, until there are {@link #VEHICLES}. */
    static byte[] scale(FeedMessage m) {
        FeedMessage.Builder b = FeedMessage.newBuilder().setHeader(m.getHeader());
        for (int copy = 0; b.getEntityCount() < VEHICLES; copy++) {
            for (FeedEntity e : m.getEntityList()) {
                if (b.getEntityCount() == VEHICLES) break;
                String sfx = copy == 0 ? "" : "~" + copy;
                FeedEntity.Builder c = e.toBuilder().setId(e.getId() + sfx);
                if (c.hasVehicle()) {
                    c.getVehicleBuilder().getTripBuilder().setTripId(e.getVehicle().getTrip().getTripId() + sfx);
                    c.getVehicleBuilder().getVehicleBuilder().setId(e.getVehicle().getVehicle().getId() + sfx);
                }
                if (c.hasTripUpdate()) {
                    c.getTripUpdateBuilder().getTripBuilder().setTripId(e.getTripUpdate().getTrip().getTripId() + sfx);
                }
                b.addEntity(c);
            }
        }
        return b.build().toByteArray();
    }

    @Benchmark
    public void protobufDecodeOnly(Blackhole bh) throws Exception {
        bh.consume(FeedMessage.parseFrom(vehiclePositions));
        bh.consume(FeedMessage.parseFrom(tripUpdates));
    }

    @Benchmark
    public void decodeToRecords(Blackhole bh) {
        bh.consume(decoder.decode(vehiclePositions));
        bh.consume(decoder.decode(tripUpdates));
    }

    @Benchmark
    public void decodeAndApply(Blackhole bh) {
        Instant now = Instant.now();
        var vp = (FeedDecoding.FeedDecodeResult) decoder.decode(vehiclePositions);
        var tu = (FeedDecoding.FeedDecodeResult) decoder.decode(tripUpdates);
        bh.consume(json.writeValueAsBytes(LiveSnapshot.of("bench", FeedKind.VEHICLE_POSITIONS, vp, now)));
        bh.consume(json.writeValueAsBytes(LiveSnapshot.of("bench", FeedKind.TRIP_UPDATES, tu, now)));
    }
}

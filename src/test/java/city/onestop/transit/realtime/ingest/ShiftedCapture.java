package city.onestop.transit.realtime.ingest;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.transit.realtime.GtfsRealtime.FeedEntity;
import com.google.transit.realtime.GtfsRealtime.FeedMessage;
import com.google.transit.realtime.GtfsRealtime.TripUpdate;
import java.time.Instant;

/**
 * The Halifax capture moved in time so that its header reads {@code headerAt}: every timestamp and predicted time
 * is shifted by the same amount, nothing else changes. Lets integration tests on the shared (real-clock) context
 * replay real data as if it had just been published.
 */
final class ShiftedCapture {

    private ShiftedCapture() {}

    static byte[] shifted(String file, Instant headerAt) {
        try {
            FeedMessage m = FeedMessage.parseFrom(HalifaxCapture.bytes(file));
            long shift = headerAt.getEpochSecond() - m.getHeader().getTimestamp();
            FeedMessage.Builder b = m.toBuilder();
            b.getHeaderBuilder().setTimestamp(m.getHeader().getTimestamp() + shift);
            for (FeedEntity.Builder e : b.getEntityBuilderList()) {
                if (e.hasVehicle() && e.getVehicle().hasTimestamp()) {
                    e.getVehicleBuilder().setTimestamp(e.getVehicle().getTimestamp() + shift);
                }
                if (e.hasTripUpdate()) {
                    TripUpdate.Builder t = e.getTripUpdateBuilder();
                    if (t.hasTimestamp()) t.setTimestamp(t.getTimestamp() + shift);
                    for (TripUpdate.StopTimeUpdate.Builder u : t.getStopTimeUpdateBuilderList()) {
                        if (u.hasArrival() && u.getArrival().hasTime()) {
                            u.getArrivalBuilder().setTime(u.getArrival().getTime() + shift);
                        }
                        if (u.hasDeparture() && u.getDeparture().hasTime()) {
                            u.getDepartureBuilder().setTime(u.getDeparture().getTime() + shift);
                        }
                    }
                }
            }
            return b.build().toByteArray();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}

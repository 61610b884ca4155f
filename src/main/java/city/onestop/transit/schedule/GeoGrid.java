package city.onestop.transit.schedule;

import java.util.ArrayList;
import java.util.List;

/**
 * The spatial index of stops without PostGIS: a fixed grid of 0.01 degree cells (1.1 km north-south), stored in
 * {@code transit_stop.cell} under a b-tree. A radius query reads the cells of its bounding box (at most 3 km: a few
 * dozen cells, one index scan each) and filters by exact distance.
 */
public final class GeoGrid {

    static final double CELL_DEGREES = 0.01;
    private static final long LON_CELLS = Math.round(360 / CELL_DEGREES);

    private GeoGrid() {}

    public static long cell(double lat, double lon) {
        long y = (long) Math.floor((lat + 90) / CELL_DEGREES);
        long x = (long) Math.floor((lon + 180) / CELL_DEGREES);
        return y * LON_CELLS + Math.floorMod(x, LON_CELLS);
    }

    public static List<Long> cellsAround(double lat, double lon, double radiusMeters) {
        double dLat = radiusMeters / 111_320.0;
        double cos = Math.max(0.05, Math.cos(Math.toRadians(lat)));
        double dLon = Math.min(180, radiusMeters / (111_320.0 * cos));
        long y0 = (long) Math.floor((Math.max(-90, lat - dLat) + 90) / CELL_DEGREES);
        long y1 = (long) Math.floor((Math.min(90, lat + dLat) + 90) / CELL_DEGREES);
        long x0 = (long) Math.floor((lon - dLon + 180) / CELL_DEGREES);
        long x1 = (long) Math.floor((lon + dLon + 180) / CELL_DEGREES);
        List<Long> cells = new ArrayList<>();
        for (long y = y0; y <= y1; y++) {
            for (long x = x0; x <= x1; x++) {
                cells.add(y * LON_CELLS + Math.floorMod(x, LON_CELLS));
            }
        }
        return cells;
    }
}

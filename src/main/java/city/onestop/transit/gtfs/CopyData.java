package city.onestop.transit.gtfs;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

/** Rows in PostgreSQL's COPY text format, produced lazily in chunks as the server asks for them. */
final class CopyData {

    interface RowWriter {
        void write(int row, Line line);
    }

    /** One line under construction; fields are tab-separated, {@code \N} is NULL. */
    static final class Line {
        private final StringBuilder sb;
        private boolean first = true;

        Line(StringBuilder sb) {
            this.sb = sb;
        }

        Line text(@Nullable String v) {
            sep();
            if (v == null) {
                sb.append("\\N");
            } else {
                escape(v, sb);
            }
            return this;
        }

        Line num(long v) {
            sep();
            sb.append(v);
            return this;
        }

        Line num(@Nullable Integer v) {
            sep();
            if (v == null) sb.append("\\N");
            else sb.append(v.intValue());
            return this;
        }

        Line dbl(double v) {
            sep();
            if (Double.isNaN(v)) sb.append("\\N");
            else sb.append(v);
            return this;
        }

        Line doubles(double[] values) {
            sep();
            sb.append('{');
            for (int i = 0; i < values.length; i++) {
                if (i > 0) sb.append(',');
                sb.append(values[i]);
            }
            sb.append('}');
            return this;
        }

        /** A text[] literal; elements are quoted, so commas and braces inside ids are safe. */
        Line texts(Iterable<String> values) {
            sep();
            StringBuilder arr = new StringBuilder("{");
            boolean f = true;
            for (String v : values) {
                if (!f) arr.append(',');
                f = false;
                arr.append('"');
                for (int i = 0; i < v.length(); i++) {
                    char c = v.charAt(i);
                    if (c == '"' || c == '\\') arr.append('\\');
                    arr.append(c);
                }
                arr.append('"');
            }
            arr.append('}');
            escape(arr.toString(), sb);
            return this;
        }

        private void sep() {
            if (!first) sb.append('\t');
            first = false;
        }

        private static void escape(String v, StringBuilder sb) {
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                switch (c) {
                    case '\\' -> sb.append("\\\\");
                    case '\t' -> sb.append("\\t");
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    default -> sb.append(c);
                }
            }
        }
    }

    private CopyData() {}

    static Flux<ByteBuf> rows(int count, RowWriter writer) {
        int perChunk = 2000;
        return Flux.range(0, (count + perChunk - 1) / perChunk).map(chunk -> {
            StringBuilder sb = new StringBuilder(perChunk * 64);
            int end = Math.min(count, (chunk + 1) * perChunk);
            for (int row = chunk * perChunk; row < end; row++) {
                writer.write(row, new Line(sb));
                sb.append('\n');
            }
            return Unpooled.wrappedBuffer(sb.toString().getBytes(StandardCharsets.UTF_8));
        });
    }
}

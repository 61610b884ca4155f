package city.onestop.platform.audit;

import java.util.HashMap;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Walks every chain in order and reports the first row whose link does not hold. */
@Component
class AuditVerifier {

    private final DatabaseClient db;

    AuditVerifier(DatabaseClient db) {
        this.db = db;
    }

    record Verification(boolean valid, long rowsChecked, int chains, BrokenLink firstBrokenLink) {}

    record BrokenLink(long id, int chain, long chainSeq, String reason) {}

    Mono<Verification> verify() {
        // Rows stream in (chain, chain_seq) order; the state per chain is only its last hash and seq.
        return db.sql("SELECT * FROM audit_log ORDER BY chain, chain_seq")
                .map(AuditRow::from)
                .all()
                .reduceWith(Walk::new, Walk::accept)
                .map(Walk::result);
    }

    private static final class Walk {
        private final Map<Integer, AuditChains.Link> last = new HashMap<>();
        private long checked;
        private BrokenLink broken;

        Walk accept(AuditRow row) {
            checked++;
            AuditChains.Link prev = last.getOrDefault(row.chain(), AuditChains.GENESIS);
            String reason = null;
            if (row.chainSeq() != prev.seq() + 1) {
                reason = "row missing before this one (expected sequence " + (prev.seq() + 1) + ")";
            } else if (!row.prevHash().equals(prev.hash())) {
                reason = "previous-hash does not match the previous row";
            } else if (!row.hash().equals(AuditChains.hash(row))) {
                reason = "content does not match its hash (edited)";
            }
            if (reason != null && (broken == null || row.id() < broken.id())) {
                broken = new BrokenLink(row.id(), row.chain(), row.chainSeq(), reason);
            }
            last.put(row.chain(), new AuditChains.Link(row.chainSeq(), row.hash()));
            return this;
        }

        Verification result() {
            return new Verification(broken == null, checked, last.size(), broken);
        }
    }
}

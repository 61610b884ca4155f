package city.onestop.participation.cases;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Departments, their staff, and the categories with the department each routes to. */
@Component
public class Departments {

    public static final String TRANSIT = "TRANSIT";
    public static final String WATER = "WATER";
    public static final String POWER = "POWER";
    public static final String CITY_OFFICE = "CITY_OFFICE";

    /** A category and where a case of it goes when it names no subject. */
    public record Category(String code, String name, String nameEn, String departmentCode) {}

    /** A department a staff member works for, and their role there (HANDLER or SUPERVISOR). */
    public record Membership(UUID departmentId, String role) {}

    private final DatabaseClient db;

    Departments(DatabaseClient db) {
        this.db = db;
    }

    static Department department(io.r2dbc.spi.Readable row) {
        return new Department(row.get("id", UUID.class), row.get("code", String.class), row.get("kind", String.class),
                row.get("name", String.class), row.get("name_en", String.class));
    }

    public Flux<Department> listDepartments() {
        return db.sql("SELECT id, code, kind, name, name_en FROM participation_departments ORDER BY kind, name, id")
                .map(Departments::department)
                .all();
    }

    public Mono<Department> findDepartment(UUID id) {
        return db.sql("SELECT id, code, kind, name, name_en FROM participation_departments WHERE id = :id")
                .bind("id", id)
                .map(Departments::department)
                .one();
    }

    public Mono<Department> findByCode(String code) {
        return db.sql("SELECT id, code, kind, name, name_en FROM participation_departments WHERE code = :code")
                .bind("code", code)
                .map(Departments::department)
                .one();
    }

    /** The hospital's department, made the first time a case names the hospital (its name kept current). */
    public Mono<Department> ensureHospital(UUID hospitalId, String hospitalName) {
        return db.sql("""
                        INSERT INTO participation_departments (id, code, kind, name, name_en, hospital_id)
                        VALUES (:id, :code, 'HOSPITAL', :name, :name, :hospital)
                        ON CONFLICT (hospital_id) DO UPDATE SET name = EXCLUDED.name, name_en = EXCLUDED.name_en
                        RETURNING id, code, kind, name, name_en""")
                .bind("id", UUID.randomUUID())
                .bind("code", "HOSPITAL:" + hospitalId)
                .bind("name", hospitalName)
                .bind("hospital", hospitalId)
                .map(Departments::department)
                .one();
    }

    public Flux<Category> listCategories() {
        return db.sql("SELECT code, name, name_en, department_code FROM participation_categories ORDER BY code")
                .map(row -> new Category(row.get("code", String.class), row.get("name", String.class), row.get("name_en", String.class),
                        row.get("department_code", String.class)))
                .all();
    }

    public Mono<Category> findCategory(String code) {
        return db.sql("SELECT code, name, name_en, department_code FROM participation_categories WHERE code = :code")
                .bind("code", code)
                .map(row -> new Category(row.get("code", String.class), row.get("name", String.class), row.get("name_en", String.class),
                        row.get("department_code", String.class)))
                .one();
    }

    /** The departments the citizen is staff of (none for most citizens). */
    public Mono<List<Membership>> memberships(UUID citizenId) {
        return db.sql("SELECT department_id, role FROM participation_staff WHERE citizen_id = :id")
                .bind("id", citizenId)
                .map(row -> new Membership(row.get("department_id", UUID.class), row.get("role", String.class)))
                .all()
                .collectList();
    }

    /** Makes the citizen staff of the department with the role (or changes their role); empty when no such department. */
    public Mono<Boolean> addStaff(UUID departmentId, UUID citizenId, String role, Instant now) {
        return db.sql("""
                        INSERT INTO participation_staff (department_id, citizen_id, role, added_at)
                        SELECT d.id, :citizen, :role, :now FROM participation_departments d WHERE d.id = :department
                        ON CONFLICT (department_id, citizen_id) DO UPDATE SET role = EXCLUDED.role""")
                .bind("department", departmentId)
                .bind("citizen", citizenId)
                .bind("role", role)
                .bind("now", now.atOffset(ZoneOffset.UTC))
                .fetch()
                .rowsUpdated()
                .map(n -> n > 0);
    }

    public Mono<Boolean> removeStaff(UUID departmentId, UUID citizenId) {
        return db.sql("DELETE FROM participation_staff WHERE department_id = :department AND citizen_id = :citizen")
                .bind("department", departmentId)
                .bind("citizen", citizenId)
                .fetch()
                .rowsUpdated()
                .map(n -> n > 0);
    }

    /** The staff of a department (to tell them of an overdue case). */
    public Mono<List<UUID>> staffOf(UUID departmentId) {
        return db.sql("SELECT citizen_id FROM participation_staff WHERE department_id = :department ORDER BY citizen_id")
                .bind("department", departmentId)
                .map(row -> row.get("citizen_id", UUID.class))
                .all()
                .collectList();
    }
}

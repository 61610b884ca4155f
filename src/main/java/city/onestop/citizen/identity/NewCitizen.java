package city.onestop.citizen.identity;

/** A registration as submitted (already validated by the web layer). */
public record NewCitizen(String phone, String password, String realName, String idNumber) {}

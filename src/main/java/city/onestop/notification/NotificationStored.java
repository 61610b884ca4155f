package city.onestop.notification;

import java.util.UUID;

/**
 * Appended to the outbox in the transaction that stored a new notification: the delivery channels (Web Push, SMS)
 * send it after the commit. {@code urgent} notifications (a hospital cancellation, a watched bus) ignore quiet hours.
 */
public record NotificationStored(UUID notificationId, UUID citizenId, String type, String title, String body, boolean urgent) {}

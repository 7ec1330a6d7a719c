import {
  countryOfTimeZone,
  DEFAULT_COUNTRY,
  DEFAULT_NOTIFICATION_PREFERENCES,
  type NotificationPreferences,
  type NotificationPreferencesBody,
  type PushSubscriptionBody,
} from "@kring/protocol";
import { requireMembership } from "../circles/circles.service";
import { DomainError } from "../errors";
import type { CheckinRepository } from "../checkin/checkin.ports";
import type { MembershipRepository } from "../circles/circles.ports";
import type { DeadLetterRepository, PreferencesRepository, PushSubscriptionRepository } from "./notifications.ports";
import { normalisePhoneNumber } from "../residents/phone-number";

/**
 * A member's own notification settings (channels, phone, quiet hours, language), their Web Push
 * subscriptions, and the coordinators' list of notifications that could not be delivered.
 */
export function createNotificationSettingsService(deps: {
  preferences: PreferencesRepository;
  pushSubscriptions: PushSubscriptionRepository;
  deadLetters: DeadLetterRepository;
  memberships: MembershipRepository;
  checkins: Pick<CheckinRepository, "findSchedule">;
  /** Whether a push endpoint is plainly a push service on the internet (packages/outbound). */
  isPublicEndpoint: (url: string) => Promise<boolean>;
}) {
  /** The country of the user's first circle that has a time zone (its check-in schedule), else BE. */
  async function homeCountry(userId: string): Promise<string> {
    const circleIds = (await deps.memberships.listCircleIdsForUser(userId)).slice(0, 5);
    const schedules = await Promise.all(circleIds.map((id) => deps.checkins.findSchedule(id)));
    for (const schedule of schedules) {
      const country = schedule ? countryOfTimeZone(schedule.timeZone) : undefined;
      if (country) return country;
    }
    return DEFAULT_COUNTRY;
  }

  return {
    async subscribePush(userId: string, body: PushSubscriptionBody): Promise<void> {
      // The worker checks the resolved address again at every send (DNS can change); this is the
      // early answer for an endpoint that is plainly not a push service on the internet.
      if (!(await deps.isPublicEndpoint(body.endpoint))) {
        throw new DomainError("validation_failed", "This push endpoint is not a public push service. Subscribe again from the browser.");
      }
      await deps.pushSubscriptions.save({ userId, endpoint: body.endpoint, keys: body.keys });
    },

    async unsubscribePush(userId: string, endpoint: string): Promise<void> {
      await deps.pushSubscriptions.remove(userId, endpoint);
    },

    async getPreferences(userId: string): Promise<NotificationPreferences> {
      return (await deps.preferences.find(userId)) ?? DEFAULT_NOTIFICATION_PREFERENCES;
    },

    async setPreferences(userId: string, input: NotificationPreferencesBody): Promise<NotificationPreferences> {
      const { phoneCountry, ...body } = input;
      const typed = body.phone === null || body.phone === "" ? null : body.phone;
      if (body.channels.sms && !typed) {
        throw new DomainError("validation_failed", "Add a phone number to receive text messages.");
      }
      // Stored as E.164 whatever was typed; a national number is read in the circle's country.
      const phone = typed === null ? null : normalisePhoneNumber(typed, phoneCountry ?? (typed.startsWith("+") ? DEFAULT_COUNTRY : await homeCountry(userId)));
      const current = (await deps.preferences.find(userId)) ?? DEFAULT_NOTIFICATION_PREFERENCES;
      const preferences = { ...body, phone, language: body.language ?? current.language };
      await deps.preferences.save(userId, preferences);
      return preferences;
    },

    /** Notifications that ran out of retries, for the circle's coordinators to follow up by phone. */
    async listDeadLetters(userId: string, circleId: string) {
      const membership = await requireMembership(deps.memberships, circleId, userId);
      if (membership.role !== "coordinator") {
        throw new DomainError("forbidden", "Only a coordinator of this circle can see failed notifications.");
      }
      const records = await deps.deadLetters.listForCircle(circleId, 100);
      return records.map((record) => ({ ...record, failedAt: record.failedAt.toISOString() }));
    },
  };
}
export type NotificationSettingsService = ReturnType<typeof createNotificationSettingsService>;

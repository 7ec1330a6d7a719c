// What resident profiles (issue #9) need from storage (packages/db/src/residents/).

export type ResidentProfileRecord = {
  circleId: string;
  userId: string;
  /** E.164. */
  phone: string | null;
  address: string | null;
  language: "nl" | "fr" | "en" | null;
  updatedAt: Date;
};

/** One document per resident and circle, by key `<circleId>:<userId>`. */
export interface ResidentProfileRepository {
  find(circleId: string, userId: string): Promise<ResidentProfileRecord | null>;
  save(profile: ResidentProfileRecord): Promise<void>;
}

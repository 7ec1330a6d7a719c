import { create } from "zustand";
import { fetchCheckinToday, type CheckinToday } from "../../lib/checkins";

type CheckinTodayState = {
  byCircle: Record<string, CheckinToday>;
  load(circleId: string): Promise<void>;
};

/** What family and staff see on the circle screens: whether the resident said "I'm OK" today. */
export const useCheckinTodayStore = create<CheckinTodayState>()((set) => ({
  byCircle: {},
  async load(circleId) {
    const today = await fetchCheckinToday(circleId);
    set((state) => ({ byCircle: { ...state.byCircle, [circleId]: today } }));
  },
}));

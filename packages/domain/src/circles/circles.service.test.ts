import { createCirclesService } from "./circles.service";
import { createInMemoryRepositories } from "../testing/in-memory-repositories";

function setup(start = new Date("2026-11-24T10:00:00Z")) {
  const repos = createInMemoryRepositories();
  let now = start;
  let codes = 0;
  const service = createCirclesService({
    ...repos,
    now: () => now,
    generateCode: () => `CODE${++codes}`,
    invitationTtlMs: 7 * 86_400_000,
  });
  return { repos, service, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

const sofie = "1".repeat(24);
const marie = "2".repeat(24);
const jan = "3".repeat(24);

describe("circles service", () => {
  it("lets an invitation be used once, with the role it carries", async () => {
    const { service } = setup();
    const circle = await service.createCircle(sofie, "Anna");
    const { code } = await service.createInvitation(sofie, circle.id, "professional");
    await expect(service.acceptInvitation(marie, code)).resolves.toMatchObject({ id: circle.id, myRole: "professional" });
    await expect(service.acceptInvitation(jan, code)).rejects.toMatchObject({ code: "gone" });
  });

  it("expires an invitation after its time to live", async () => {
    const { service, advance } = setup();
    const circle = await service.createCircle(sofie, "Anna");
    const { code, expiresAt } = await service.createInvitation(sofie, circle.id, "family");
    expect(expiresAt).toBe("2026-12-01T10:00:00.000Z");
    advance(7 * 86_400_000);
    await expect(service.acceptInvitation(marie, code)).rejects.toMatchObject({ code: "gone" });
  });

  it("lists pending invitations newest first, dropping used, withdrawn and expired ones", async () => {
    const { service, advance } = setup();
    const circle = await service.createCircle(sofie, "Anna");
    const old = await service.createInvitation(sofie, circle.id, "family");
    advance(6 * 86_400_000);
    const used = await service.createInvitation(sofie, circle.id, "family");
    const withdrawn = await service.createInvitation(sofie, circle.id, "coordinator");
    const pending = await service.createInvitation(sofie, circle.id, "professional");
    await service.acceptInvitation(marie, used.code);
    await service.revokeInvitation(sofie, circle.id, withdrawn.code);
    expect((await service.listInvitations(sofie, circle.id)).map((i) => i.code)).toEqual([pending.code, old.code]);
    advance(86_400_000);
    expect(await service.listInvitations(sofie, circle.id)).toEqual([pending]);
    await expect(service.acceptInvitation(jan, withdrawn.code)).rejects.toMatchObject({ code: "gone", message: expect.stringMatching(/withdrawn/) });
    await expect(service.revokeInvitation(sofie, circle.id, used.code)).rejects.toMatchObject({ code: "conflict" });
    await expect(service.listInvitations(marie, circle.id)).rejects.toMatchObject({ code: "forbidden" });
  });

  it("does not let family, professionals or residents invite", async () => {
    const { service, repos } = setup();
    const circle = await service.createCircle(sofie, "Anna");
    for (const role of ["family", "professional"] as const) {
      const { code } = await service.createInvitation(sofie, circle.id, role);
      const member = role === "family" ? marie : jan;
      await service.acceptInvitation(member, code);
      await expect(service.createInvitation(member, circle.id, "coordinator")).rejects.toMatchObject({ code: "forbidden" });
    }
    // Residents are added by a coordinator (managed accounts), never invited.
    const resident = "4".repeat(24);
    await repos.memberships.add({ circleId: circle.id, userId: resident, role: "resident", joinedAt: new Date() });
    await expect(service.createInvitation(resident, circle.id, "coordinator")).rejects.toMatchObject({ code: "forbidden" });
  });

  it("never creates or honours an invitation with the resident role", async () => {
    const { service, repos } = setup();
    const circle = await service.createCircle(sofie, "Anna");
    await expect(service.createInvitation(sofie, circle.id, "resident" as never)).rejects.toMatchObject({ code: "validation_failed" });
    // One stored before the rule existed is refused at preview and accept.
    await repos.invitations.create({ circleId: circle.id, code: "OLDRESIDENTCODE1", role: "resident", createdBy: sofie, expiresAt: new Date("2027-01-01T00:00:00Z") });
    await expect(service.previewInvitation("OLDRESIDENTCODE1")).rejects.toMatchObject({ code: "gone" });
    await expect(service.acceptInvitation(marie, "OLDRESIDENTCODE1")).rejects.toMatchObject({ code: "gone" });
  });

  it("shows the circle and the role before accepting", async () => {
    const { service } = setup();
    const circle = await service.createCircle(sofie, "Anna");
    const { code, expiresAt } = await service.createInvitation(sofie, circle.id, "family");
    await expect(service.previewInvitation(code)).resolves.toEqual({ circle: { id: circle.id, name: "Anna" }, role: "family", expiresAt });
    // Previewing does not use the code up.
    await expect(service.acceptInvitation(marie, code)).resolves.toMatchObject({ myRole: "family" });
  });

  it("lets exactly one of concurrent accepts of one code succeed", async () => {
    const { service } = setup();
    const circle = await service.createCircle(sofie, "Anna");
    const { code } = await service.createInvitation(sofie, circle.id, "family");
    const results = await Promise.allSettled([marie, jan, "5".repeat(24)].map((u) => service.acceptInvitation(u, code)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  });
});

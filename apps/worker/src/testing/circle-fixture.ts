import type { Alert, Notification } from "@kring/protocol";
import { collect, type ClientSocket, type TestServer } from "@kring/server/testing";

/**
 * Anna's circle as the product describes it: Sofie (coordinator), Marie and Jan (family),
 * Nina (professional) and Anna (resident), each with a connected socket that records what it gets.
 */
export async function createAnnasCircle(server: TestServer) {
  const sofie = await server.registerUser("Sofie");
  const circle = await server.createCircle(sofie.token, "Anna's circle");
  const marie = await server.addMember(sofie.token, circle.id, "family", "Marie");
  const jan = await server.addMember(sofie.token, circle.id, "family", "Jan");
  const nina = await server.addMember(sofie.token, circle.id, "professional", "Nina");
  const anna = await server.addResident(sofie.token, circle.id, "Anna");
  const people = { sofie, marie, jan, nina, anna };
  type Person = keyof typeof people;
  const sockets = {} as Record<Person, ClientSocket>;
  const notifications = {} as Record<Person, Notification[]>;
  const updates = {} as Record<Person, Alert[]>;
  for (const name of Object.keys(people) as Person[]) {
    sockets[name] = await server.connect(people[name].token);
    notifications[name] = collect(sockets[name], "notification");
    updates[name] = collect(sockets[name], "alert:update");
  }
  return { circle, ...people, people, sockets, notifications, updates };
}
export type AnnasCircle = Awaited<ReturnType<typeof createAnnasCircle>>;

export async function setLadder(server: TestServer, circle: AnnasCircle, names: ("marie" | "jan" | "nina" | "sofie")[], stepSeconds: number) {
  const res = await server.request("PUT", `/api/circles/${circle.circle.id}/escalation`, {
    token: circle.sofie.token,
    body: { responders: names.map((n) => circle[n].user.id), stepSeconds },
  });
  if (res.status !== 200) throw new Error(`ladder: ${res.status} ${JSON.stringify(res.body)}`);
}

export async function raise(circle: AnnasCircle, kind: "help" | "call_me" = "help", clientId = `raise-${Math.random()}`) {
  const ack = await circle.sockets.anna.emitWithAck("alert:raise", { circleId: circle.circle.id, kind, clientId });
  if (!ack.ok) throw new Error(`raise failed: ${JSON.stringify(ack.error)}`);
  return ack.alert;
}

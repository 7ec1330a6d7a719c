import { deflateSync } from "node:zlib";
import sharp from "sharp";
import { startTestServer, type TestServer } from "../../testing/harness";

// Issue #10 item 5: a member's profile photo, stored small and shown only to co-members.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

/** A real PNG written by hand (IHDR, IDAT, IEND with their CRCs): an RGB gradient of width × height. */
function makePng(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const byte of bytes) c = (crcTable[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const typed = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(typed));
    return Buffer.concat([length, typed, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const at = y * (width * 3 + 1) + 1 + x * 3;
      rows[at] = (x * 255) / width;
      rows[at + 1] = (y * 255) / height;
      rows[at + 2] = 128;
    }
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", header), chunk("IDAT", deflateSync(rows)), chunk("IEND", Buffer.alloc(0))]);
}

async function upload(token: string, body: Buffer | string, contentType: string) {
  const response = await fetch(`${server.baseUrl}/api/me/photo`, {
    method: "PUT",
    headers: { authorization: `Bearer ${token}`, "content-type": contentType },
    body,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function download(token: string, userId: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.baseUrl}/api/users/${userId}/photo`, { headers: { authorization: `Bearer ${token}`, ...headers } });
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

async function circleOfThree() {
  const coordinator = await server.registerUser("Sofie");
  const circle = await server.createCircle(coordinator.token);
  const nurse = await server.addMember(coordinator.token, circle.id, "professional", "Karim");
  const resident = await server.addResident(coordinator.token, circle.id, "Anna");
  return { coordinator, circle, nurse, resident };
}

describe("profile photos", () => {
  it("stores a large JPEG at most 256 px, without its EXIF data, and serves it to a co-member with cache headers", async () => {
    const { coordinator, circle, nurse, resident } = await circleOfThree();
    const photo = await sharp({ create: { width: 1600, height: 1200, channels: 3, background: "#3366cc" } })
      .withExif({ IFD0: { Artist: "Karim Secret", Copyright: "GPS 50.85N 4.35E" } })
      .jpeg()
      .toBuffer();
    expect((await sharp(photo).metadata()).exif).toBeDefined();

    const saved = await upload(nurse.token, photo, "image/jpeg");
    expect(saved.status).toBe(200);
    expect(saved.body.photo).toMatchObject({ width: 256, height: 192, contentType: "image/jpeg" });

    // The resident's tablet shows who is coming.
    const seen = await download(resident.token, nurse.user.id);
    expect(seen.status).toBe(200);
    expect(seen.headers.get("content-type")).toBe("image/jpeg");
    expect(seen.headers.get("cache-control")).toBe("private, max-age=300");
    const meta = await sharp(seen.bytes).metadata();
    expect(meta).toMatchObject({ format: "jpeg", width: 256, height: 192 });
    expect(meta.exif).toBeUndefined();
    expect(seen.bytes.includes(Buffer.from("Karim Secret"))).toBe(false);

    // The member list says who has one.
    const members = await server.request("GET", `/api/circles/${circle.id}/members`, { token: resident.token });
    const hasPhoto = Object.fromEntries((members.body.members as { userId: string; hasPhoto?: boolean }[]).map((m) => [m.userId, m.hasPhoto ?? false]));
    expect(hasPhoto).toEqual({ [coordinator.user.id]: false, [nurse.user.id]: true, [resident.user.id]: false });

    // An unchanged photo costs a 304.
    const etag = seen.headers.get("etag") as string;
    expect(etag).toMatch(/^".+"$/);
    const again = await download(resident.token, nurse.user.id, { "if-none-match": etag });
    expect(again.status).toBe(304);
  });

  it("accepts a PNG, keeps a small one at its size, and replaces the previous photo", async () => {
    const { coordinator, nurse } = await circleOfThree();
    const first = await upload(coordinator.token, makePng(120, 80), "image/png");
    expect(first.status).toBe(200);
    expect(first.body.photo).toMatchObject({ width: 120, height: 80, contentType: "image/jpeg" });
    const firstSeen = await download(nurse.token, coordinator.user.id);

    const second = await upload(coordinator.token, makePng(300, 900), "image/png");
    expect(second.body.photo).toMatchObject({ width: 85, height: 256 });
    const secondSeen = await download(nurse.token, coordinator.user.id);
    expect(await sharp(secondSeen.bytes).metadata()).toMatchObject({ width: 85, height: 256 });
    expect(secondSeen.headers.get("etag")).not.toBe(firstSeen.headers.get("etag"));

    // Removed: 404 like someone who never had one.
    const removed = await fetch(`${server.baseUrl}/api/me/photo`, { method: "DELETE", headers: { authorization: `Bearer ${coordinator.token}` } });
    expect(removed.status).toBe(204);
    expect((await download(nurse.token, coordinator.user.id)).status).toBe(404);
  });

  it("shows an outsider the same 404 as a member without a photo, and needs a session", async () => {
    const { nurse, coordinator } = await circleOfThree();
    await upload(nurse.token, makePng(64, 64), "image/png");
    const stranger = await server.registerUser("Stranger");
    await server.createCircle(stranger.token, "Another circle");

    const outsider = await download(stranger.token, nurse.user.id);
    expect(outsider.status).toBe(404);
    const noPhoto = await download(nurse.token, coordinator.user.id);
    expect(noPhoto.status).toBe(404);
    // Word for word the same answer: nobody learns who has a photo.
    expect(outsider.bytes.toString()).toBe(noPhoto.bytes.toString());

    const anonymous = await fetch(`${server.baseUrl}/api/users/${nurse.user.id}/photo`);
    expect(anonymous.status).toBe(401);
    // Their own photo, yes.
    expect((await download(nurse.token, nurse.user.id)).status).toBe(200);
  });

  it("refuses an oversize body (413), something that is no JPEG or PNG, a lying Content-Type, a broken image and an operator id (400)", async () => {
    const { nurse } = await circleOfThree();
    const huge = Buffer.concat([makePng(16, 16), Buffer.alloc(2 * 1024 * 1024)]);
    const tooLarge = await upload(nurse.token, huge, "image/png");
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error.code).toBe("payload_too_large");

    const gif = await upload(nurse.token, Buffer.from("GIF89a\x01\x00\x01\x00\x00\x00\x00;", "binary"), "image/gif");
    expect(gif.status).toBe(400);
    expect(gif.body.error.code).toBe("validation_failed");
    const lying = await upload(nurse.token, makePng(16, 16), "image/jpeg");
    expect(lying.status).toBe(400);
    const truncated = makePng(64, 64).subarray(0, 60);
    const broken = await upload(nurse.token, truncated, "image/png");
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe("validation_failed");
    const asJson = await server.request("PUT", "/api/me/photo", { token: nurse.token, body: { photo: "data:image/png;base64,AAAA" } });
    expect(asJson.status).toBe(400);
    const empty = await upload(nurse.token, Buffer.alloc(0), "image/png");
    expect(empty.status).toBe(400);

    const operator = await server.request("GET", `/api/users/${encodeURIComponent('{"$ne":null}')}/photo`, { token: nurse.token });
    expect(operator.status).toBe(400);
    expect(operator.body.error.code).toBe("validation_failed");
    // Nothing was stored by any of these.
    expect((await download(nurse.token, nurse.user.id)).status).toBe(404);
  });
});

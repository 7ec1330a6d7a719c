// Draws the PWA icons (a white ring with a yellow dot on dark blue) as PNGs with no image
// library: a tiny rasteriser plus zlib. Run once: node scripts/make-icons.mjs
import { writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function draw(size, { rounded }) {
  const blue = [0x1b, 0x3a, 0x6b];
  const white = [255, 255, 255];
  const yellow = [0xff, 0xc9, 0x40];
  const scale = size / 512;
  const rows = [];
  for (let y = 0; y < size; y += 1) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x += 1) {
      // 4x4 supersampling for smooth edges.
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < 4; sy += 1) {
        for (let sx = 0; sx < 4; sx += 1) {
          const px = (x + (sx + 0.5) / 4) / scale;
          const py = (y + (sy + 0.5) / 4) / scale;
          let color = blue;
          let alpha = 1;
          if (rounded) {
            const cx = Math.min(Math.max(px, 96), 416);
            const cy = Math.min(Math.max(py, 96), 416);
            if (Math.hypot(px - cx, py - cy) > 96) alpha = 0;
          }
          const d = Math.hypot(px - 256, py - 256);
          if (Math.abs(d - 150) <= 28) color = white;
          if (Math.hypot(px - 256, py - 106) <= 40) color = yellow;
          r += color[0] * alpha; g += color[1] * alpha; b += color[2] * alpha; a += alpha;
        }
      }
      const o = 1 + x * 4;
      row[o] = a ? Math.round(r / a) : 0;
      row[o + 1] = a ? Math.round(g / a) : 0;
      row[o + 2] = a ? Math.round(b / a) : 0;
      row[o + 3] = Math.round((a / 16) * 255);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const out = new URL("../public/icons/", import.meta.url);
writeFileSync(new URL("icon-192.png", out), draw(192, { rounded: true }));
writeFileSync(new URL("icon-512.png", out), draw(512, { rounded: true }));
// Maskable icons are cropped by the launcher: full bleed, the ring inside the safe zone.
writeFileSync(new URL("icon-maskable-512.png", out), draw(512, { rounded: false }));
console.log("icons written to public/icons/");

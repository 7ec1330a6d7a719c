import type { ImageResizer } from "@kring/domain";
import { PHOTO_STORED_MAX_PIXELS } from "@kring/protocol";
import sharp from "sharp";

/**
 * sharp (libvips, prebuilt per platform through npm's `@img/sharp-*` packages): fits the photo in
 * 256 × 256, turns it upright by its EXIF orientation, and re-encodes it as a JPEG without metadata
 * (a phone's photo carries GPS coordinates and the camera's serial number; none of that is kept).
 * A PNG's transparency becomes white. `limitInputPixels` refuses decompression bombs (a small file
 * that decodes to gigapixels).
 */
export const resizeProfilePhoto: ImageResizer = async (image) => {
  const { data, info } = await sharp(image, { limitInputPixels: 50_000_000, failOn: "error" })
    .rotate()
    .resize(PHOTO_STORED_MAX_PIXELS, PHOTO_STORED_MAX_PIXELS, { fit: "inside", withoutEnlargement: true })
    .flatten({ background: "#ffffff" })
    .jpeg({ quality: 82, mozjpeg: true })
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
};

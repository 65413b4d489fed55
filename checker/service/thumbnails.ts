/**
 * Thumbnails for the file-sharing service: a 64 × 64 greyscale picture of a
 * file, as a binary PGM image (image/x-portable-graymap, which every image
 * viewer opens). The kit's files are bytes behind a type's magic number, not
 * real photos, so each pixel is the mean of one 4096th of the file: the same
 * work as a real scaler (every byte of the file is read once), and a picture
 * that changes whenever the file does.
 */

export const THUMBNAIL_SIDE = 64;
export const THUMBNAIL_TYPE = 'image/x-portable-graymap';

export function makeThumbnail(file: Uint8Array): Buffer {
  const pixels = THUMBNAIL_SIDE * THUMBNAIL_SIDE;
  const header = Buffer.from(`P5\n${THUMBNAIL_SIDE} ${THUMBNAIL_SIDE}\n255\n`, 'latin1');
  const image = Buffer.alloc(header.length + pixels);
  header.copy(image);
  for (let pixel = 0; pixel < pixels; pixel++) {
    if (file.length === 0) break;
    // Pixel p covers bytes [start, end): never empty, and never past the end, as start < file.length.
    const start = Math.floor((pixel * file.length) / pixels);
    const end = Math.max(start + 1, Math.floor(((pixel + 1) * file.length) / pixels));
    let sum = 0;
    for (let i = start; i < end; i++) sum += file[i]!;
    image[header.length + pixel] = Math.round(sum / (end - start));
  }
  return image;
}

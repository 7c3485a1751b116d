// Peer: geotiff.js (npm geotiff) over HTTP with a promise pool: fromUrl, then
// getImage for every IFD (and its GeoKeys).
//   node geotiff_pool.mjs URL_FILE CONCURRENCY [BLOCK_SIZE]
// BLOCK_SIZE > 0 wraps the source in geotiff.js's BlockedSource (reads in
// blocks of that size, cached); 0 or absent: geotiff.js's default source.
import { readFileSync } from 'node:fs';
import { fromUrl } from 'geotiff';

const [file, concurrencyArg, blockArg] = process.argv.slice(2);
const urls = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
const concurrency = Number(concurrencyArg || 64);
const blockSize = Number(blockArg || 0);
const options = blockSize > 0 ? { blockSize } : {};

let next = 0, ok = 0, errors = 0;
async function worker() {
  while (next < urls.length) {
    const url = urls[next++];
    try {
      const tiff = await fromUrl(url, options);
      const n = await tiff.getImageCount();
      for (let i = 0; i < n; ++i) {
        const image = await tiff.getImage(i);
        image.getWidth();
        image.getHeight();
        image.getTileWidth();
        image.getSamplesPerPixel();
        if (i === 0) image.getGeoKeys();
      }
      ok++;
    } catch (e) {
      if (++errors <= 3) console.error(`geotiff: ${url}: ${e.message}`);
    }
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
console.log(`ok ${ok} errors ${errors}`);

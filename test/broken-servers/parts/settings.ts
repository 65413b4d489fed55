/** A module of a service spread over several files that throws while it loads. */
const limit = Number(process.env.PHOTO_CACHE_ENTRIES ?? 'many');
if (!Number.isFinite(limit)) throw new Error('PHOTO_CACHE_ENTRIES is not a number');
export const settings = { limit };

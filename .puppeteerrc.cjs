// memlab depends on puppeteer for browser scenarios; this kit analyses Node heap
// snapshots only, so skip puppeteer's Chrome download (hundreds of megabytes).
module.exports = { skipDownload: true };

'use strict';
// Blocks the thread as the native sleep package does, without a compiler:
// Atomics.wait on a buffer nobody notifies returns after its timeout.
const cell = new Int32Array(new SharedArrayBuffer(4));

function msleep(milliseconds) {
  Atomics.wait(cell, 0, 0, Number(milliseconds));
}

module.exports = {
  sleep: (seconds) => msleep(seconds * 1000),
  msleep,
  usleep: (microseconds) => msleep(microseconds / 1000),
};

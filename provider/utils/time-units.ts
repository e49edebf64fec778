/** Milliseconds in a minute, an hour and a day: periods are given in days, ages printed in these units. */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

// Times as the service wants them and as a worker reads them.

/** RFC 3339 with the phone's own UTC offset, e.g. "2026-12-02T09:30:05+00:00" (never "Z", never naive). */
export function localTimestamp(moment) {
  const pad = (value) => String(value).padStart(2, "0");
  const offsetMinutes = -moment.getTimezoneOffset();
  const sign = offsetMinutes >= 0 ? "+" : "-";
  const offset = Math.abs(offsetMinutes);
  return `${moment.getFullYear()}-${pad(moment.getMonth() + 1)}-${pad(moment.getDate())}`
    + `T${pad(moment.getHours())}:${pad(moment.getMinutes())}:${pad(moment.getSeconds())}`
    + `${sign}${pad(Math.floor(offset / 60))}:${pad(offset % 60)}`;
}

const DAY_MS = 24 * 3600 * 1000;
const clock = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit" });
const dayMonth = new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short" });
const fullDate = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric" });

/** "today 10:31", "yesterday 16:05", "Mon 1 Dec 09:12" */
export function whenText(value) {
  if (!value) return "never";
  const moment = new Date(value);
  const today = new Date();
  const startOfToday = new Date(today.getFullYear(), today.getMonth(), today.getDate()).getTime();
  if (moment.getTime() >= startOfToday) return `today ${clock.format(moment)}`;
  if (moment.getTime() >= startOfToday - DAY_MS) return `yesterday ${clock.format(moment)}`;
  return `${dayMonth.format(moment)} ${clock.format(moment)}`;
}

/** "just now", "5 minutes ago", "2 hours ago", "3 days ago" */
export function ageText(value, now = Date.now()) {
  const seconds = Math.max(0, Math.round((now - new Date(value).getTime()) / 1000));
  if (seconds < 60) return "just now";
  const plural = (count, unit) => `${count} ${unit}${count === 1 ? "" : "s"} ago`;
  if (seconds < 3600) return plural(Math.floor(seconds / 60), "minute");
  if (seconds < 48 * 3600) return plural(Math.floor(seconds / 3600), "hour");
  return plural(Math.floor(seconds / 86400), "day");
}

/** "10 Jan 2027" from "2027-01-10" */
export function dateText(isoDate) {
  if (!isoDate) return "";
  const [year, month, day] = isoDate.split("-").map(Number);
  return fullDate.format(new Date(year, month - 1, day));
}

/** A v4 UUID: the visit's id, fixed when it is saved, so every retry carries the same one. */
export function newVisitId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

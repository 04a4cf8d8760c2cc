/**
 * Dates in the RFC 2822 form git writes in mail headers: `Thu, 7 Apr 2005 15:13:13 -0700`.
 */

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * Formats `date` as RFC 2822 in the zone `offsetMinutes` east of UTC (default: the zone of
 * this process at that instant, as git does for a new commit). The day of month is not padded,
 * like git's output.
 *
 * @example
 * formatRfc2822Date(new Date('2005-04-07T22:13:13Z'), -420); // => 'Thu, 7 Apr 2005 15:13:13 -0700'
 */
export function formatRfc2822Date(date: Date, offsetMinutes: number = -date.getTimezoneOffset()): string {
  const t = date.getTime();
  if (!Number.isFinite(t)) throw new RangeError('invalid date');
  // Shift the instant by the offset and read the UTC fields: those are the local wall-clock fields.
  const local = new Date(t + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const zone = `${sign}${pad2(Math.floor(abs / 60))}${pad2(abs % 60)}`;
  return (
    `${DAYS[local.getUTCDay()]}, ${local.getUTCDate()} ${MONTHS[local.getUTCMonth()]} ${local.getUTCFullYear()} ` +
    `${pad2(local.getUTCHours())}:${pad2(local.getUTCMinutes())}:${pad2(local.getUTCSeconds())} ${zone}`
  );
}
